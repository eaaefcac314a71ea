// The in-place upgrade of one Machine as a state machine over its annotations (upstream's interface), so that a
// restarted provider resumes where the last one stopped. Pure: no I/O, time passed in.
import { annotations, upgradeStatuses } from '@capi-ck8s/api';
import { parseSnapInstallAnnotation, RenderInputError, type SnapInstallSource } from '@capi-ck8s/cloudinit';
import type { AnnotationChanges } from '../annotations';

/**
 * Not upstream's: `<count>:<target>`, how many attempts at `target` failed. Upstream retried failed upgrades
 * forever; here they are retried with exponential backoff up to `maxAttempts`. A new target starts counting afresh;
 * deleting this annotation allows new attempts at the same one.
 */
export const failedAttemptsAnnotation = 'v1beta2.k8sd.io/in-place-upgrade-failed-attempts';

export interface UpgradePolicy {
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** How often a running snap refresh is polled. */
  pollMs: number;
}

export const defaultUpgradePolicy: UpgradePolicy = { maxAttempts: 5, backoffBaseMs: 15_000, backoffMaxMs: 10 * 60_000, pollMs: 5_000 };

export interface UpgradeState {
  to?: string;
  status?: string;
  changeId?: string;
  lastFailedAttemptAt?: string;
  /** Failed attempts at the current target. */
  failedAttempts: number;
  /** The recorded failures were of another target (an earlier request). */
  failuresOfOtherTarget: boolean;
}

export function upgradeState(machineAnnotations: Readonly<Record<string, string>> | undefined): UpgradeState {
  const value = (key: string) => machineAnnotations?.[key] || undefined;
  const to = value(annotations.inPlaceUpgradeTo);
  const recorded = /^(\d+):(.*)$/.exec(value(failedAttemptsAnnotation) ?? '');
  const attempts = recorded && recorded[2] === to ? Number(recorded[1]) : 0;
  return {
    ...optional('to', to),
    ...optional('status', value(annotations.inPlaceUpgradeStatus)),
    ...optional('changeId', value(annotations.inPlaceUpgradeChangeId)),
    ...optional('lastFailedAttemptAt', value(annotations.inPlaceUpgradeLastFailedAttemptAt)),
    failedAttempts: attempts,
    failuresOfOtherTarget: recorded !== null && recorded[2] !== to,
  };
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

export type UpgradeStep =
  | { kind: 'idle' }
  | { kind: 'invalid'; message: string }
  | { kind: 'start'; target: SnapInstallSource; attempt: number }
  | { kind: 'poll'; changeId: string; attempt: number }
  | { kind: 'finish'; release: string }
  | { kind: 'backoff'; delayMs: number }
  | { kind: 'exhausted'; attempts: number }
  | { kind: 'lost'; reason: string; attempt: number };


/** Wait before attempt n+1 after n failures: base·2^(n-1), at most the maximum. */
export function backoffAfter(failures: number, policy: UpgradePolicy): number {
  return Math.min(policy.backoffBaseMs * 2 ** Math.max(0, failures - 1), policy.backoffMaxMs);
}

/**
 * What to do next, in upstream's order: nothing without a request; a request without a running change starts one;
 * a running change is polled; a finished one is recorded as the release; a failed one is retried after a backoff,
 * until the attempts run out. A status the provider cannot continue from (in progress without a change id, or
 * unknown) counts as a failed attempt.
 */
export function nextUpgradeStep(state: UpgradeState, nowMs: number, policy: UpgradePolicy): UpgradeStep {
  if (!state.to) return { kind: 'idle' };
  let target: SnapInstallSource;
  try {
    target = parseSnapInstallAnnotation(state.to, `metadata.annotations[${annotations.inPlaceUpgradeTo}]`);
  } catch (error) {
    if (!(error instanceof RenderInputError)) throw error;
    return { kind: 'invalid', message: error.message };
  }
  const attempt = state.failedAttempts + 1;
  switch (state.status) {
    case undefined:
      return state.changeId ? { kind: 'lost', reason: `change ${state.changeId} has no status`, attempt } : { kind: 'start', target, attempt };
    case upgradeStatuses.inProgress:
      return state.changeId ? { kind: 'poll', changeId: state.changeId, attempt } : { kind: 'lost', reason: 'in progress without a change id', attempt };
    case upgradeStatuses.done:
      // Without a change id it is the outcome of an earlier request: this one starts.
      return state.changeId ? { kind: 'finish', release: state.to } : { kind: 'start', target, attempt };
    case upgradeStatuses.failed:
      return retryStep(state, target, nowMs, policy);
    default:
      return { kind: 'lost', reason: `unknown status "${state.status}"`, attempt };
  }
}

/** After a failure: start over for a new target, wait out the backoff, retry, or stop at the bound. */
function retryStep(state: UpgradeState, target: SnapInstallSource, nowMs: number, policy: UpgradePolicy): UpgradeStep {
  // Failures of an earlier target do not count against this one.
  if (state.failuresOfOtherTarget) return { kind: 'start', target, attempt: 1 };
  const failures = Math.max(state.failedAttempts, 1);
  if (failures >= policy.maxAttempts) return { kind: 'exhausted', attempts: failures };
  const failedAt = state.lastFailedAttemptAt ? Date.parse(state.lastFailedAttemptAt) : Number.NaN;
  const remaining = Number.isNaN(failedAt) ? 0 : failedAt + backoffAfter(failures, policy) - nowMs;
  return remaining > 0 ? { kind: 'backoff', delayMs: remaining } : { kind: 'start', target, attempt: failures + 1 };
}

/** Taken before the snap refresh is requested; the change id is recorded once k8sd returns it. */
export function claimedChanges(): AnnotationChanges {
  return {
    [annotations.inPlaceUpgradeStatus]: upgradeStatuses.inProgress,
    [annotations.inPlaceUpgradeChangeId]: null,
    [annotations.inPlaceUpgradeRelease]: null,
  };
}

export function doneChanges(): AnnotationChanges {
  return { [annotations.inPlaceUpgradeStatus]: upgradeStatuses.done };
}

export function failedChanges(nowMs: number, attempt: number, to: string): AnnotationChanges {
  return {
    [annotations.inPlaceUpgradeStatus]: upgradeStatuses.failed,
    [annotations.inPlaceUpgradeChangeId]: null,
    [annotations.inPlaceUpgradeLastFailedAttemptAt]: formatRfc1123z(nowMs),
    [failedAttemptsAnnotation]: `${attempt}:${to}`,
  };
}

export function finishedChanges(release: string): AnnotationChanges {
  return {
    [annotations.inPlaceUpgradeTo]: null,
    [annotations.inPlaceUpgradeChangeId]: null,
    [annotations.inPlaceUpgradeLastFailedAttemptAt]: null,
    [failedAttemptsAnnotation]: null,
    [annotations.inPlaceUpgradeRelease]: release,
  };
}

const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Go's time.RFC1123Z in UTC ("Mon, 02 Jan 2006 15:04:05 +0000"), upstream's format for the last failed attempt. */
export function formatRfc1123z(epochMs: number): string {
  const date = new Date(epochMs);
  const two = (value: number) => String(value).padStart(2, '0');
  return `${days[date.getUTCDay()] ?? ''}, ${two(date.getUTCDate())} ${months[date.getUTCMonth()] ?? ''} ${date.getUTCFullYear()} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`;
}
