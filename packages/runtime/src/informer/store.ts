import { deepFreeze, formatKey, type KubeObject, type ObjectKey, objectKey } from '../objects';

/** Computes the index values of an object; an object may sit under several values or none. */
export type IndexFunction = (object: KubeObject) => readonly string[];

/** Owner UIDs of all ownerReferences. */
export const OWNER_UID_INDEX = 'ownerUid';
/** "namespace/cluster-name" from the `cluster.x-k8s.io/cluster-name` label. */
export const CLUSTER_NAME_INDEX = 'clusterName';
export const CLUSTER_NAME_LABEL = 'cluster.x-k8s.io/cluster-name';

export const defaultIndexes: Readonly<Record<string, IndexFunction>> = {
  [OWNER_UID_INDEX]: (object) => (object.metadata.ownerReferences ?? []).map((ref) => ref.uid),
  [CLUSTER_NAME_INDEX]: (object) => {
    const cluster = object.metadata.labels?.[CLUSTER_NAME_LABEL];
    return cluster ? [formatKey({ namespace: object.metadata.namespace, name: cluster })] : [];
  },
};

/** The read side of a store: what reconcilers see. Objects are deeply frozen; copy before changing. */
export interface StoreReader<T extends KubeObject> {
  get(key: ObjectKey): T | undefined;
  list(namespace?: string): T[];
  byIndex(index: string, value: string): T[];
  size(): number;
}

export type StoreChange<T> = { type: 'add'; object: T } | { type: 'update'; old: T; object: T } | { type: 'delete'; object: T };

interface Index {
  compute: IndexFunction;
  entries: Map<string, Set<string>>;
}

/** Objects of one kind keyed by "namespace/name", with secondary indexes maintained on every change. */
export class Store<T extends KubeObject> implements StoreReader<T> {
  private readonly objects = new Map<string, T>();
  private readonly indexes = new Map<string, Index>();

  constructor(indexes: Readonly<Record<string, IndexFunction>> = defaultIndexes) {
    for (const [name, compute] of Object.entries(indexes)) this.addIndex(name, compute);
  }

  addIndex(name: string, compute: IndexFunction): void {
    if (this.indexes.has(name)) throw new Error(`index "${name}" is already defined`);
    const index: Index = { compute, entries: new Map() };
    this.indexes.set(name, index);
    for (const [key, object] of this.objects) addToIndex(index, key, object);
  }

  get(key: ObjectKey): T | undefined {
    return this.objects.get(formatKey(key));
  }

  list(namespace?: string): T[] {
    const all = [...this.objects.values()];
    return namespace === undefined ? all : all.filter((object) => object.metadata.namespace === namespace);
  }

  byIndex(indexName: string, value: string): T[] {
    const index = this.indexes.get(indexName);
    if (!index) throw new Error(`index "${indexName}" is not defined (known: ${[...this.indexes.keys()].join(', ')})`);
    return [...(index.entries.get(value) ?? [])].map((key) => this.objects.get(key)).filter((object) => object !== undefined);
  }

  size(): number {
    return this.objects.size;
  }

  /** Stores the object; reports an add, an update, or nothing when the stored resourceVersion is the same. */
  upsert(incoming: T): StoreChange<T> | undefined {
    const object = prepare(incoming);
    const key = formatKey(objectKey(object));
    const old = this.objects.get(key);
    if (old && old.metadata.resourceVersion === object.metadata.resourceVersion) return undefined;
    if (old) this.unindex(key, old);
    this.objects.set(key, object);
    for (const index of this.indexes.values()) addToIndex(index, key, object);
    return old ? { type: 'update', old, object } : { type: 'add', object };
  }

  remove(incoming: KubeObject): StoreChange<T> | undefined {
    const key = formatKey(objectKey(incoming));
    const old = this.objects.get(key);
    if (!old) return undefined;
    this.unindex(key, old);
    this.objects.delete(key);
    return { type: 'delete', object: old };
  }

  /** Replaces the whole content with a fresh list, reporting exactly the differences (deletes first). */
  replace(items: readonly T[]): StoreChange<T>[] {
    const listed = new Set(items.map((item) => formatKey(objectKey(item))));
    const changes: StoreChange<T>[] = [];
    for (const [key, object] of [...this.objects]) {
      if (!listed.has(key)) {
        const change = this.remove(object);
        if (change) changes.push(change);
      }
    }
    for (const item of items) {
      const change = this.upsert(item);
      if (change) changes.push(change);
    }
    return changes;
  }

  private unindex(key: string, object: T): void {
    for (const index of this.indexes.values()) {
      for (const value of index.compute(object)) {
        const keys = index.entries.get(value);
        keys?.delete(key);
        if (keys?.size === 0) index.entries.delete(value);
      }
    }
  }
}

function addToIndex(index: Index, key: string, object: KubeObject): void {
  for (const value of index.compute(object)) {
    let keys = index.entries.get(value);
    if (!keys) index.entries.set(value, (keys = new Set()));
    keys.add(key);
  }
}

/** managedFields are large and never needed by reconcilers, so they are not kept (like controller-runtime's transform). */
function prepare<T extends KubeObject>(object: T): T {
  if (object.metadata.managedFields === undefined) return deepFreeze(object);
  const { managedFields: _managedFields, ...metadata } = object.metadata;
  return deepFreeze({ ...object, metadata });
}
