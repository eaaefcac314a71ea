import { maxSurgeOf, planRollout } from './rollout';
import { healthyMachines, scopeOf } from './test-fixtures';
import type { TestMachine, TestWorld } from './test-fixtures';

const old = 'v1.33.0';
const outdated = (count: number): TestMachine[] => healthyMachines(count, { version: old });

describe('planRollout', () => {
  // [ behaviour, world, expected step ]
  it.each<[string, TestWorld, object]>([
    ['maxSurge 1 scales up first', { replicas: 3, machines: outdated(3) }, { kind: 'scaleUp' }],
    ['maxSurge 1 then removes the oldest outdated machine', { replicas: 3, machines: [...outdated(3), { name: 'new' }] }, { kind: 'scaleDown', machine: 'm1' }],
    ['maxSurge 0 removes the oldest outdated machine first', { replicas: 3, maxSurge: 0, machines: outdated(3) }, { kind: 'scaleDown', machine: 'm1' }],
    ['maxSurge 0 then refills', { replicas: 3, maxSurge: 0, machines: outdated(3).slice(1) }, { kind: 'scaleUp' }],
    ['a 1-replica cluster surges to 2', { replicas: 1, machines: outdated(1) }, { kind: 'scaleUp' }],
    ['a 1-replica cluster then drops the outdated machine', { replicas: 1, machines: [...outdated(1), { name: 'new' }] }, { kind: 'scaleDown', machine: 'm1' }],
    ['maxSurge "1" given as a string works as 1', { replicas: 1, maxSurge: '1', machines: outdated(1) }, { kind: 'scaleUp' }],
    ['a pending scale down shrinks before surging', { replicas: 3, machines: outdated(5) }, { kind: 'scaleDown', machine: 'm1' }],
    [
      'only outdated machines are replaced, even when younger',
      { replicas: 3, machines: [{ name: 'm1' }, { name: 'm2', version: old }, { name: 'm3' }, { name: 'new' }] },
      { kind: 'scaleDown', machine: 'm2' },
    ],
  ])('%s', (_name, world, expected) => {
    expect(planRollout(scopeOf(world))).toMatchObject(expected);
  });

  it('is done when nothing is outdated', () => {
    expect(planRollout(scopeOf({ machines: healthyMachines(3) }))).toEqual({ kind: 'done' });
  });

  it('places the surge machine in the failure domain that lacks an up-to-date machine', () => {
    const step = planRollout(
      scopeOf({
        failureDomains: ['fd-a', 'fd-b', 'fd-c'],
        machines: [
          { name: 'm1', failureDomain: 'fd-a', version: old },
          { name: 'm2', failureDomain: 'fd-b' },
          { name: 'm3', failureDomain: 'fd-c' },
        ],
      }),
    );
    expect(step).toMatchObject({ kind: 'scaleUp', failureDomain: 'fd-a' });
  });

  it.each<[string, TestWorld, string, RegExp]>([
    ['maxSurge 2', { maxSurge: 2, machines: outdated(3) }, 'InvalidRolloutStrategy', /must be 0 or 1, have 2/],
    ['maxSurge as a percentage', { maxSurge: '50%', machines: outdated(3) }, 'InvalidRolloutStrategy', /must be 0 or 1, have "50%"/],
    ['maxSurge 0 with 1 replica', { replicas: 1, maxSurge: 0, machines: outdated(1) }, 'InvalidRolloutStrategy', /needs at least 3 replicas \(have 1\)/],
    ['a machine being deleted', { machines: [...outdated(2), { name: 'm3', deleting: true }] }, 'WaitingForMachineDeletion', /m3/],
    ['a machine without node before scaling up', { machines: [...outdated(2), { name: 'm3', node: false }] }, 'ControlPlaneUnhealthy', /m3: has no node yet/],
    [
      'the surge machine still joining before scaling down',
      { machines: [...outdated(3), { name: 'new', member: 'learner' }] },
      'ControlPlaneUnhealthy',
      /new: etcd member new is still a learner/,
    ],
    [
      'an orphan member down, which removing the outdated machine would turn into lost quorum',
      {
        machines: [...outdated(3), { name: 'new' }],
        extraMembers: ['o1', 'o2', 'o3'].map((name) => ({ name, role: 'voter' as const, healthy: false })),
      },
      'DatastoreQuorumAtRisk',
      /removing etcd member m1 leaves 6 voting member\(s\), 3 healthy \(m2, m3 and new\); quorum needs 4/,
    ],
  ])('waits on %s', (_name, world, reason, message) => {
    expect(planRollout(scopeOf(world))).toMatchObject({ kind: 'wait', reason, message: expect.stringMatching(message) as string });
  });
});

describe('maxSurgeOf', () => {
  it.each<[number | string | undefined, 0 | 1 | undefined]>([
    [undefined, 1],
    [1, 1],
    [0, 0],
    ['0', 0],
    ['1', 1],
    [3, undefined],
    ['-1', undefined],
    ['one', undefined],
  ])('reads %p as %p', (maxSurge, expected) => {
    const result = maxSurgeOf(scopeOf({ machines: [], ...(maxSurge === undefined ? {} : { maxSurge }) }));
    expect(result.ok ? result.value : undefined).toBe(expected);
  });
});
