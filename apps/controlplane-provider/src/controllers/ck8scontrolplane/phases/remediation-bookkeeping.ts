// What remediation reports on every pass, whichever phase acts: why a Machine waits for its remediation (on its
// OwnerRemediated condition), OwnerRemediated dropped from Machines healthy again, and a stale
// remediation-in-progress annotation removed.
import { annotations, machineCoreConditions } from '@capi-ck8s/api';
import { type Condition, findCondition, mutableCopy, removeCondition, setCondition } from '@capi-ck8s/runtime';
import { kinds, type MachineObject } from '../../../kinds';
import type { RemediationPlan } from '../decide';
import type { Pass, ReconcileDependencies } from '../dependencies';
import type { ControlPlaneScope } from '../scope';

async function patchConditions(
  deps: ReconcileDependencies,
  machine: MachineObject,
  change: (conditions: readonly Condition[] | undefined) => Condition[],
): Promise<void> {
  const current = await deps.client.find(kinds.machine, { namespace: machine.metadata.namespace ?? '', name: machine.metadata.name ?? '' });
  if (!current) return;
  const updated = mutableCopy(current);
  updated.status = { ...updated.status, conditions: change(current.status?.conditions) };
  await deps.client.patchStatus(current, updated);
}

export async function applyRemediationBookkeeping(deps: ReconcileDependencies, pass: Pass, scope: ControlPlaneScope, plan: RemediationPlan): Promise<void> {
  const action = plan.action;
  if (action.kind === 'deferred' && action.machine) {
    const machine = scope.machine(action.machine)?.machine;
    const existing = findCondition(machine?.status?.conditions, machineCoreConditions.ownerRemediated);
    if (machine && (existing?.reason !== action.reason || existing.message !== action.message)) {
      await patchConditions(deps, machine, (conditions) =>
        setCondition(conditions, { type: machineCoreConditions.ownerRemediated, status: 'False', reason: action.reason, message: action.message }, deps.clock.now()),
      );
    }
  }
  for (const name of plan.recovered) {
    const machine = scope.machine(name)?.machine;
    if (machine) await patchConditions(deps, machine, (conditions) => removeCondition(conditions, machineCoreConditions.ownerRemediated));
  }
  if (plan.staleInProgress !== undefined) {
    await deps.client.mergePatch(kinds.controlPlane, { namespace: pass.namespace, name: pass.controlPlane.metadata.name ?? '' }, {
      metadata: { annotations: { [annotations.remediationInProgress]: null } },
    });
    deps.events.event(pass.controlPlane, 'Normal', 'StaleRemediationCleared', `removed ${annotations.remediationInProgress}: ${plan.staleInProgress}`);
  }
}
