import type { Logger } from 'pino';
import type { Clock } from '../clock';
import type { Cache } from '../informer/cache';
import type { RuntimeMetrics } from '../metrics/metrics';
import { type KindRef, type KubeObject, type ObjectKey, objectKey } from '../objects';
import { controllerOf } from '../ownership';
import { Controller, type Reconciler } from './controller';
import { admits, type Predicate } from './predicates';

/** What a builder needs from the manager that owns it. */
export interface BuilderHost {
  cache: Cache;
  clock: Clock;
  logger: Logger;
  metrics: RuntimeMetrics;
  defaultConcurrency: number;
  syncPeriodMs?: number;
  /** Predicates every watch of every controller gets (e.g. the `--watch-filter` label). */
  globalPredicates: readonly Predicate[];
  register(controller: Controller): void;
}

type MapFunction<T extends KubeObject> = (object: T) => readonly ObjectKey[];

interface Watch {
  kind: KindRef;
  map: MapFunction<KubeObject>;
  predicates: Predicate[];
}

/**
 * Declares what a controller reconciles and which events enqueue which keys:
 * `for` the reconciled kind, `owns` kinds it creates (events enqueue their controller owner), `watches` other kinds
 * through a map function (e.g. a Cluster → the configs of that cluster).
 */
export class ControllerBuilder {
  private forWatch: Watch | undefined;
  private readonly secondaryWatches: Watch[] = [];
  private readonly eventFilters: Predicate[] = [];
  private concurrency: number | undefined;

  constructor(
    private readonly name: string,
    private readonly host: BuilderHost,
  ) {
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) throw new Error(`controller name "${name}" must be lower-case alphanumeric with dashes`);
  }

  for<F extends KubeObject>(kind: KindRef<F>, ...predicates: Predicate<F>[]): this {
    if (this.forWatch) throw new Error(`controller ${this.name}: for() may be called once`);
    this.forWatch = { kind, map: (object) => [objectKey(object)], predicates: predicates };
    return this;
  }

  /** Events on objects of `kind` enqueue the `for` object that controls them (by controller ownerReference). */
  owns<O extends KubeObject>(kind: KindRef<O>, ...predicates: Predicate<O>[]): this {
    const forKind = this.requireFor('owns').kind;
    const map: MapFunction<KubeObject> = (object) => {
      const owner = controllerOf(object, forKind);
      return owner ? [{ ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}), name: owner.name }] : [];
    };
    this.secondaryWatches.push({ kind, map, predicates: predicates });
    return this;
  }

  /** Events on objects of `kind` enqueue whatever keys `map` returns. */
  watches<W extends KubeObject>(kind: KindRef<W>, map: MapFunction<W>, ...predicates: Predicate<W>[]): this {
    this.secondaryWatches.push({ kind, map: map as MapFunction<KubeObject>, predicates: predicates });
    return this;
  }

  /** Predicates applied to every watch of this controller. */
  withEventFilter(...predicates: Predicate[]): this {
    this.eventFilters.push(...predicates);
    return this;
  }

  withConcurrency(concurrency: number): this {
    this.concurrency = concurrency;
    return this;
  }

  complete(reconciler: Reconciler): Controller {
    const forWatch = this.requireFor('complete');
    const { cache } = this.host;
    const forInformer = cache.informerFor(forWatch.kind);
    const shared = [...this.host.globalPredicates, ...this.eventFilters];
    const forPredicates = [...shared, ...forWatch.predicates];
    const controller = new Controller({
      name: this.name,
      reconciler,
      concurrency: this.concurrency ?? this.host.defaultConcurrency,
      clock: this.host.clock,
      logger: this.host.logger.child({ controller: this.name }),
      metrics: this.host.metrics,
      ...(this.host.syncPeriodMs ? { syncPeriodMs: this.host.syncPeriodMs } : {}),
      resyncKeys: () => forInformer.reader.list().filter((object) => admits(forPredicates, 'generic', object)).map(objectKey),
    });
    for (const watch of [forWatch, ...this.secondaryWatches]) {
      const predicates = [...shared, ...watch.predicates];
      const enqueue = (object: KubeObject): void => {
        for (const key of watch.map(object)) controller.enqueue(key);
      };
      cache.informerFor(watch.kind).addHandler({
        onAdd: (object) => admits(predicates, 'create', object) && enqueue(object),
        onUpdate: (old, object) => {
          if (!admits(predicates, 'update', object, old)) return;
          enqueue(old);
          enqueue(object);
        },
        onDelete: (object) => admits(predicates, 'delete', object) && enqueue(object),
      });
    }
    this.host.register(controller);
    return controller;
  }

  private requireFor(step: string): Watch {
    if (!this.forWatch) throw new Error(`controller ${this.name}: call for() before ${step}()`);
    return this.forWatch;
  }
}
