// "One operation at a time": the checks every scale up and scale down passes before touching a Machine.
import { annotations } from '@capi-ck8s/api';
import type { ControlPlaneMachine, ControlPlaneScope } from '../scope';
import { datastoreQuorumAfter } from './datastore-quorum';
import { allowed, listNames, refusalReasons, refuse, retryAfterSeconds } from './verdict';
import type { Verdict } from './verdict';

export type PreflightOperation = { kind: 'scaleUp' } | { kind: 'scaleDown'; machine: string };

const describeProblems = (machines: readonly ControlPlaneMachine[]) =>
  machines.map((machine) => `machine ${machine.name}: ${machine.problems.map((problem) => problem.message).join(', ')}`).join('; ');

/**
 * In this order, the first failing check refuses:
 * 1. no Machine at all: allowed (initialization has nothing to protect);
 * 2. a Machine is being deleted: wait for it (retry 30 s) — its datastore member and node are leaving;
 * 3. the workload cluster cannot be read: health unknown counts as unhealthy;
 * 4. every Machine — except the one a scale down removes — has a node that is Ready and, with a managed datastore,
 *    a healthy voting member: allowed;
 * 5. otherwise refused (retry 15 s), except for a scale up while a remediation is in progress (the control plane
 *    annotation is set), relaxed as in KCP so the replacement of a broken Machine can be created: at least one
 *    Machine must be fully healthy, and the datastore must keep quorum with the new member counted as unhealthy.
 *    The relaxed rule only widens step 4: a single healthy Machine left by remediating one of two can still be
 *    given its replacement, as a plain scale up from one Machine would be.
 */
export function preflight(scope: ControlPlaneScope, operation: PreflightOperation): Verdict {
  if (scope.machines.length === 0) return allowed;
  const deleting = scope.deletingMachines();
  if (deleting.length > 0) {
    return refuse(
      refusalReasons.machineDeleting,
      `waiting for machine(s) ${listNames(deleting.map((machine) => machine.name))} to finish deleting`,
      retryAfterSeconds.deletion,
    );
  }
  const workload = scope.workload;
  if (!workload.reachable) {
    return refuse(
      refusalReasons.workloadUnreachable,
      `cannot check control plane health: ${workload.message}`,
      retryAfterSeconds.health,
    );
  }
  const excluded = operation.kind === 'scaleDown' ? operation.machine : undefined;
  const unhealthy = scope.machinesWithProblems().filter((machine) => machine.name !== excluded);
  if (unhealthy.length === 0) return allowed;
  if (operation.kind === 'scaleUp' && scope.controlPlane.metadata?.annotations?.[annotations.remediationInProgress] !== undefined) {
    return preflightWhileRemediating(scope);
  }
  return refuse(
    refusalReasons.controlPlaneUnhealthy,
    `control plane not healthy, waiting before ${operation.kind === 'scaleUp' ? 'adding' : 'removing'} a machine: ${describeProblems(unhealthy)}`,
    retryAfterSeconds.health,
  );
}

function preflightWhileRemediating(scope: ControlPlaneScope): Verdict {
  const healthy = scope.activeMachines().filter((machine) => machine.problems.length === 0);
  if (healthy.length === 0) {
    return refuse(
      refusalReasons.controlPlaneUnhealthy,
      `no healthy control plane machine left to join a replacement to: ${describeProblems(scope.machinesWithProblems())}`,
      retryAfterSeconds.health,
    );
  }
  return datastoreQuorumAfter(scope, { kind: 'addMachine' });
}
