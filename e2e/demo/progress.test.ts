import type { Condition, Machine } from '@capi-ck8s/api';
import { changedLines } from './live-view';
import { type ClusterSnapshot, clusterReadiness, clusterTree, drawTree, notableConditions, oneLine } from './progress';

const shape = { controlPlanes: 1, workers: 1 };

function condition(type: string, status: 'True' | 'False' | 'Unknown', reason = 'Reason', message = ''): Condition {
  return { type, status, reason, message, lastTransitionTime: '2026-01-01T00:00:00Z' };
}

function machine(name: string, options: { controlPlane: boolean; phase?: string; node?: boolean; conditions?: Condition[] }): Machine {
  return {
    metadata: {
      name,
      labels: options.controlPlane ? { 'cluster.x-k8s.io/control-plane': '' } : { 'cluster.x-k8s.io/deployment-name': 'demo-md-0' },
    },
    spec: { clusterName: 'demo', version: 'v1.33.2', bootstrap: {}, infrastructureRef: { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'SimMachine', name } },
    status: {
      ...(options.phase ? { phase: options.phase } : {}),
      ...(options.node ? { nodeRef: { name } } : {}),
      conditions: options.conditions ?? [],
    },
  };
}

const readyMachine = (name: string, controlPlane: boolean) => machine(name, { controlPlane, phase: 'Running', node: true, conditions: [condition('Ready', 'True')] });

function readySnapshot(): ClusterSnapshot {
  return {
    cluster: { metadata: { name: 'demo' }, status: { phase: 'Provisioned', conditions: [condition('Available', 'True')] } },
    controlPlane: {
      metadata: { name: 'demo-control-plane' },
      spec: { replicas: 1, version: 'v1.33.2', machineTemplate: { infrastructureTemplate: { apiVersion: 'x/v1', kind: 'SimMachineTemplate', name: 't' } } },
      status: { readyReplicas: 1, conditions: [condition('Available', 'True')] },
    },
    machineDeployments: [
      {
        metadata: { name: 'demo-md-0' },
        spec: { clusterName: 'demo', replicas: 1, selector: {}, template: readyMachine('t', false) },
        status: { readyReplicas: 1, conditions: [condition('Available', 'True')] },
      },
    ],
    machines: [readyMachine('demo-control-plane-a', true), readyMachine('demo-md-0-a', false)],
  };
}

describe('cluster readiness', () => {
  it('is ready when the Cluster is Available and every expected Machine runs with a Ready Node', () => {
    expect(clusterReadiness(readySnapshot(), shape, 'demo')).toEqual({ ready: true, waitingFor: [] });
  });

  it.each([
    ['a worker Machine without a Node', (snapshot: ClusterSnapshot) => {
      snapshot.machines[1] = machine('demo-md-0-a', { controlPlane: false, phase: 'Provisioned', conditions: [condition('Ready', 'False', 'NotReady'), condition('InfrastructureReady', 'False', 'BootFailed', 'join failed')] });
    }, ['Machine/demo-md-0-a phase Provisioned', 'InfrastructureReady=False (BootFailed): join failed', '0/1 worker Machines']],
    ['a missing control plane Machine', (snapshot: ClusterSnapshot) => {
      snapshot.machines.shift();
    }, ['0/1 control plane Machines running with a Ready Node']],
    ['a Cluster that is not Available', (snapshot: ClusterSnapshot) => {
      snapshot.cluster!.status!.conditions = [condition('Available', 'False', 'NotAvailable', '* WorkersAvailable:\n  * 0 available')];
    }, ['Cluster/demo', 'Available=False (NotAvailable): WorkersAvailable: 0 available']],
    ['a Cluster that does not exist yet', (snapshot: ClusterSnapshot) => {
      snapshot.cluster = undefined;
    }, ['Cluster/demo does not exist']],
  ])('waits for %s, naming it and its conditions', (_, change, expected) => {
    const snapshot = readySnapshot();
    change(snapshot);
    const readiness = clusterReadiness(snapshot, shape, 'demo');
    expect(readiness.ready).toBe(false);
    for (const text of expected) expect(readiness.waitingFor.join('\n')).toContain(text);
  });
});

describe('what the timeout names', () => {
  it('shows every cause of a Machine but only the first of an aggregate, whose message repeats its Machines', () => {
    const snapshot = readySnapshot();
    snapshot.cluster!.status!.conditions = [condition('Available', 'False'), condition('ControlPlaneAvailable', 'False'), condition('WorkersAvailable', 'False')];
    snapshot.machines[1] = machine('demo-md-0-a', { controlPlane: false, phase: 'Running', node: true, conditions: [condition('Ready', 'False'), condition('NodeHealthy', 'Unknown'), condition('InfrastructureReady', 'False')] });
    const text = clusterReadiness(snapshot, shape, 'demo').waitingFor.join('\n');
    expect(text).toContain('ControlPlaneAvailable=False');
    expect(text).not.toContain('WorkersAvailable=False');
    expect(text).toContain('NodeHealthy=Unknown');
    expect(text).toContain('InfrastructureReady=False');
  });
});

describe('notable conditions', () => {
  it('lists failing positive conditions and active negative ones, earliest cause first, without the summary', () => {
    const conditions = [
      condition('Ready', 'False'),
      condition('NodeHealthy', 'Unknown'),
      condition('Paused', 'False'),
      condition('ScalingUp', 'True'),
      condition('InfrastructureReady', 'False'),
      condition('BootstrapConfigReady', 'True'),
    ];
    expect(notableConditions(conditions, 'Ready').map((candidate) => candidate.type)).toEqual(['InfrastructureReady', 'NodeHealthy', 'ScalingUp']);
  });
});

describe('the tree', () => {
  it('puts the control plane Machines under the control plane and workers under their MachineDeployment', () => {
    const snapshot = readySnapshot();
    snapshot.machines.push(machine('demo-md-0-b', { controlPlane: false, phase: 'Provisioning', conditions: [condition('Ready', 'False', 'NotReady'), condition('InfrastructureReady', 'False', 'Booting', 'running the bootstrap data')] }));
    expect(drawTree(clusterTree(snapshot, 'demo'))).toEqual([
      'Cluster/demo  Provisioned  Available',
      '├─ControlPlane CK8sControlPlane/demo-control-plane  1/1 ready  Available',
      '│ └─Machine/demo-control-plane-a  Running  v1.33.2  node demo-control-plane-a  Ready',
      '└─Workers MachineDeployment/demo-md-0  1/1 ready  Available',
      '  ├─Machine/demo-md-0-a  Running  v1.33.2  node demo-md-0-a  Ready',
      '  └─Machine/demo-md-0-b  Provisioning  v1.33.2  Ready=False · InfrastructureReady=False Booting: running the bootstrap data',
    ]);
  });

  it('shows a Cluster that is not created yet', () => {
    expect(drawTree(clusterTree({ cluster: undefined, controlPlane: undefined, machineDeployments: [], machines: [] }, 'demo'))).toEqual(['Cluster/demo  (not created yet)']);
  });
});

describe('messages and plain output', () => {
  it('puts multi-line condition messages on one shortened line', () => {
    expect(oneLine('* Machine a:\n  * NodeHealthy: not yet\n', 90)).toBe('Machine a: NodeHealthy: not yet');
    expect(oneLine('x'.repeat(20), 10)).toBe(`${'x'.repeat(9)}…`);
  });

  it('prints only the lines a new frame adds or changes', () => {
    expect(changedLines(['a', 'b', 'c'], ['a', 'b2', 'c', 'd'])).toEqual(['b2', 'd']);
    expect(changedLines(['a'], ['a'])).toEqual([]);
  });
});
