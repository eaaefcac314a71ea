// syncMachines: labels, annotations and deletion timeouts of spec.machineTemplate pushed to existing Machines
// without replacing them. Keys removed from the template stay on the Machines (a merge patch only adds/overwrites).
import { mutableCopy } from '@capi-ck8s/runtime';
import type { Pass, ReconcileDependencies } from '../dependencies';
import type { OwnedMachineInput } from '../scope';
import { machineAnnotations, machineDeletion, machineLabels } from './machine-metadata';

/** Whether `have` lacks any key of `want` or holds another value for it. */
function differs<T extends object>(want: T, have: T | undefined): boolean {
  return (Object.keys(want) as (keyof T)[]).some((key) => have?.[key] !== want[key]);
}

/** Returns how many Machines were changed. */
export async function syncMachines(deps: ReconcileDependencies, pass: Pass, machines: readonly OwnedMachineInput[]): Promise<number> {
  const wantLabels = machineLabels(pass);
  const wantAnnotations = machineAnnotations(pass);
  const wantDeletion = machineDeletion(pass.controlPlane.spec?.machineTemplate);
  let changed = 0;
  for (const { machine } of machines) {
    if (machine.metadata.deletionTimestamp) continue;
    const stale =
      differs(wantLabels, machine.metadata.labels) || differs(wantAnnotations, machine.metadata.annotations) || differs(wantDeletion, machine.spec.deletion);
    if (!stale) continue;
    const updated = mutableCopy(machine);
    updated.metadata.labels = { ...machine.metadata.labels, ...wantLabels };
    if (Object.keys(wantAnnotations).length > 0) updated.metadata.annotations = { ...machine.metadata.annotations, ...wantAnnotations };
    if (Object.keys(wantDeletion).length > 0) updated.spec.deletion = { ...machine.spec.deletion, ...wantDeletion };
    await deps.client.patch(machine, updated);
    changed++;
  }
  return changed;
}
