import { annotations } from '@capi-ck8s/api';
import { preflight } from './preflight';
import type { PreflightOperation } from './preflight';
import { healthyMachines, scopeOf } from './test-fixtures';
import type { TestWorld } from './test-fixtures';

const up: PreflightOperation = { kind: 'scaleUp' };
const downM1: PreflightOperation = { kind: 'scaleDown', machine: 'm1' };
const remediating = { [annotations.remediationInProgress]: '{"machine":"m0","timestamp":"2026-11-25T11:00:00Z","retryCount":0}' };

describe('preflight', () => {
  // [ behaviour, world, operation, refusal reason (undefined: allowed), retry after seconds (null: not checked) ]
  it.each<[string, TestWorld, PreflightOperation, string | undefined, number | null]>([
    ['allows anything with no machine (initialization)', { machines: [], workloadUnreachable: 'no cluster yet' }, up, undefined, null],
    ['allows a scale up of a healthy control plane', { machines: healthyMachines(3) }, up, undefined, null],
    ['waits 30 s while a machine is being deleted', { machines: [...healthyMachines(2), { name: 'm3', deleting: true }] }, up, 'WaitingForMachineDeletion', 30],
    ['waits while the workload cluster is unreachable', { machines: healthyMachines(3), workloadUnreachable: 'dial timeout' }, up, 'WorkloadClusterUnreachable', 15],
    ['waits 15 s for a machine without node', { machines: [...healthyMachines(2), { name: 'm3', node: false }] }, up, 'ControlPlaneUnhealthy', 15],
    ['waits for a node that is not Ready', { machines: [...healthyMachines(2), { name: 'm3', nodeReady: false }] }, up, 'ControlPlaneUnhealthy', null],
    ['waits for an unhealthy etcd member', { machines: [...healthyMachines(2), { name: 'm3', member: 'unhealthy' }] }, up, 'ControlPlaneUnhealthy', null],
    ['waits while the etcd membership is unknown', { machines: healthyMachines(3), membershipUnknown: 'k8sd down' }, up, 'ControlPlaneUnhealthy', null],
    ['ignores the machine a scale down removes', { machines: [{ name: 'm1', nodeReady: false }, { name: 'm2' }, { name: 'm3' }] }, downM1, undefined, null],
    ['still checks the others on a scale down', { machines: [{ name: 'm1' }, { name: 'm2', node: false }, { name: 'm3' }] }, downM1, 'ControlPlaneUnhealthy', null],
    [
      'relaxes a scale up during remediation when quorum holds with the newcomer',
      { machines: [{ name: 'm1' }, { name: 'm2' }], controlPlaneAnnotations: remediating },
      up,
      undefined,
      null,
    ],
    [
      'relaxes a scale up during remediation even with a broken machine left, if quorum holds',
      { machines: [{ name: 'm1' }, { name: 'm2' }, { name: 'm3' }, { name: 'm4', nodeReady: false }], controlPlaneAnnotations: remediating },
      up,
      undefined,
      null,
    ],
    [
      'refuses the relaxed scale up when the newcomer would break quorum',
      { machines: [{ name: 'm1' }, { name: 'm2', member: 'unhealthy' }], controlPlaneAnnotations: remediating },
      up,
      'DatastoreQuorumAtRisk',
      null,
    ],
    [
      'gives a single healthy machine left by a remediation its replacement, as a plain scale up would',
      { machines: [{ name: 'm1' }], controlPlaneAnnotations: remediating },
      up,
      undefined,
      null,
    ],
    [
      'refuses the relaxed scale up without any healthy machine',
      { machines: [{ name: 'm1', nodeReady: false }], controlPlaneAnnotations: remediating },
      up,
      'ControlPlaneUnhealthy',
      null,
    ],
    [
      'does not relax a scale down during remediation',
      { machines: [{ name: 'm1' }, { name: 'm2' }, { name: 'm3', nodeReady: false }], controlPlaneAnnotations: remediating },
      downM1,
      'ControlPlaneUnhealthy',
      null,
    ],
  ])('%s', (_name, world, operation, reason, retryAfter) => {
    const verdict = preflight(scopeOf(world), operation);
    if (reason === undefined) {
      expect(verdict).toEqual({ allowed: true });
      return;
    }
    expect(verdict).toMatchObject({ allowed: false, reason });
    if (retryAfter !== null) expect(verdict).toMatchObject({ retryAfterSeconds: retryAfter });
  });

  it('lists every unhealthy machine and its problems in the message', () => {
    const verdict = preflight(scopeOf({ machines: [{ name: 'm1', node: false }, { name: 'm2', nodeReady: false, member: 'unhealthy' }, { name: 'm3' }] }), up);
    expect(verdict).toMatchObject({
      message:
        'control plane not healthy, waiting before adding a machine: machine m1: has no node yet; ' +
        'machine m2: etcd member m2 is unhealthy, node m2 is not Ready',
    });
  });
});
