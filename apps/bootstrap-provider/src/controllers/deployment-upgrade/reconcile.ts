// MachineDeployment-wide in-place upgrades (`v1beta2.k8sd.io/in-place-upgrade-to` on the MachineDeployment): one
// Machine at a time through the per-Machine upgrade controller. Resumable: all state is in annotations.
import { labels } from '@capi-ck8s/api';
import {
  type Cache,
  type Clock,
  done,
  type EventRecorder,
  isBeingDeleted,
  type ObjectClient,
  type ObjectKey,
  type Reconciler,
} from '@capi-ck8s/runtime';
import { kinds, type MachineDeploymentObject, type MachineObject } from '../../kinds';
import { annotateObject, recordOnObject } from '../annotations';
import type { UpgradePolicy } from '../inplace-upgrade/state';
import { deploymentChanges, machineRequestChanges, type MachineView, nextDeploymentStep } from './plan';

export const deploymentNameLabel = 'cluster.x-k8s.io/deployment-name';

export interface DeploymentUpgradeDependencies {
  cache: Cache;
  client: ObjectClient;
  clock: Clock;
  events: EventRecorder;
  policy: UpgradePolicy;
}

/** The MachineDeployment a Machine belongs to (Cluster API labels them). */
export function deploymentOfMachine(machine: MachineObject): ObjectKey[] {
  const name = machine.metadata.labels?.[deploymentNameLabel];
  return name ? [{ namespace: machine.metadata.namespace ?? '', name }] : [];
}

function machineViews(cache: Cache, deployment: MachineDeploymentObject): MachineView[] {
  const matchLabels = { [deploymentNameLabel]: deployment.metadata.name ?? '', [labels.clusterName]: deployment.spec.clusterName };
  return cache.list(kinds.machine, { namespace: deployment.metadata.namespace ?? '', matchLabels }).map((machine) => ({
    name: machine.metadata.name ?? '',
    uid: machine.metadata.uid ?? '',
    deleting: isBeingDeleted(machine),
    annotations: machine.metadata.annotations ?? {},
  }));
}

export function deploymentUpgradeReconciler(deps: DeploymentUpgradeDependencies): Reconciler {
  return async (key, context) => {
    const deployment = deps.cache.get(kinds.machineDeployment, key);
    if (!deployment || isBeingDeleted(deployment)) return done;
    const cluster = deps.cache.get(kinds.cluster, { namespace: key.namespace ?? '', name: deployment.spec.clusterName });
    if (!cluster || cluster.spec?.paused) return done;
    const step = nextDeploymentStep(deployment.metadata.annotations, machineViews(deps.cache, deployment), deps.policy, deps.clock.now());
    switch (step.kind) {
      case 'idle':
        return done;
      case 'wait':
        // Machine changes enqueue the deployment: no timer.
        context.logger.debug({ reason: step.reason }, 'waiting');
        return done;
      case 'upgrade': {
        const machine = deps.cache.get(kinds.machine, { namespace: key.namespace ?? '', name: step.machine });
        if (!machine) return done;
        // Locked: a plan made on a stale view of the Machine conflicts instead of restarting its upgrade.
        await annotateObject(deps.client, machine, machineRequestChanges(step.target));
        await recordOnObject(deps.client, deployment, deploymentChanges(step));
        deps.events.event(deployment, 'Normal', 'InPlaceUpgradeInProgress', `upgrading Machine ${step.machine} in place to ${step.target}`);
        return done;
      }
      case 'failed':
        await recordOnObject(deps.client, deployment, deploymentChanges(step));
        deps.events.event(deployment, 'Warning', 'InPlaceUpgradeFailed', `Machine ${step.machine} could not be upgraded to ${step.target}; the remaining Machines wait (see the Machine's events)`);
        return done;
      case 'complete':
        await annotateObject(deps.client, deployment, deploymentChanges(step));
        deps.events.event(deployment, 'Normal', 'InPlaceUpgradeDone', `every Machine runs ${step.target}`);
        return done;
    }
  };
}
