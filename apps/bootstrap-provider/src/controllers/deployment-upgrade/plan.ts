// The orchestrated in-place upgrade of a MachineDeployment: its Machines are upgraded one at a time, by putting the
// per-Machine request on them and waiting for its outcome. Pure: the plan is a function of the annotations.
import { annotations, upgradeStatuses } from '@capi-ck8s/api';
import type { AnnotationChanges } from '../annotations';
import { failedAttemptsAnnotation, nextUpgradeStep, type UpgradePolicy, upgradeState } from '../inplace-upgrade/state';

export interface MachineView {
  name: string;
  uid: string;
  deleting: boolean;
  annotations: Readonly<Record<string, string>>;
}

export type DeploymentStep =
  | { kind: 'idle' }
  | { kind: 'complete'; target: string }
  | { kind: 'wait'; reason: string }
  | { kind: 'failed'; machine: string; target: string }
  | { kind: 'upgrade'; machine: string; target: string };

/**
 * The target is the deployment's request (`in-place-upgrade-to`) or, once done, its release, so Machines added later
 * (scale up, remediation) are brought to it too. Machines are taken in a stable order (by uid, as upstream); the
 * first not at the target decides: a deleting one or one being upgraded is waited for, one whose attempts ran out
 * fails the deployment, otherwise it is asked to upgrade. All at the target completes the request.
 */
export function nextDeploymentStep(
  deploymentAnnotations: Readonly<Record<string, string>> | undefined,
  machines: readonly MachineView[],
  policy: UpgradePolicy,
  nowMs: number,
): DeploymentStep {
  const requested = deploymentAnnotations?.[annotations.inPlaceUpgradeTo];
  const target = requested ?? deploymentAnnotations?.[annotations.inPlaceUpgradeRelease];
  if (!target) return { kind: 'idle' };
  const ordered = [...machines].sort((left, right) => left.uid.localeCompare(right.uid));
  const pending = ordered.find((machine) => machine.annotations[annotations.inPlaceUpgradeRelease] !== target);
  if (!pending) return requested ? { kind: 'complete', target } : { kind: 'idle' };
  if (pending.deleting) return { kind: 'wait', reason: `Machine ${pending.name} is being deleted` };
  if (pending.annotations[annotations.inPlaceUpgradeTo] === target) {
    const step = nextUpgradeStep(upgradeState(pending.annotations), nowMs, policy);
    if (step.kind === 'exhausted' || step.kind === 'invalid') return { kind: 'failed', machine: pending.name, target };
    return { kind: 'wait', reason: `Machine ${pending.name} is being upgraded` };
  }
  return { kind: 'upgrade', machine: pending.name, target };
}

/** The per-Machine request, replacing whatever an earlier upgrade left on it. */
export function machineRequestChanges(target: string): AnnotationChanges {
  return {
    [annotations.inPlaceUpgradeTo]: target,
    [annotations.inPlaceUpgradeStatus]: null,
    [annotations.inPlaceUpgradeChangeId]: null,
    [annotations.inPlaceUpgradeRelease]: null,
    [annotations.inPlaceUpgradeLastFailedAttemptAt]: null,
    [failedAttemptsAnnotation]: null,
  };
}

export function deploymentChanges(step: Extract<DeploymentStep, { kind: 'complete' | 'failed' | 'upgrade' }>): AnnotationChanges {
  switch (step.kind) {
    case 'upgrade':
      return { [annotations.inPlaceUpgradeStatus]: upgradeStatuses.inProgress };
    case 'failed':
      return { [annotations.inPlaceUpgradeStatus]: upgradeStatuses.failed, [annotations.inPlaceUpgradeRelease]: null };
    case 'complete':
      return {
        [annotations.inPlaceUpgradeTo]: null,
        [annotations.inPlaceUpgradeStatus]: upgradeStatuses.done,
        [annotations.inPlaceUpgradeRelease]: step.target,
      };
  }
}
