import type { Logger } from 'pino';
import type { Clock } from '../clock';
import type { ResourceMapper } from '../client/resources';
import { kindId, type KindRef, type KubeObject, type ObjectKey } from '../objects';
import { Informer, type InformerOptions } from './informer';
import type { ListWatchTransport, Selection } from './list-watch';
import type { IndexFunction } from './store';

export interface CacheOptions {
  transport: ListWatchTransport;
  resources: ResourceMapper;
  logger: Logger;
  clock?: Clock;
  /** Restricts every informer to one namespace (the `--namespace` flag). */
  namespace?: string;
  /**
   * Label/field selectors per kind (keyed by `kindId`), e.g. to watch only the Secrets a provider owns. Kinds that
   * would be large and unselected should be read on demand through the ObjectClient rather than cached.
   */
  selectors?: ReadonlyMap<string, Selection>;
  informerTuning?: Pick<InformerOptions<KubeObject>, 'backoff' | 'watchTimeoutSeconds' | 'inactivityTimeoutMs' | 'pageSize'>;
}

export interface CacheListOptions {
  namespace?: string;
  /** Objects carrying all of these labels. */
  matchLabels?: Readonly<Record<string, string>>;
  /** Objects under this index value (see `defaultIndexes` and `addIndex`). */
  index?: { name: string; value: string };
}

/**
 * One informer per kind, shared by every controller that watches or reads the kind. Reads come from memory and
 * return frozen objects; reading a kind no one declared is an error, so that uncached reads are deliberate.
 */
export class Cache {
  private readonly informers = new Map<string, Informer<KubeObject>>();
  private started = false;

  constructor(private readonly options: CacheOptions) {}

  /** The shared informer of a kind, created on first request (and started at once if the cache already runs). */
  informerFor<T extends KubeObject>(kind: KindRef<T>): Informer<T> {
    const id = kindId(kind);
    let informer = this.informers.get(id);
    if (!informer) {
      const selected = this.options.selectors?.get(id);
      if (kind.apiVersion === 'v1' && kind.kind === 'Secret' && !selected?.labelSelector && !selected?.fieldSelector) {
        // Every Secret of a management cluster in memory is both large and a needless exposure.
        throw new Error(`${id} is cached only with a label or field selector (cacheSelectors); otherwise read Secrets through the ObjectClient`);
      }
      const selection = { ...selected, ...(this.options.namespace ? { namespace: this.options.namespace } : {}) };
      informer = new Informer<KubeObject>({
        ...this.options.informerTuning,
        kind,
        selection,
        transport: this.options.transport,
        resources: this.options.resources,
        logger: this.options.logger.child({ informer: id }),
        ...(this.options.clock ? { clock: this.options.clock } : {}),
      });
      this.informers.set(id, informer);
      if (this.started) informer.start();
    }
    return informer as unknown as Informer<T>;
  }

  addIndex(kind: KindRef, name: string, compute: IndexFunction): void {
    this.informerFor(kind).addIndex(name, compute);
  }

  get<T extends KubeObject>(kind: KindRef<T>, key: ObjectKey): T | undefined {
    return this.synced(kind).reader.get(key);
  }

  list<T extends KubeObject>(kind: KindRef<T>, options: CacheListOptions = {}): T[] {
    const reader = this.synced(kind).reader;
    const candidates = options.index ? reader.byIndex(options.index.name, options.index.value) : reader.list(options.namespace);
    return candidates.filter(
      (object) =>
        (options.namespace === undefined || object.metadata.namespace === options.namespace) &&
        Object.entries(options.matchLabels ?? {}).every(([label, value]) => object.metadata.labels?.[label] === value),
    );
  }

  start(): void {
    this.started = true;
    for (const informer of this.informers.values()) informer.start();
  }

  /** Resolves when every informer has its first full list (or `signal` aborts); returns whether all synced. */
  async waitForSync(signal?: AbortSignal): Promise<boolean> {
    const informers = [...this.informers.values()];
    await Promise.all(informers.map((informer) => informer.waitForSync(signal)));
    return informers.every((informer) => informer.hasSynced());
  }

  hasSynced(): boolean {
    return [...this.informers.values()].every((informer) => informer.hasSynced());
  }

  async stop(): Promise<void> {
    this.started = false;
    await Promise.all([...this.informers.values()].map((informer) => informer.stop()));
  }

  private synced<T extends KubeObject>(kind: KindRef<T>): Informer<T> {
    const informer = this.informers.get(kindId(kind));
    if (!informer) throw new Error(`${kindId(kind)} is not cached: declare a watch for it or read it through the ObjectClient`);
    if (!informer.hasSynced()) throw new Error(`cache of ${kindId(kind)} has not synced yet`);
    return informer as unknown as Informer<T>;
  }
}
