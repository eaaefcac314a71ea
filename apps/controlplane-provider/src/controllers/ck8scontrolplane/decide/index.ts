// The pure decisions of the CK8sControlPlane reconcile. Nothing here does I/O: each function reads a
// ControlPlaneScope and returns what to do, or why not now.
export { decideNextStep } from './next-step';
export type { NextAction, NextStep, ReconcilePhase } from './next-step';
export { planRemediation, checkRetryLimits, observedLastRemediation, remediateMachineAnnotation, selectMachineToRemediate } from './remediation';
export type { RemediationAction, RemediationPlan } from './remediation';
export { formatRemediationData, parseRemediationData, remediationDataIn } from './remediation-data';
export type { ParsedRemediationData, RemediationData } from './remediation-data';
export { maxSurgeOf, planRollout } from './rollout';
export type { MaxSurge, RolloutStep } from './rollout';
export { decideScaleDown, decideScaleUp, pendingRemediation } from './scale';
export type { ScaleDown, ScaleUp, Wait } from './scale';
export { preflight } from './preflight';
export type { PreflightOperation } from './preflight';
export { datastoreQuorumAfter, projectDatastoreQuorum } from './datastore-quorum';
export type { ControlPlaneChange, MemberChange, QuorumProjection } from './datastore-quorum';
export { selectMachineForScaleDown } from './select-scale-down';
export type { ScaleDownChoice } from './select-scale-down';
export { failureDomainForScaleDown, failureDomainForScaleUp } from './failure-domain';
export type { FailureDomainChoice } from './failure-domain';
export { clonedFromAnnotations, machineUpToDate } from './up-to-date';
export type { DesiredMachineState, MachineParts, RolloutReason, RolloutReasonCode, UpToDateResult } from './up-to-date';
export { refusalReasons, retryAfterSeconds } from './verdict';
export type { Refusal, RefusalReason, Verdict } from './verdict';
