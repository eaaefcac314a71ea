// Which phase acts in this reconcile, and what it does. The phases run the one action returned here; everything
// else they do (certificates, kubeconfig, syncMachines, status) happens before or after regardless.
import { annotations } from '@capi-ck8s/api';
import type { ControlPlaneScope } from '../scope';
import { failureDomainForScaleUp } from './failure-domain';
import { planRemediation } from './remediation';
import type { RemediationData } from './remediation-data';
import type { RemediationPlan } from './remediation';
import { maxSurgeOf, planRollout } from './rollout';
import { decideScaleDown, decideScaleUp, pendingRemediation, waitFor } from './scale';
import type { ScaleDown, ScaleUp, Wait } from './scale';
import { refusalReasons, retryAfterSeconds } from './verdict';

export type ReconcilePhase = 'remediation' | 'initialization' | 'rollout' | 'scaleUp' | 'scaleDown' | 'none';

export type NextAction =
  | { kind: 'remediate'; machine: string; data: RemediationData; why: readonly string[] }
  | {
      kind: 'initialize';
      failureDomain: string | undefined;
      /** Set when the first Machine replaces a remediated one (a failed first initialization). */
      remediationFor: RemediationData | undefined;
      why: readonly string[];
    }
  | ScaleUp
  | ScaleDown
  | Wait
  | { kind: 'steady' };

export interface NextStep {
  phase: ReconcilePhase;
  action: NextAction;
  /** Always computed: a deferred remediation and its cleanups are reported even when another phase acts. */
  remediation: RemediationPlan;
}

/**
 * KCP's precedence, first match wins:
 * 1. remediation, when a Machine may be remediated now — a broken member is the most urgent risk. A deferred
 *    remediation does not block what follows (it is reported on the Machine), as in KCP;
 * 2. initialization, when there is no Machine: create the first one (no preflight, nothing to protect);
 * 3. until the control plane is initialized, nothing else: the other Machines join the first one;
 * 4. rollout, while any Machine is outdated — it takes precedence over scaling and converges to spec.replicas
 *    itself (see planRollout);
 * 5. scale up, then scale down, towards spec.replicas (deleting Machines count, so a removal is not refilled before
 *    it is done);
 * 6. otherwise steady.
 * With a managed datastore an even spec.replicas is only honoured as it stands: a control plane already at that size
 * may roll out and get remediated Machines replaced, but no step resizes it towards the even count.
 */
export function decideNextStep(scope: ControlPlaneScope): NextStep {
  const remediation = planRemediation(scope);
  const step = (phase: ReconcilePhase, action: NextAction): NextStep => ({ phase, action, remediation });
  if (remediation.action.kind === 'remediate') return step('remediation', remediation.action);
  const count = scope.machines.length;
  if (count === 0) {
    const placement = failureDomainForScaleUp(scope);
    return step('initialization', {
      kind: 'initialize',
      failureDomain: placement.failureDomain,
      remediationFor: pendingRemediation(scope),
      why: ['no control plane machine exists', placement.why],
    });
  }
  if (!scope.initialized) {
    return step(
      'initialization',
      waitFor({
        reason: refusalReasons.waitingForInitialization,
        message: `waiting for the first control plane machine to initialize the cluster (${scope.machines.map((machine) => machine.name).join(', ')})`,
        retryAfterSeconds: retryAfterSeconds.health,
      }),
    );
  }
  const evenRefusal = evenReplicasRefusal(scope);
  if (evenRefusal) return step(resizingPhase(scope), evenRefusal);
  const rollout = planRollout(scope);
  if (rollout.kind !== 'done') return step('rollout', rollout);
  if (count < scope.desiredReplicas) {
    return step('scaleUp', decideScaleUp(scope, `${count} of ${scope.desiredReplicas} machines exist`));
  }
  if (count > scope.desiredReplicas) {
    return step('scaleDown', decideScaleDown(scope, `${count} machines exist, ${scope.desiredReplicas} wanted`));
  }
  return step('none', { kind: 'steady' });
}

function resizingPhase(scope: ControlPlaneScope): ReconcilePhase {
  if (scope.machinesNeedingRollout().length > 0) return 'rollout';
  return scope.machines.length < scope.desiredReplicas ? 'scaleUp' : 'scaleDown';
}

/** Machine counts a rollout of a control plane already at spec.replicas passes through. */
function rolloutCounts(scope: ControlPlaneScope): number[] {
  if (scope.machinesNeedingRollout().length === 0) return [scope.desiredReplicas];
  const maxSurge = maxSurgeOf(scope);
  const midStep = maxSurge.ok && maxSurge.value === 0 ? scope.desiredReplicas - 1 : scope.desiredReplicas + 1;
  return [scope.desiredReplicas, midStep];
}

function evenReplicasRefusal(scope: ControlPlaneScope): Wait | undefined {
  if (!scope.managedDatastore || scope.desiredReplicas % 2 === 1) return undefined;
  const count = scope.machines.length;
  if (rolloutCounts(scope).includes(count)) return undefined;
  const replacingRemediated =
    count === scope.desiredReplicas - 1 &&
    scope.controlPlane.metadata?.annotations?.[annotations.remediationInProgress] !== undefined;
  if (replacingRemediated) return undefined;
  return waitFor({
    reason: refusalReasons.evenReplicas,
    message:
      `spec.replicas ${scope.desiredReplicas} is even: ${scope.datastoreKind()} with ${scope.desiredReplicas} members ` +
      `survives no more member failures than with ${scope.desiredReplicas - 1}; set an odd number of replicas ` +
      `(${count} machines exist)`,
    retryAfterSeconds: retryAfterSeconds.configuration,
  });
}
