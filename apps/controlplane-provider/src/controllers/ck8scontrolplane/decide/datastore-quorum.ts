// Would the managed datastore (etcd, or k8s-dqlite on older clusters) keep its quorum after a control plane change?
// Removing a control plane node through k8sd removes its datastore member at once, so this is checked before every
// scale down and remediation, and before a scale up that replaces a remediated machine.
import type { ControlPlaneScope, DatastoreKind, DatastoreMember } from '../scope';
import { allowed, listNames, refusalReasons, refuse, retryAfterSeconds } from './verdict';
import type { Verdict } from './verdict';

export type MemberChange = { kind: 'remove'; member: string | undefined } | { kind: 'add' };

export interface QuorumProjection {
  kept: boolean;
  /** Voting members after the change. */
  voters: number;
  /** Of those, the ones known healthy; a new member counts as unhealthy until it has joined. */
  healthyVoters: number;
  quorum: number;
  message: string;
}

const quorumOf = (voters: number) => Math.floor(voters / 2) + 1;

/**
 * Projects the membership after `change` and requires the healthy voting members to reach the quorum of the new
 * voting size (floor(n/2)+1): with 3 healthy voters one may go, with 3 voters of which one is down none may.
 * Non-voting members (etcd learners, dqlite standbys and spares) do not count. dqlite may promote a standby after a
 * voter leaves, but only after the removal, so the projection does not count on it. Removing a member that does not
 * exist (a machine that never joined) leaves the membership as it is.
 */
export function projectDatastoreQuorum(
  kind: DatastoreKind,
  members: readonly DatastoreMember[],
  change: MemberChange,
): QuorumProjection {
  const remaining = change.kind === 'remove' ? members.filter((member) => member.name !== change.member) : members;
  const voters = remaining.filter((member) => member.role === 'voter');
  const added = change.kind === 'add' ? 1 : 0;
  const healthy = voters.filter((member) => member.healthy);
  const size = voters.length + added;
  const quorum = quorumOf(size);
  const kept = size > 0 && healthy.length >= quorum;
  const what =
    change.kind === 'add'
      ? `adding a ${kind} member (unhealthy until it has joined)`
      : change.member && members.some((member) => member.name === change.member)
        ? `removing ${kind} member ${change.member}`
        : `a change that removes no ${kind} member`;
  const healthyNames = healthy.length > 0 ? ` (${listNames(healthy.map((member) => member.name))})` : '';
  const message = `${what} leaves ${size} voting member(s), ${healthy.length} healthy${healthyNames}; quorum needs ${quorum}`;
  return { kept, voters: size, healthyVoters: healthy.length, quorum, message };
}

export type ControlPlaneChange = { kind: 'removeMachine'; machine: string } | { kind: 'addMachine' };

/**
 * The projection for a change expressed in Machines, with what the observation lacks turned into refusals:
 * 1. an external datastore is not ours to protect: allowed;
 * 2. the workload cluster or the membership could not be read: refused, quorum cannot be shown to hold;
 * 3. an etcd learner other than the leaving member means a membership change is in flight: refused (as KCP);
 * 4. otherwise projectDatastoreQuorum decides.
 */
export function datastoreQuorumAfter(scope: ControlPlaneScope, change: ControlPlaneChange): Verdict {
  if (!scope.managedDatastore) return allowed;
  const workload = scope.workload;
  if (!workload.reachable) {
    return refuse(refusalReasons.workloadUnreachable, `cannot check the datastore quorum: ${workload.message}`, retryAfterSeconds.health);
  }
  const datastore = workload.datastore;
  if (!datastore.known) {
    return refuse(
      refusalReasons.datastoreMembershipUnknown,
      `cannot check the datastore quorum: membership unknown (${datastore.message})`,
      retryAfterSeconds.health,
    );
  }
  const leaving = change.kind === 'removeMachine' ? scope.machine(change.machine)?.nodeName : undefined;
  const learners = datastore.members.filter((member) => member.role === 'learner' && member.name !== leaving);
  if (learners.length > 0) {
    return refuse(
      refusalReasons.datastoreMembershipChanging,
      `${datastore.kind} member(s) ${listNames(learners.map((member) => member.name))} still joining as learner; ` +
        'waiting for the membership change to finish',
      retryAfterSeconds.health,
    );
  }
  const projection = projectDatastoreQuorum(
    datastore.kind,
    datastore.members,
    change.kind === 'addMachine' ? { kind: 'add' } : { kind: 'remove', member: leaving },
  );
  if (projection.kept) return allowed;
  return refuse(refusalReasons.datastoreQuorumAtRisk, `refusing: ${projection.message}`, retryAfterSeconds.health);
}
