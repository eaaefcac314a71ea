// Remediation of control plane Machines a MachineHealthCheck found unhealthy and left to their owner: which one,
// and whether it is safe now. Refusals are reported on the Machine (OwnerRemediated) and do not stop the rest of
// the reconcile, as in KCP.
import { annotations, parseGoDuration } from '@capi-ck8s/api';
import type { LastRemediation } from '@capi-ck8s/api';
import type { ControlPlaneMachine, ControlPlaneScope, MachineProblemCategory } from '../scope';
import { datastoreQuorumAfter } from './datastore-quorum';
import { remediationDataIn, rfc3339Seconds } from './remediation-data';
import type { RemediationData } from './remediation-data';
import { listNames, refusalReasons, retryAfterSeconds } from './verdict';
import type { Refusal } from './verdict';

/** Cluster API: a user's pick of the unhealthy Machine to remediate first. */
export const remediateMachineAnnotation = 'cluster.x-k8s.io/remediate-machine';

const defaultMinHealthyPeriodMs = 60 * 60 * 1000;

export type RemediationAction =
  | { kind: 'none' }
  | { kind: 'remediate'; machine: string; data: RemediationData; why: readonly string[] }
  | ({ kind: 'deferred'; machine: string | undefined } & Refusal);

export interface RemediationPlan {
  action: RemediationAction;
  /** Machines healthy again whose OwnerRemediated=False should be dropped. */
  recovered: readonly string[];
  /** Why the remediation-in-progress annotation is stale and should be removed; undefined when it is not. */
  staleInProgress: string | undefined;
}

const categoryRank: Record<MachineProblemCategory, number> = { node: 0, datastore: 1, components: 2 };

function severity(machine: ControlPlaneMachine): number {
  return Math.min(3, ...machine.problems.map((problem) => categoryRank[problem.category]));
}

/**
 * The Machine remediated first, "most broken first" as KCP:
 * 1. carrying the `cluster.x-k8s.io/remediate-machine` annotation;
 * 2. without a node (or whose node is gone);
 * 3. with a datastore problem (member missing, unhealthy or still joining);
 * 4. with a control plane component problem (node not Ready);
 * 5. the oldest, ties broken by name.
 */
export function selectMachineToRemediate(candidates: readonly ControlPlaneMachine[]): ControlPlaneMachine | undefined {
  const marked = (machine: ControlPlaneMachine) =>
    machine.machine.metadata.annotations?.[remediateMachineAnnotation] === undefined ? 1 : 0;
  return [...candidates].sort(
    (a, b) =>
      marked(a) - marked(b) ||
      severity(a) - severity(b) ||
      a.createdAtMs - b.createdAtMs ||
      a.name.localeCompare(b.name),
  )[0];
}

const deferred = (machine: string | undefined, refusal: Refusal): RemediationAction => ({
  kind: 'deferred',
  machine,
  ...refusal,
});

function staleInProgressReason(scope: ControlPlaneScope): string | undefined {
  const parsed = remediationDataIn(scope.controlPlane.metadata?.annotations, annotations.remediationInProgress);
  if (!parsed) return undefined;
  if (!parsed.ok) return parsed.message;
  const remediated = scope.machine(parsed.data.machine);
  if (remediated && !remediated.deleting) {
    return `machine ${remediated.name} named by ${annotations.remediationInProgress} was never deleted`;
  }
  if (!remediated && scope.machines.length >= scope.desiredReplicas) {
    return `machine ${parsed.data.machine} is gone and no replacement is needed (${scope.machines.length} of ${scope.desiredReplicas} machines exist)`;
  }
  return undefined;
}

/**
 * Decides, in this order (the first that applies wins):
 * 1. no Machine with HealthCheckSucceeded=False and OwnerRemediated=False: nothing to do;
 * 2. the chosen Machine (selectMachineToRemediate) is already being deleted: nothing to do but wait;
 * 3. a previous remediation is in progress (valid, not stale annotation on the control plane): wait for its
 *    replacement to be created, one remediation at a time;
 * 4. retry limits (checkRetryLimits);
 * 5. once the control plane is initialized: the only Machine is never remediated (it would take the cluster with
 *    it); not while another Machine is still provisioning or being deleted; not if the datastore membership is
 *    unknown or would lose quorum without the Machine's member; not unless another Machine is fully healthy.
 *    Before initialization a failed first Machine may be remediated: there is nothing to lose.
 * 6. otherwise remediate, recording {machine, now, retryCount} for the remediation-in-progress annotation.
 */
export function planRemediation(scope: ControlPlaneScope): RemediationPlan {
  const recovered = scope.machinesRecoveredBeforeRemediation().map((machine) => machine.name);
  const staleInProgress = staleInProgressReason(scope);
  return { action: remediationAction(scope, staleInProgress !== undefined), recovered, staleInProgress };
}

function remediationAction(scope: ControlPlaneScope, inProgressIsStale: boolean): RemediationAction {
  const machine = selectMachineToRemediate(scope.machinesToBeRemediated());
  if (!machine) return { kind: 'none' };
  if (machine.deleting) {
    return deferred(machine.name, {
      reason: refusalReasons.machineDeleting,
      message: `machine ${machine.name} is already being deleted`,
      retryAfterSeconds: retryAfterSeconds.deletion,
    });
  }
  const inProgress = scope.controlPlane.metadata?.annotations?.[annotations.remediationInProgress];
  if (inProgress !== undefined && !inProgressIsStale) {
    return deferred(machine.name, {
      reason: refusalReasons.remediationInProgress,
      message: `waiting for the replacement of the previous remediation (${inProgress}) before remediating ${machine.name}`,
      retryAfterSeconds: retryAfterSeconds.deletion,
    });
  }
  const retry = checkRetryLimits(scope, machine);
  if (!retry.ok) return deferred(machine.name, retry.refusal);
  const safety = scope.initialized ? initializedSafety(scope, machine) : undefined;
  if (safety) return deferred(machine.name, safety);
  const problems = machine.problems.map((problem) => problem.message);
  return {
    kind: 'remediate',
    machine: machine.name,
    data: { machine: machine.name, timestamp: rfc3339Seconds(scope.nowMs), retryCount: retry.retryCount },
    why: [
      'MachineHealthCheck reports it unhealthy and leaves remediation to the control plane',
      ...(problems.length > 0 ? [problems.join(', ')] : []),
      scope.initialized ? 'the rest of the control plane stays healthy and keeps quorum' : 'the control plane is not initialized yet',
    ],
  };
}

type RetryCheck = { ok: true; retryCount: number } | { ok: false; refusal: Refusal };

function durationMs(field: string, value: string | undefined, fallback: number): number | Refusal {
  if (value === undefined) return fallback;
  const parsed = parseGoDuration(value);
  if (parsed !== undefined && parsed >= 0) return parsed;
  return {
    reason: refusalReasons.invalidRemediationStrategy,
    message: `spec.remediationStrategy.${field} must be a non-negative duration such as 30s or 1h, have ${JSON.stringify(value)}`,
    retryAfterSeconds: retryAfterSeconds.configuration,
  };
}

/**
 * A Machine created as the replacement of a remediated one (it carries `remediation-for`) and failing within
 * `minHealthyPeriod` (default 1h) of that remediation is a retry of the same problem: retryCount is the previous
 * one + 1, refused once it would exceed `maxRetry` (unset: no limit), and delayed until `retryPeriod` (default 0)
 * has passed since the previous remediation. Anything else starts a new count at 0.
 */
export function checkRetryLimits(scope: ControlPlaneScope, machine: ControlPlaneMachine): RetryCheck {
  const strategy = scope.controlPlane.spec?.remediationStrategy;
  const minHealthyMs = durationMs('minHealthyPeriod', strategy?.minHealthyPeriod, defaultMinHealthyPeriodMs);
  if (typeof minHealthyMs !== 'number') return { ok: false, refusal: minHealthyMs };
  const retryPeriodMs = durationMs('retryPeriod', strategy?.retryPeriod, 0);
  if (typeof retryPeriodMs !== 'number') return { ok: false, refusal: retryPeriodMs };
  const parsed = remediationDataIn(machine.machine.metadata.annotations, annotations.remediationFor);
  if (!parsed) return { ok: true, retryCount: 0 };
  if (!parsed.ok) {
    return {
      ok: false,
      refusal: {
        reason: refusalReasons.invalidRemediationAnnotation,
        message: `machine ${machine.name}: ${parsed.message}; fix or remove it to allow remediation`,
        retryAfterSeconds: retryAfterSeconds.configuration,
      },
    };
  }
  const previous = parsed.data;
  const previousMs = Date.parse(previous.timestamp);
  if (previousMs + minHealthyMs < scope.nowMs) return { ok: true, retryCount: 0 };
  const retryCount = previous.retryCount + 1;
  const maxRetry = strategy?.maxRetry;
  if (maxRetry !== undefined && retryCount > maxRetry) {
    return {
      ok: false,
      refusal: {
        reason: refusalReasons.remediationMaxRetryReached,
        message:
          `machine ${machine.name} replaces ${previous.machine} (remediated ${previous.timestamp}) and failed within ` +
          `minHealthyPeriod; remediating it would be retry ${retryCount}, above maxRetry ${maxRetry}: fix the cause ` +
          'and delete the machine by hand',
        retryAfterSeconds: retryAfterSeconds.configuration,
      },
    };
  }
  const retryAtMs = previousMs + retryPeriodMs;
  if (retryAtMs > scope.nowMs) {
    return {
      ok: false,
      refusal: {
        reason: refusalReasons.remediationRetryPeriod,
        message: `machine ${machine.name}: retry ${retryCount} waits for retryPeriod after the remediation of ${previous.machine} at ${previous.timestamp}`,
        retryAfterSeconds: Math.ceil((retryAtMs - scope.nowMs) / 1000),
      },
    };
  }
  return { ok: true, retryCount };
}

function initializedSafety(scope: ControlPlaneScope, machine: ControlPlaneMachine): Refusal | undefined {
  if (scope.machines.length <= 1) {
    return {
      reason: refusalReasons.remediationOfLastMachine,
      message: `machine ${machine.name} is the only control plane machine; remediating it would destroy the cluster`,
      retryAfterSeconds: retryAfterSeconds.configuration,
    };
  }
  const provisioning = scope.provisioningMachines().filter((other) => other.name !== machine.name);
  if (provisioning.length > 0) {
    return {
      reason: refusalReasons.machineProvisioning,
      message: `waiting for machine(s) ${listNames(provisioning.map((other) => other.name))} to finish provisioning`,
      retryAfterSeconds: retryAfterSeconds.health,
    };
  }
  const deleting = scope.deletingMachines();
  if (deleting.length > 0) {
    return {
      reason: refusalReasons.machineDeleting,
      message: `waiting for machine(s) ${listNames(deleting.map((other) => other.name))} to finish deleting`,
      retryAfterSeconds: retryAfterSeconds.deletion,
    };
  }
  const quorum = datastoreQuorumAfter(scope, { kind: 'removeMachine', machine: machine.name });
  if (!quorum.allowed) return quorum;
  const healthyOthers = scope.activeMachines().filter((other) => other.name !== machine.name && other.problems.length === 0);
  if (healthyOthers.length > 0) return undefined;
  return {
    reason: refusalReasons.controlPlaneUnhealthy,
    message: `no other healthy control plane machine would remain after remediating ${machine.name}`,
    retryAfterSeconds: retryAfterSeconds.health,
  };
}

/**
 * status.lastRemediation, as KCP surfaces it: the remediation in progress if any, else the most recent
 * `remediation-for` among the Machines, else what status already says.
 */
export function observedLastRemediation(scope: ControlPlaneScope): LastRemediation | undefined {
  const inProgress = remediationDataIn(scope.controlPlane.metadata?.annotations, annotations.remediationInProgress);
  if (inProgress?.ok) return inProgress.data;
  const recorded = scope.machines
    .flatMap((machine) => {
      const parsed = remediationDataIn(machine.machine.metadata.annotations, annotations.remediationFor);
      return parsed?.ok ? [parsed.data] : [];
    })
    .sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp));
  return recorded[0] ?? scope.controlPlane.status?.lastRemediation;
}
