import type { Logger } from 'pino';
import { type Clock, realClock, sleep } from '../clock';
import { isGone } from '../client/errors';
import type { ResourceInfo, ResourceMapper } from '../client/resources';
import { kindId, type KindRef, type KubeObject } from '../objects';
import { type ListWatchTransport, type Selection, watchErrorToApiError } from './list-watch';
import { type IndexFunction, Store, type StoreChange, type StoreReader } from './store';

export interface InformerHandler<T extends KubeObject> {
  onAdd?(object: T): void;
  onUpdate?(old: T, object: T): void;
  onDelete?(object: T): void;
}

export interface BackoffSettings {
  initialMs: number;
  maxMs: number;
}

/** client-go's reflector backs off from 800 ms to 30 s, with full jitter on top. */
export const DEFAULT_WATCH_BACKOFF: BackoffSettings = { initialMs: 800, maxMs: 30_000 };

export interface InformerOptions<T extends KubeObject> {
  kind: KindRef<T>;
  selection?: Selection;
  transport: ListWatchTransport;
  resources: ResourceMapper;
  logger: Logger;
  clock?: Clock;
  backoff?: BackoffSettings;
  /** Server-side timeout of each watch request; client-go picks 5–10 minutes at random. */
  watchTimeoutSeconds?: () => number;
  /** Bookmarks arrive about once a minute, so a silent connection for longer than this is presumed dead. */
  inactivityTimeoutMs?: number;
  pageSize?: number;
  random?: () => number;
}

/** A random delay between half and all of the exponential bound, so that clients restarting together spread out. */
export function jitteredBackoffMs(attempt: number, settings: BackoffSettings, random: () => number): number {
  const bound = Math.min(settings.maxMs, settings.initialMs * 2 ** Math.max(0, attempt - 1));
  return bound / 2 + (random() * bound) / 2;
}

/**
 * Lists and then watches one kind, keeping a {@link Store} in step and telling handlers about each change. Unlike
 * client-node's ListWatch it never gives up: a 410 Gone relists at once (diffing against the store, so objects
 * deleted meanwhile are reported), any other failure retries after a jittered backoff, resuming from the last
 * resourceVersion seen — including the ones bookmarks carry. Nothing starts before `start()`.
 */
export class Informer<T extends KubeObject> {
  readonly kind: KindRef<T>;
  private readonly store: Store<T>;
  private readonly handlers: InformerHandler<T>[] = [];
  private readonly options: InformerOptions<T>;
  private readonly clock: Clock;
  private readonly random: () => number;
  private resourceVersion = '';
  private synced = false;
  private readonly syncWaiters: (() => void)[] = [];
  private abort = new AbortController();
  private running: Promise<void> | undefined;
  private failures = 0;

  constructor(options: InformerOptions<T>) {
    this.options = options;
    this.kind = options.kind;
    this.clock = options.clock ?? realClock;
    this.random = options.random ?? Math.random;
    this.store = new Store<T>();
  }

  get reader(): StoreReader<T> {
    return this.store;
  }

  /** The resourceVersion the next watch resumes from (advanced by events and bookmarks). */
  lastSyncResourceVersion(): string {
    return this.resourceVersion;
  }

  hasSynced(): boolean {
    return this.synced;
  }

  addIndex(name: string, compute: IndexFunction): void {
    this.store.addIndex(name, compute);
  }

  /** Registers a handler; objects already in the store are replayed to it as adds. */
  addHandler(handler: InformerHandler<T>): void {
    this.handlers.push(handler);
    for (const object of this.store.list()) this.deliver(handler, { type: 'add', object });
  }

  start(): void {
    if (this.running) return;
    this.abort = new AbortController();
    this.running = this.run(this.abort.signal);
  }

  /** Resolves once the first complete list is in the store, or when `signal` aborts (check `hasSynced`). */
  waitForSync(signal?: AbortSignal): Promise<void> {
    if (this.synced || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      this.syncWaiters.push(resolve);
      signal?.addEventListener('abort', () => resolve(), { once: true });
    });
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
    this.running = undefined;
  }

  private async run(signal: AbortSignal): Promise<void> {
    let info: ResourceInfo | undefined;
    while (!signal.aborted) {
      try {
        info ??= await this.options.resources.resolve(this.kind);
        if (!this.resourceVersion) await this.relist(info, signal);
        if (signal.aborted) break;
        await this.watch(info, signal);
      } catch (error) {
        if (signal.aborted) break;
        if (isGone(error)) {
          this.options.logger.info({ kind: kindId(this.kind), resourceVersion: this.resourceVersion }, 'resourceVersion too old; relisting');
          this.resourceVersion = '';
          continue;
        }
        this.failures++;
        const delayMs = jitteredBackoffMs(this.failures, this.options.backoff ?? DEFAULT_WATCH_BACKOFF, this.random);
        this.options.logger.warn({ kind: kindId(this.kind), err: error, retryInMs: Math.round(delayMs) }, 'list/watch failed; retrying');
        await sleep(this.clock, delayMs, signal);
      }
    }
  }

  private async relist(info: ResourceInfo, signal: AbortSignal): Promise<void> {
    const items: T[] = [];
    let continueToken: string | undefined;
    let resourceVersion = '';
    do {
      const page = await this.options.transport.list<T>(info, this.selection(), this.options.pageSize ?? 500, continueToken, signal);
      items.push(...page.items);
      resourceVersion = page.resourceVersion;
      continueToken = page.continueToken;
    } while (continueToken);
    for (const change of this.store.replace(items)) this.emit(change);
    this.resourceVersion = resourceVersion;
    this.failures = 0;
    if (!this.synced) {
      this.synced = true;
      for (const resolve of this.syncWaiters.splice(0)) resolve();
    }
  }

  private async watch(info: ResourceInfo, signal: AbortSignal): Promise<void> {
    const timeoutSeconds = this.options.watchTimeoutSeconds?.() ?? Math.round(300 + this.random() * 300);
    const events = this.options.transport.watch<T>(
      info,
      { ...this.selection(), resourceVersion: this.resourceVersion, timeoutSeconds, inactivityTimeoutMs: this.options.inactivityTimeoutMs ?? 150_000 },
      signal,
    );
    for await (const event of events) {
      if (event.type === 'ERROR') throw watchErrorToApiError(event.object, info);
      this.failures = 0;
      if (event.type === 'BOOKMARK') {
        this.resourceVersion = event.object.metadata.resourceVersion ?? this.resourceVersion;
        continue;
      }
      const change = event.type === 'DELETED' ? this.store.remove(event.object) : this.store.upsert(event.object);
      this.resourceVersion = event.object.metadata.resourceVersion ?? this.resourceVersion;
      if (change) this.emit(change);
    }
  }

  private selection(): Selection {
    return this.options.selection ?? {};
  }

  private emit(change: StoreChange<T>): void {
    for (const handler of this.handlers) this.deliver(handler, change);
  }

  private deliver(handler: InformerHandler<T>, change: StoreChange<T>): void {
    try {
      if (change.type === 'add') handler.onAdd?.(change.object);
      else if (change.type === 'update') handler.onUpdate?.(change.old, change.object);
      else handler.onDelete?.(change.object);
    } catch (error) {
      // A broken handler must not stall the stream for everyone else.
      this.options.logger.error({ kind: kindId(this.kind), err: error }, 'informer event handler threw');
    }
  }
}
