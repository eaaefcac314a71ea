// Whatever the control plane looks like, the next step never takes a risk the safety model forbids: no removal that
// loses datastore quorum, nothing while a machine is being deleted, no scale up beside an unhealthy machine unless it
// replaces a remediated one, no remediation of the last machine or without a healthy peer.
import fc from 'fast-check';
import { annotations } from '@capi-ck8s/api';
import type { ControlPlaneScope } from '../scope';
import { projectDatastoreQuorum } from './datastore-quorum';
import { decideNextStep } from './next-step';
import type { NextStep } from './next-step';
import { formatRemediationData } from './remediation-data';
import { minutesAgo, scopeOf } from './test-fixtures';
import type { MemberState, TestMachine, TestWorld } from './test-fixtures';

/** True about one time in `outOf`: most drawn control planes are mostly healthy, so every kind of step occurs. */
const rarely = (outOf: number) => fc.integer({ min: 1, max: outOf }).map((value) => value === 1);
const usually = (outOf: number) => rarely(outOf).map((value) => !value);

const testMachine = fc.record({
  version: fc.constantFrom('v1.33.0', 'v1.34.1'),
  node: usually(10),
  nodeReady: usually(8),
  member: fc.oneof(
    { weight: 12, arbitrary: fc.constant<MemberState>('healthy') },
    { weight: 1, arbitrary: fc.constantFrom<MemberState>('unhealthy', 'missing', 'learner') },
  ),
  deleting: rarely(12),
  flagged: rarely(5),
  failureDomain: fc.constantFrom(undefined, 'fd-a', 'fd-b', 'fd-c', 'fd-gone'),
  markedForDeletion: rarely(6),
});

const world = fc
  .record({
    replicas: fc.integer({ min: 1, max: 5 }),
    maxSurge: fc.constantFrom(0, 1),
    initialized: usually(8),
    machines: fc.array(testMachine, { maxLength: 6 }),
    orphans: fc.array(fc.boolean(), { maxLength: 1 }),
    failureDomains: fc.subarray(['fd-a', 'fd-b', 'fd-c']),
    remediationInProgress: rarely(4),
    workloadUnreachable: rarely(15),
    membershipUnknown: rarely(15),
    external: rarely(5),
  })
  .map(
    (drawn): TestWorld => ({
      replicas: drawn.replicas,
      maxSurge: drawn.maxSurge,
      initialized: drawn.initialized,
      failureDomains: drawn.failureDomains,
      ...(drawn.external ? { spec: { controlPlane: { datastoreType: 'external' } } } : {}),
      ...(drawn.workloadUnreachable ? { workloadUnreachable: 'unreachable' } : {}),
      ...(drawn.membershipUnknown ? { membershipUnknown: 'unknown' } : {}),
      ...(drawn.remediationInProgress
        ? { controlPlaneAnnotations: { [annotations.remediationInProgress]: formatRemediationData({ machine: 'gone', timestamp: minutesAgo(2), retryCount: 0 }) } }
        : {}),
      extraMembers: drawn.orphans.map((healthy, index) => ({ name: `orphan${index}`, role: 'voter', healthy })),
      machines: drawn.machines.map(
        (machine, index): TestMachine => ({
          name: `m${index + 1}`,
          version: machine.version,
          node: machine.node,
          nodeReady: machine.nodeReady,
          member: machine.member,
          deleting: machine.deleting,
          ...(machine.failureDomain ? { failureDomain: machine.failureDomain } : {}),
          ...(machine.flagged ? { healthCheckSucceeded: 'False', ownerRemediated: 'False' } : {}),
          ...(machine.markedForDeletion ? { annotations: { [annotations.deleteMachine]: '' } } : {}),
        }),
      ),
    }),
  );

function keepsQuorumWithout(scope: ControlPlaneScope, machineName: string): boolean {
  if (!scope.managedDatastore) return true;
  const workload = scope.workload;
  if (!workload.reachable || !workload.datastore.known) return false;
  const leaving = scope.machine(machineName)?.nodeName;
  const members = workload.datastore.members;
  if (members.some((member) => member.role === 'learner' && member.name !== leaving)) return false;
  return projectDatastoreQuorum(workload.datastore.kind, members, { kind: 'remove', member: leaving }).kept;
}

const healthy = (scope: ControlPlaneScope, except?: string) =>
  scope.activeMachines().filter((machine) => machine.name !== except && machine.problems.length === 0);

/** Runs `check` on the next step of many random control planes. */
function forEveryStep(check: (scope: ControlPlaneScope, step: NextStep) => void, numRuns = 3000): void {
  fc.assert(
    fc.property(world, (drawn) => {
      const scope = scopeOf(drawn);
      check(scope, decideNextStep(scope));
    }),
    { numRuns },
  );
}

describe('decideNextStep safety', () => {
  it('never removes a machine when the datastore would lose quorum, or beside another unhealthy one', () => {
    forEveryStep((scope, { action }) => {
      if (action.kind !== 'scaleDown') return;
      expect(scope.hasDeletingMachine()).toBe(false);
      expect(keepsQuorumWithout(scope, action.machine)).toBe(true);
      expect(scope.machinesWithProblems().filter((machine) => machine.name !== action.machine)).toEqual([]);
    });
  });

  it('never remediates an initialized control plane unsafely', () => {
    forEveryStep((scope, { action }) => {
      if (action.kind !== 'remediate' || !scope.initialized) return;
      expect(scope.machines.length).toBeGreaterThan(1);
      expect(scope.hasDeletingMachine()).toBe(false);
      expect(healthy(scope, action.machine).length).toBeGreaterThan(0);
      expect(keepsQuorumWithout(scope, action.machine)).toBe(true);
    });
  });

  it('never adds a machine beside an unhealthy one, unless it replaces a remediated machine safely', () => {
    forEveryStep((scope, { action }) => {
      if (action.kind !== 'scaleUp') return;
      expect(scope.initialized).toBe(true);
      expect(scope.hasDeletingMachine()).toBe(false);
      if (scope.machinesWithProblems().length === 0) return;
      expect(action.remediationFor).toBeDefined();
      expect(healthy(scope).length).toBeGreaterThan(0);
    });
  });

  it('places new machines only in the control plane failure domains of the Cluster', () => {
    forEveryStep((scope, { action }) => {
      if (action.kind !== 'scaleUp' && action.kind !== 'initialize') return;
      if (scope.failureDomains.length === 0) expect(action.failureDomain).toBeUndefined();
      else expect(scope.failureDomains).toContain(action.failureDomain);
    }, 2000);
  });

  it('explains every wait with a reason and a message', () => {
    forEveryStep((_scope, step) => {
      for (const outcome of [step.action, step.remediation.action]) {
        if (outcome.kind !== 'wait' && outcome.kind !== 'deferred') continue;
        expect(outcome.reason).toMatch(/^[A-Z][A-Za-z]+$/);
        expect(outcome.message.length).toBeGreaterThan(10);
        expect(outcome.retryAfterSeconds).toBeGreaterThan(0);
      }
    }, 2000);
  });
});
