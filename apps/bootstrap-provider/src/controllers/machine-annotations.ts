import { mutableCopy, type ObjectClient, objectKey } from '@capi-ck8s/runtime';
import { kinds, type MachineObject } from '../kinds';

/** Annotation changes: a value sets, null removes. */
export type AnnotationChanges = Record<string, string | null>;

export function applyChanges(current: Readonly<Record<string, string>> | undefined, changes: AnnotationChanges): Record<string, string> {
  const next: Record<string, string> = { ...current };
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return next;
}

/** Optimistically locked: a Machine changed meanwhile is read again rather than overwritten. Returns the stored one. */
export async function annotateMachine(client: ObjectClient, machine: MachineObject, changes: AnnotationChanges): Promise<MachineObject> {
  const updated = mutableCopy(machine);
  updated.metadata.annotations = applyChanges(machine.metadata.annotations, changes);
  return client.patch(machine, updated, { optimisticLock: true });
}

/**
 * Records what already happened outside the cluster (a change started, a refresh done) without a lock: a merge patch
 * touches only the keys given, so a concurrent writer of other annotations cannot make the record fail and the
 * outside action be repeated. Decisions that lead to an outside action are claimed with `annotateMachine` first.
 */
export async function recordOnMachine(client: ObjectClient, machine: MachineObject, changes: AnnotationChanges): Promise<void> {
  await client.mergePatch(kinds.machine, objectKey(machine), { metadata: { annotations: changes } });
}
