import { kindRef, type KubeObject, mutableCopy, type ObjectClient, objectKey } from '@capi-ck8s/runtime';

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

/** Optimistically locked: an object changed meanwhile is read again rather than overwritten. Returns the stored one. */
export async function annotateObject<T extends KubeObject>(client: ObjectClient, object: T, changes: AnnotationChanges): Promise<T> {
  const updated = mutableCopy(object);
  updated.metadata.annotations = applyChanges(object.metadata.annotations, changes);
  return client.patch(object, updated, { optimisticLock: true });
}

/**
 * Records what already happened outside the cluster (a change started, a refresh done) without a lock: a merge patch
 * touches only the keys given, so a concurrent writer of other annotations cannot make the record fail and the
 * outside action be repeated. Decisions that lead to an outside action are claimed with `annotateObject` first.
 */
export async function recordOnObject(client: ObjectClient, object: KubeObject, changes: AnnotationChanges): Promise<void> {
  await client.mergePatch(kindRef(object.apiVersion ?? '', object.kind ?? ''), objectKey(object), { metadata: { annotations: changes } });
}
