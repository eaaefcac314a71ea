import { groupOf, type KindRef, type KubeObject, type OwnerReference } from './objects';

/** An ownerReference marking `owner` as the managing controller of the object it is put on. */
export function controllerReference(owner: KubeObject): OwnerReference {
  const { apiVersion, kind } = owner;
  const { name, uid } = owner.metadata;
  if (!apiVersion || !kind || !name || !uid) {
    throw new Error('owner needs apiVersion, kind, metadata.name and metadata.uid to be referenced');
  }
  return { apiVersion, kind, name, uid, controller: true, blockOwnerDeletion: true };
}

function sameOwner(reference: OwnerReference, other: OwnerReference): boolean {
  // Versions of one group are the same kind to the garbage collector, so only group, kind and name count.
  return groupOf(reference.apiVersion) === groupOf(other.apiVersion) && reference.kind === other.kind && reference.name === other.name;
}

/**
 * Returns a copy of `object` whose controller reference points at `owner`, as controller-runtime's
 * SetControllerReference does; throws when another object already controls it.
 */
export function withControllerReference<T extends KubeObject>(object: T, owner: KubeObject): T {
  const reference = controllerReference(owner);
  const existing = object.metadata.ownerReferences ?? [];
  const otherController = existing.find((ref) => ref.controller && !sameOwner(ref, reference));
  if (otherController) {
    throw new Error(
      `${object.kind ?? 'object'} ${object.metadata.name ?? ''} is already controlled by ${otherController.kind} ${otherController.name}`,
    );
  }
  const others = existing.filter((ref) => !sameOwner(ref, reference));
  return { ...object, metadata: { ...object.metadata, ownerReferences: [...others, reference] } };
}

/** Returns a copy of `object` with a plain (non-controller) owner reference to `owner`, replacing an older one. */
export function withOwnerReference<T extends KubeObject>(object: T, owner: KubeObject): T {
  const { controller: _controller, blockOwnerDeletion: _block, ...reference } = controllerReference(owner);
  const existing = object.metadata.ownerReferences ?? [];
  const kept = existing.filter((ref) => !sameOwner(ref, reference));
  const previous = existing.find((ref) => sameOwner(ref, reference));
  const merged = previous?.controller ? { ...reference, controller: true, blockOwnerDeletion: previous.blockOwnerDeletion } : reference;
  return { ...object, metadata: { ...object.metadata, ownerReferences: [...kept, merged] } };
}

/** The controller owner reference of `object` if it is of kind `ownerKind` (any version of its group). */
export function controllerOf(object: KubeObject, ownerKind?: KindRef): OwnerReference | undefined {
  return object.metadata.ownerReferences?.find(
    (ref) => ref.controller === true && (!ownerKind || (ref.kind === ownerKind.kind && groupOf(ref.apiVersion) === groupOf(ownerKind.apiVersion))),
  );
}

export function isControlledBy(object: KubeObject, owner: KubeObject): boolean {
  const uid = owner.metadata.uid;
  return uid !== undefined && object.metadata.ownerReferences?.some((ref) => ref.controller === true && ref.uid === uid) === true;
}

export function hasFinalizer(object: KubeObject, finalizer: string): boolean {
  return object.metadata.finalizers?.includes(finalizer) ?? false;
}

export function isBeingDeleted(object: KubeObject): boolean {
  return object.metadata.deletionTimestamp !== undefined;
}
