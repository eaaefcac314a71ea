// Adding or removing one control plane Machine, with every safety check that applies, shared by plain scaling
// and by rollout steps.
import { annotations } from '@capi-ck8s/api';
import type { ControlPlaneScope } from '../scope';
import { datastoreQuorumAfter } from './datastore-quorum';
import { failureDomainForScaleUp } from './failure-domain';
import { preflight } from './preflight';
import { remediationDataIn } from './remediation-data';
import type { RemediationData } from './remediation-data';
import { selectMachineForScaleDown } from './select-scale-down';
import { refusalReasons, retryAfterSeconds } from './verdict';
import type { Refusal } from './verdict';

export type Wait = { kind: 'wait' } & Refusal;

export interface ScaleUp {
  kind: 'scaleUp';
  failureDomain: string | undefined;
  /** Copied to the new Machine's remediation-for annotation when it replaces a remediated Machine. */
  remediationFor: RemediationData | undefined;
  why: readonly string[];
}

export interface ScaleDown {
  kind: 'scaleDown';
  machine: string;
  why: readonly string[];
}

export function waitFor(refusal: Refusal): Wait {
  return { kind: 'wait', reason: refusal.reason, message: refusal.message, retryAfterSeconds: refusal.retryAfterSeconds };
}

/**
 * One more Machine: preflight for a scale up (relaxed while a remediation is in progress), then the failure domain
 * with the fewest up-to-date Machines. A valid remediation-in-progress annotation travels to the new Machine.
 */
export function decideScaleUp(scope: ControlPlaneScope, why: string): ScaleUp | Wait {
  const verdict = preflight(scope, { kind: 'scaleUp' });
  if (!verdict.allowed) return waitFor(verdict);
  const placement = failureDomainForScaleUp(scope);
  return { kind: 'scaleUp', failureDomain: placement.failureDomain, remediationFor: pendingRemediation(scope), why: [why, placement.why] };
}

/**
 * The remediation a new Machine replaces: the valid remediation-in-progress annotation of the control plane. The
 * new Machine records it as remediation-for, which is how retries (maxRetry) are counted, also for a first
 * Machine that failed to initialize.
 */
export function pendingRemediation(scope: ControlPlaneScope): RemediationData | undefined {
  const parsed = remediationDataIn(scope.controlPlane.metadata?.annotations, annotations.remediationInProgress);
  return parsed?.ok ? parsed.data : undefined;
}

/**
 * One Machine fewer: the victim chosen like KCP (selectMachineForScaleDown), then preflight with the victim left
 * out of the health checks, then the datastore quorum projected without the victim's member.
 */
export function decideScaleDown(scope: ControlPlaneScope, why: string): ScaleDown | Wait {
  const choice = selectMachineForScaleDown(scope);
  if (!choice) {
    return waitFor({
      reason: refusalReasons.noMachineToScaleDown,
      message: 'every machine is already being deleted',
      retryAfterSeconds: retryAfterSeconds.deletion,
    });
  }
  const machine = choice.machine.name;
  const verdict = preflight(scope, { kind: 'scaleDown', machine });
  if (!verdict.allowed) return waitFor(verdict);
  const quorum = datastoreQuorumAfter(scope, { kind: 'removeMachine', machine });
  if (!quorum.allowed) return waitFor(quorum);
  return { kind: 'scaleDown', machine, why: [why, ...choice.why] };
}
