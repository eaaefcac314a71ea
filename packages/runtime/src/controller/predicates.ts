import type { KubeObject } from '../objects';

/** Decides whether an event should enqueue anything. A missing method lets that kind of event through. */
export interface Predicate<T extends KubeObject = KubeObject> {
  create?(object: T): boolean;
  update?(old: T, object: T): boolean;
  delete?(object: T): boolean;
  /** Periodic resync and other events that carry no change. */
  generic?(object: T): boolean;
}

export type EventType = 'create' | 'update' | 'delete' | 'generic';

export function admits<T extends KubeObject>(predicates: readonly Predicate<T>[], event: EventType, object: T, old?: T): boolean {
  return predicates.every((predicate) => {
    if (event === 'update') return predicate.update?.(old ?? object, object) ?? true;
    return predicate[event]?.(object) ?? true;
  });
}

/** Same predicate for every event type, judged on the (new) object. */
export function objectPredicate<T extends KubeObject>(test: (object: T) => boolean): Predicate<T> {
  return { create: test, update: (_old, object) => test(object), delete: test, generic: test };
}

/** Lets updates through only when metadata.generation changed, i.e. the spec changed (status/metadata updates don't). */
export const generationChanged: Predicate = {
  update: (old, object) => old.metadata.generation !== object.metadata.generation,
};

export const PAUSED_ANNOTATION = 'cluster.x-k8s.io/paused';
export const WATCH_FILTER_LABEL = 'cluster.x-k8s.io/watch-filter';

/** Drops events for objects carrying the `cluster.x-k8s.io/paused` annotation (CAPI's ResourceNotPaused). */
export const notPaused: Predicate = objectPredicate((object) => object.metadata.annotations?.[PAUSED_ANNOTATION] === undefined);

/** Drops events for Clusters with spec.paused (CAPI's ClusterUnpaused); lets the update that unpauses one through. */
export const clusterUnpaused: Predicate<KubeObject & { spec?: { paused?: boolean } }> = {
  create: (cluster) => cluster.spec?.paused !== true,
  update: (old, cluster) => cluster.spec?.paused !== true || old.spec?.paused !== cluster.spec.paused,
  delete: (cluster) => cluster.spec?.paused !== true,
  generic: (cluster) => cluster.spec?.paused !== true,
};

/** `--watch-filter`: with a value, only objects labelled `cluster.x-k8s.io/watch-filter=<value>`; without, all. */
export function hasWatchFilterLabel(value: string | undefined): Predicate {
  if (!value) return {};
  return objectPredicate((object) => object.metadata.labels?.[WATCH_FILTER_LABEL] === value);
}

export function and<T extends KubeObject>(...predicates: Predicate<T>[]): Predicate<T> {
  return {
    create: (object) => admits(predicates, 'create', object),
    update: (old, object) => admits(predicates, 'update', object, old),
    delete: (object) => admits(predicates, 'delete', object),
    generic: (object) => admits(predicates, 'generic', object),
  };
}

export function or<T extends KubeObject>(...predicates: Predicate<T>[]): Predicate<T> {
  return {
    create: (object) => predicates.some((predicate) => admits([predicate], 'create', object)),
    update: (old, object) => predicates.some((predicate) => admits([predicate], 'update', object, old)),
    delete: (object) => predicates.some((predicate) => admits([predicate], 'delete', object)),
    generic: (object) => predicates.some((predicate) => admits([predicate], 'generic', object)),
  };
}

export function not<T extends KubeObject>(predicate: Predicate<T>): Predicate<T> {
  return {
    create: (object) => !admits([predicate], 'create', object),
    update: (old, object) => !admits([predicate], 'update', object, old),
    delete: (object) => !admits([predicate], 'delete', object),
    generic: (object) => !admits([predicate], 'generic', object),
  };
}
