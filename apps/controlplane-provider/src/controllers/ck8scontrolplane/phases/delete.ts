// Deletion, as KCP: nothing happens while worker Machines or MachinePools of the cluster remain (they need the
// control plane to drain and leave cleanly); then every control plane Machine is deleted at once — the cluster is
// going, so nodes are not removed from the datastore one by one; the finalizer goes once none is left.
import { ck8sControlPlaneConditions, controlPlaneFinalizer, labels } from '@capi-ck8s/api';
import { isBeingDeleted, isNotFound } from '@capi-ck8s/runtime';
import { kinds, type MachineObject } from '../../../kinds';
import type { Pass, PhaseWait, ReconcileDependencies } from '../dependencies';

const DELETION_RETRY_MS = 5_000;

function names(objects: readonly { metadata: { name?: string } }[]): string {
  const shown = objects.slice(0, 5).map((object) => object.metadata.name ?? '');
  return objects.length > shown.length ? `${shown.join(', ')} and ${objects.length - shown.length} more` : shown.join(', ');
}

async function machinePoolsOf(deps: ReconcileDependencies, pass: Pass): Promise<{ metadata: { name?: string } }[]> {
  try {
    return await deps.client.list(kinds.machinePool, { namespace: pass.namespace, labelSelector: `${labels.clusterName}=${pass.clusterName}` });
  } catch (error) {
    // MachinePools are optional in Cluster API; without the kind there are none.
    if (isNotFound(error)) return [];
    throw error;
  }
}

/** A PhaseWait while deletion goes on, undefined once the finalizer is removed. */
export async function reconcileDelete(deps: ReconcileDependencies, pass: Pass, controlPlaneMachines: readonly MachineObject[]): Promise<PhaseWait | undefined> {
  const waitFor = (reason: string, message: string): PhaseWait => ({ condition: ck8sControlPlaneConditions.deleting, reason, message, retryAfterMs: DELETION_RETRY_MS });
  if (controlPlaneMachines.length === 0) {
    await deps.workloads.forget({ namespace: pass.namespace, name: pass.clusterName });
    await deps.client.removeFinalizer(pass.controlPlane, controlPlaneFinalizer);
    return undefined;
  }
  const clusterMachines = await deps.client.list(kinds.machine, { namespace: pass.namespace, labelSelector: `${labels.clusterName}=${pass.clusterName}` });
  const workers = clusterMachines.filter((machine) => machine.metadata.labels?.[labels.controlPlane] === undefined);
  const pools = await machinePoolsOf(deps, pass);
  if (workers.length > 0 || pools.length > 0) {
    const parts = [
      ...(workers.length > 0 ? [`${workers.length} worker machine(s) (${names(workers)})`] : []),
      ...(pools.length > 0 ? [`${pools.length} MachinePool(s) (${names(pools)})`] : []),
    ];
    return waitFor('WaitingForWorkersDeletion', `waiting for ${parts.join(' and ')} to be deleted before deleting the control plane machines`);
  }
  await Promise.all(
    controlPlaneMachines.filter((machine) => !isBeingDeleted(machine)).map((machine) => deps.client.delete(kinds.machine, { namespace: pass.namespace, name: machine.metadata.name ?? '' })),
  );
  return waitFor('DeletingControlPlaneMachines', `deleting ${controlPlaneMachines.length} control plane machine(s): ${names(controlPlaneMachines)}`);
}
