// The CK8sConfig reconcile: an ordered list of phases, any of which may end the pass, then one status write.
import { ck8sConfigReasons } from '@capi-ck8s/api';
import { done, isBeingDeleted, isConflict, type ObjectKey, type ReconcileContext, type Reconciler, requeueAfter, type Result } from '@capi-ck8s/runtime';
import { kinds, type CK8sConfigObject } from '../../kinds';
import { type ReconcileDependencies, Waiting } from './dependencies';
import { existingDataSecret } from './phases/existing-data';
import { InitLock } from './phases/init-lock';
import { initControlPlane } from './phases/init';
import { joinCluster } from './phases/join';
import { findConfigOwner } from './phases/owner';
import { pauseReport } from './phases/pause';
import { recordOwnerVersion } from './phases/version';
import { infrastructureWait } from './phases/wait-infrastructure';
import { bootstrapRole, controlPlaneInitialized, effectiveSpec, pausedBecause, type Scope } from './scope';
import { dataSecretAvailable, nextStatus, type Observations } from './status';

export function ck8sConfigReconciler(deps: ReconcileDependencies): Reconciler {
  return async (key: ObjectKey, context: ReconcileContext) => {
    const cached = deps.cache.get(kinds.config, key);
    // A deleted config takes its data secret with it (owner reference); nothing to do.
    if (!cached || isBeingDeleted(cached)) return done;
    const owner = findConfigOwner(deps.cache, cached);
    if (!owner) {
      context.logger.debug('no Machine or MachinePool owns the config yet');
      return done;
    }
    const cluster = deps.cache.get(kinds.cluster, { namespace: key.namespace ?? '', name: owner.clusterName });
    if (!cluster) {
      context.logger.debug({ cluster: owner.clusterName }, 'the Cluster does not exist (yet)');
      return done;
    }
    const observations: Observations = {};
    let config = cached;
    try {
      // A paused config is not written to, its spec included.
      config = pausedBecause(cluster, cached) ? cached : await recordOwnerVersion(deps.client, cached, owner);
      const scope: Scope = { config, spec: effectiveSpec(config, owner), owner, cluster, namespace: key.namespace ?? '', clusterName: owner.clusterName };
      return await reconcilePhases(deps, scope, observations, context);
    } catch (error) {
      // A conflict only means the cache was behind: retried at once, nothing worth reporting.
      if (isConflict(error)) throw error;
      if (!(error instanceof Waiting)) {
        observations.dataSecret ??= { status: 'False', reason: ck8sConfigReasons.dataSecretGenerationFailed, message: `${(error as Error).message}; retrying` };
        await writeStatus(deps, config, observations, false);
        throw error;
      }
      observations.dataSecret = { status: 'False', reason: error.reason, message: error.message };
      context.logger.debug({ reason: error.reason, message: error.message }, 'waiting');
      await writeStatus(deps, config, observations, true);
      return error.retryAfterMs ? requeueAfter(error.retryAfterMs) : done;
    }
  };
}

/**
 * In order: pause, data that already exists (never generated twice), the cluster's infrastructure, then the role:
 * initialise under the lock, join, or wait for the control plane. Waits are thrown as `Waiting`.
 */
async function reconcilePhases(deps: ReconcileDependencies, scope: Scope, observations: Observations, context: ReconcileContext): Promise<Result> {
  const { config, cluster, owner } = scope;
  observations.paused = pauseReport(cluster, config);
  if (observations.paused.status === 'True') return finish(deps, config, observations);

  const existing = await existingDataSecret(deps.client, config, owner);
  if (existing) {
    observations.dataSecretName = existing;
    observations.dataSecret = dataSecretAvailable(existing);
    return finish(deps, config, observations);
  }

  const infrastructure = infrastructureWait(cluster);
  if (infrastructure) {
    observations.dataSecret = infrastructure;
    return finish(deps, config, observations);
  }

  const initialized = controlPlaneInitialized(cluster);
  // The lock has done its job once the control plane is up; whichever config sees that first removes it.
  if (initialized) await new InitLock(deps.client, deps.rest).release(cluster);
  const role = bootstrapRole(owner, initialized);
  if (role === 'wait-for-control-plane') {
    throw new Waiting(
      ck8sConfigReasons.waitingForControlPlaneAvailable,
      `waiting for the control plane of Cluster ${scope.clusterName} to be initialised (Cluster condition ControlPlaneInitialized) before this worker can join`,
    );
  }
  if (role === 'init-control-plane') await initControlPlane(deps, scope, observations);
  else await joinCluster(deps, scope, observations, role, context.signal);
  deps.events.event(config, 'Normal', 'BootstrapDataCreated', `${role} bootstrap data stored in Secret ${observations.dataSecretName ?? ''}`);
  return finish(deps, config, observations);
}

async function finish(deps: ReconcileDependencies, config: CK8sConfigObject, observations: Observations): Promise<Result> {
  await writeStatus(deps, config, observations, true);
  return done;
}

async function writeStatus(deps: ReconcileDependencies, config: CK8sConfigObject, observations: Observations, succeeded: boolean): Promise<void> {
  const status = nextStatus(config, observations, deps.clock.now(), succeeded);
  await deps.client.patchStatus(config, { ...config, status });
}
