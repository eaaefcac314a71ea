import type { DatastoreMember } from '../scope';
import { datastoreQuorumAfter, projectDatastoreQuorum } from './datastore-quorum';
import type { MemberChange } from './datastore-quorum';
import { healthyMachines, scopeOf } from './test-fixtures';
import type { TestWorld } from './test-fixtures';

const voter = (name: string, healthy = true): DatastoreMember => ({ name, role: 'voter', healthy });

describe('projectDatastoreQuorum', () => {
  // [ case, members, change, [kept, voters after, healthy voters after, quorum] ]
  it.each<[string, DatastoreMember[], MemberChange, [boolean, number, number, number]]>([
    ['removing one of 3 healthy voters keeps 2 of 2', [voter('a'), voter('b'), voter('c')], { kind: 'remove', member: 'a' }, [true, 2, 2, 2]],
    ['removing a healthy voter when another is down loses quorum', [voter('a'), voter('b'), voter('c', false)], { kind: 'remove', member: 'a' }, [false, 2, 1, 2]],
    ['removing the unhealthy voter of 3 keeps 2 of 2', [voter('a'), voter('b'), voter('c', false)], { kind: 'remove', member: 'c' }, [true, 2, 2, 2]],
    ['removing one of 5 with one down keeps 3 of 4', [voter('a'), voter('b'), voter('c'), voter('d'), voter('e', false)], { kind: 'remove', member: 'a' }, [true, 4, 3, 3]],
    ['removing one of 5 with two down loses quorum', [voter('a'), voter('b'), voter('c'), voter('d', false), voter('e', false)], { kind: 'remove', member: 'a' }, [false, 4, 2, 3]],
    ['removing the only member leaves nothing', [voter('a')], { kind: 'remove', member: 'a' }, [false, 0, 0, 1]],
    ['removing one of 2 keeps 1 of 1', [voter('a'), voter('b')], { kind: 'remove', member: 'b' }, [true, 1, 1, 1]],
    ['removing a member that never joined changes nothing', [voter('a'), voter('b'), voter('c')], { kind: 'remove', member: 'x' }, [true, 3, 3, 2]],
    ['removing a machine without node changes nothing', [voter('a'), voter('b'), voter('c')], { kind: 'remove', member: undefined }, [true, 3, 3, 2]],
    ['adding to 2 healthy counts the newcomer as down and keeps 2 of 3', [voter('a'), voter('b')], { kind: 'add' }, [true, 3, 2, 2]],
    ['adding to 1 healthy of 2 loses quorum', [voter('a'), voter('b', false)], { kind: 'add' }, [false, 3, 1, 2]],
    ['adding to a single member needs the newcomer', [voter('a')], { kind: 'add' }, [false, 2, 1, 2]],
    [
      'non-voting dqlite members do not count',
      [voter('a'), voter('b'), voter('c'), { name: 'd', role: 'standby', healthy: true }, { name: 'e', role: 'spare', healthy: true }],
      { kind: 'remove', member: 'a' },
      [true, 2, 2, 2],
    ],
  ])('%s', (_name, members, change, [kept, voters, healthyVoters, quorum]) => {
    expect(projectDatastoreQuorum('etcd', members, change)).toMatchObject({ kept, voters, healthyVoters, quorum });
  });

  it('explains the projection in words', () => {
    expect(projectDatastoreQuorum('etcd', [voter('a'), voter('b'), voter('c', false)], { kind: 'remove', member: 'a' }).message).toBe(
      'removing etcd member a leaves 2 voting member(s), 1 healthy (b); quorum needs 2',
    );
  });
});

describe('datastoreQuorumAfter', () => {
  const three = (overrides: Partial<TestWorld> = {}): TestWorld => ({ machines: healthyMachines(3), ...overrides });

  it.each<[string, TestWorld, { kind: 'removeMachine'; machine: string } | { kind: 'addMachine' }, string | undefined]>([
    ['allows removing a machine from a healthy 3-member etcd', three(), { kind: 'removeMachine', machine: 'm1' }, undefined],
    [
      'refuses removing a healthy machine while another member is down',
      { machines: [{ name: 'm1' }, { name: 'm2' }, { name: 'm3', member: 'unhealthy' }] },
      { kind: 'removeMachine', machine: 'm1' },
      'DatastoreQuorumAtRisk',
    ],
    [
      'counts orphan members without a machine against quorum',
      three({ extraMembers: [{ name: 'ghost-1', role: 'voter', healthy: false }, { name: 'ghost-2', role: 'voter', healthy: false }] }),
      { kind: 'removeMachine', machine: 'm1' },
      'DatastoreQuorumAtRisk',
    ],
    ['refuses while a learner is joining', three({ extraMembers: [{ name: 'new', role: 'learner', healthy: true }] }), { kind: 'removeMachine', machine: 'm1' }, 'DatastoreMembershipChanging'],
    [
      'allows removing the learner itself',
      { machines: [{ name: 'm1' }, { name: 'm2' }, { name: 'm3' }, { name: 'm4', member: 'learner' }] },
      { kind: 'removeMachine', machine: 'm4' },
      undefined,
    ],
    ['refuses when the membership is unknown', three({ membershipUnknown: 'k8sd unreachable' }), { kind: 'removeMachine', machine: 'm1' }, 'DatastoreMembershipUnknown'],
    ['refuses when the workload cluster is unreachable', three({ workloadUnreachable: 'timeout' }), { kind: 'addMachine' }, 'WorkloadClusterUnreachable'],
    [
      'allows anything with an external datastore',
      three({ spec: { controlPlane: { datastoreType: 'external' } }, membershipUnknown: 'not managed' }),
      { kind: 'removeMachine', machine: 'm1' },
      undefined,
    ],
    [
      'protects a k8s-dqlite datastore like etcd',
      { datastoreKind: 'k8s-dqlite', spec: { controlPlane: { datastoreType: 'k8s-dqlite' } }, machines: [{ name: 'm1' }, { name: 'm2', member: 'unhealthy' }, { name: 'm3' }] },
      { kind: 'removeMachine', machine: 'm1' },
      'DatastoreQuorumAtRisk',
    ],
  ])('%s', (_name, world, change, refusal) => {
    const verdict = datastoreQuorumAfter(scopeOf(world), change);
    if (refusal === undefined) expect(verdict).toEqual({ allowed: true });
    else expect(verdict).toMatchObject({ allowed: false, reason: refusal });
  });

  it('names the datastore kind and the healthy members in the refusal', () => {
    const verdict = datastoreQuorumAfter(
      scopeOf({ datastoreKind: 'k8s-dqlite', machines: [{ name: 'm1' }, { name: 'm2', member: 'unhealthy' }, { name: 'm3' }] }),
      { kind: 'removeMachine', machine: 'm1' },
    );
    expect(verdict).toMatchObject({ message: 'refusing: removing k8s-dqlite member m1 leaves 2 voting member(s), 1 healthy (m3); quorum needs 2' });
  });
});
