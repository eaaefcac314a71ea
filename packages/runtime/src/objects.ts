/** The plain-JSON shape of Kubernetes objects as the runtime handles them (timestamps stay RFC 3339 strings). */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: unknown[];
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
}

/**
 * Names a kind; the type parameter only carries the object's TypeScript shape, so apps declare
 * `kindRef<CK8sConfig>('bootstrap.cluster.x-k8s.io/v1beta2', 'CK8sConfig')` once and get typed reads.
 */
export interface KindRef<T extends KubeObject = KubeObject> {
  readonly apiVersion: string;
  readonly kind: string;
  /** Phantom: never set at run time. */
  readonly objectType?: T;
}

export function kindRef<T extends KubeObject = KubeObject>(apiVersion: string, kind: string): KindRef<T> {
  if (!apiVersion || !kind) throw new Error(`kindRef: apiVersion and kind are required (got "${apiVersion}", "${kind}")`);
  return { apiVersion, kind };
}

export function kindId(ref: { apiVersion: string; kind: string }): string {
  return `${ref.apiVersion}, Kind=${ref.kind}`;
}

/** The API group of an apiVersion: "" for the core group ("v1"). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

export interface ObjectKey {
  namespace?: string;
  name: string;
}

export function objectKey(object: KubeObject): ObjectKey {
  const { name, namespace } = object.metadata;
  if (!name) throw new Error('object has no metadata.name');
  return namespace ? { namespace, name } : { name };
}

/** "namespace/name", or "name" for cluster-scoped objects — the queue key and the log `object` value. */
export function formatKey(key: ObjectKey): string {
  return key.namespace ? `${key.namespace}/${key.name}` : key.name;
}

export function parseKey(text: string): ObjectKey {
  const parts = text.split('/');
  if (parts.length === 1 && parts[0]) return { name: parts[0] };
  if (parts.length === 2 && parts[0] && parts[1]) return { namespace: parts[0], name: parts[1] };
  throw new Error(`object key "${text}" must be "name" or "namespace/name"`);
}

/** Deeply freezes a value so that objects handed out by the cache cannot be changed by accident. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** A mutable deep copy, for building the desired state from a cached object. */
export function mutableCopy<T>(value: T): T {
  return structuredClone(value);
}
