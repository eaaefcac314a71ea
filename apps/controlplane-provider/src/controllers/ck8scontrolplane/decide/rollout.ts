// Replacing outdated control plane Machines one at a time, as a rolling update bounded by maxSurge.
import type { ControlPlaneScope } from '../scope';
import { decideScaleDown, decideScaleUp, waitFor } from './scale';
import type { ScaleDown, ScaleUp, Wait } from './scale';
import { refusalReasons, retryAfterSeconds } from './verdict';

export type RolloutStep = { kind: 'done' } | ScaleUp | ScaleDown | Wait;

export type MaxSurge = { ok: true; value: 0 | 1 } | { ok: false; wait: Wait };

/** `spec.rolloutStrategy.rollingUpdate.maxSurge`: 1 when unset, 0 or 1 (number or numeric string) otherwise. */
export function maxSurgeOf(scope: ControlPlaneScope): MaxSurge {
  const raw = scope.controlPlane.spec?.rolloutStrategy?.rollingUpdate?.maxSurge ?? 1;
  const value = typeof raw === 'number' ? raw : /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (value === 0 || value === 1) return { ok: true, value };
  return {
    ok: false,
    wait: waitFor({
      reason: refusalReasons.invalidRolloutStrategy,
      message: `spec.rolloutStrategy.rollingUpdate.maxSurge must be 0 or 1, have ${JSON.stringify(raw)}`,
      retryAfterSeconds: retryAfterSeconds.configuration,
    }),
  };
}

const minimumReplicasWithoutSurge = 3;

/**
 * The next step of a rollout, taken while any active Machine needs one:
 * 1. nothing outdated: done;
 * 2. maxSurge must be 0 or 1, and 0 only with at least 3 replicas — with fewer, removing a Machine before its
 *    replacement exists loses the control plane or the datastore quorum — otherwise wait for the spec to be fixed;
 * 3. fewer Machines (deleting ones included) than replicas + maxSurge: scale up, so maxSurge 1 goes N → N+1 → N and
 *    maxSurge 0 refills N−1 → N;
 * 4. otherwise scale down, the victim chosen like KCP (outdated first): maxSurge 1 removes the surplus, maxSurge 0
 *    makes room (N → N−1).
 * Each scale step runs its own preflight and quorum checks, and waits with their reason when they refuse.
 */
export function planRollout(scope: ControlPlaneScope): RolloutStep {
  const outdated = scope.machinesNeedingRollout();
  if (outdated.length === 0) return { kind: 'done' };
  const maxSurge = maxSurgeOf(scope);
  if (!maxSurge.ok) return maxSurge.wait;
  if (maxSurge.value === 0 && scope.desiredReplicas < minimumReplicasWithoutSurge) {
    return waitFor({
      reason: refusalReasons.invalidRolloutStrategy,
      message:
        `maxSurge 0 needs at least ${minimumReplicasWithoutSurge} replicas (have ${scope.desiredReplicas}): ` +
        'set spec.rolloutStrategy.rollingUpdate.maxSurge to 1 to roll out',
      retryAfterSeconds: retryAfterSeconds.configuration,
    });
  }
  const why = `rolling out ${outdated.length} outdated machine(s) with maxSurge ${maxSurge.value}`;
  if (scope.machines.length < scope.desiredReplicas + maxSurge.value) return decideScaleUp(scope, why);
  return decideScaleDown(scope, why);
}
