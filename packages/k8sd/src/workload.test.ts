import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { controlPlaneTargets, nodeTarget } from './workload';

const node = (name: string, address?: string): V1Node => ({
  metadata: { name },
  status: { addresses: address ? [{ type: 'Hostname', address: name }, { type: 'InternalIP', address }] : [{ type: 'Hostname', address: name }] },
});
const pod = (name: string, nodeName: string, ready: boolean): V1Pod => ({
  metadata: { name },
  spec: { nodeName, containers: [] },
  status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});

describe('nodeTarget', () => {
  it.each([
    ['a node with a Ready proxy pod', node('a', '10.0.0.1'), [pod('p-a', 'a', true)], 'port-forward', { nodeName: 'a', address: '10.0.0.1', podName: 'p-a' }],
    ['a node reached directly needs no proxy pod', node('a', '10.0.0.1'), [], 'direct', { nodeName: 'a', address: '10.0.0.1' }],
    ['a node without InternalIP', node('a'), [pod('p-a', 'a', true)], 'port-forward', { unusable: 'node a has no InternalIP address' }],
    ['a node without proxy pod', node('a', '10.0.0.1'), [pod('p-b', 'b', true)], 'port-forward', { unusable: 'node a has no k8sd-proxy pod' }],
    ['a proxy pod not Ready', node('a', '10.0.0.1'), [pod('p-a', 'a', false)], 'port-forward', { unusable: 'k8sd-proxy pod p-a on node a is not Ready' }],
  ] as const)('%s', (_case, candidate, pods, route, expected) => {
    expect(nodeTarget(candidate, [...pods], route)).toEqual(expected);
  });

  it('accepts a proxy pod that is not Ready when the call is about that node (as upstream does)', () => {
    expect(nodeTarget(node('a', '10.0.0.1'), [pod('p-a', 'a', false)], 'port-forward', { requireReadyProxy: false })).toEqual({
      nodeName: 'a',
      address: '10.0.0.1',
      podName: 'p-a',
    });
  });
});

describe('controlPlaneTargets', () => {
  it('keeps listing order, drops ignored nodes silently and explains the unusable ones', () => {
    const nodes = [node('cp-0', '10.0.0.1'), node('cp-1', '10.0.0.2'), node('cp-2', '10.0.0.3'), node('cp-3', '10.0.0.4')];
    const pods = [pod('p0', 'cp-0', true), pod('p1', 'cp-1', false), pod('p2', 'cp-2', true), pod('p3', 'cp-3', true)];
    expect(controlPlaneTargets(nodes, pods, 'port-forward', new Set(['cp-0']))).toEqual({
      targets: [
        { nodeName: 'cp-2', address: '10.0.0.3', podName: 'p2' },
        { nodeName: 'cp-3', address: '10.0.0.4', podName: 'p3' },
      ],
      skipped: ['k8sd-proxy pod p1 on node cp-1 is not Ready'],
    });
  });
});
