import type { Clock, Timer } from '../clock';
import { defaultControllerRateLimiter, type RateLimiter } from './rate-limiter';

/** What a queue reports for the workqueue_* metrics; times are in seconds. */
export interface WorkQueueObserver {
  added(): void;
  depth(length: number): void;
  waited(seconds: number): void;
  worked(seconds: number): void;
  retried(): void;
}

export interface WorkQueueOptions<K> {
  clock: Clock;
  rateLimiter?: RateLimiter<K>;
  observer?: WorkQueueObserver;
}

interface DelayedAdd {
  readyAt: number;
  timer: Timer;
}

/**
 * A keyed, de-duplicating work queue with client-go semantics: a key waiting in the queue is stored once however
 * often it is added; a key being processed is never handed to a second worker, and if it is added meanwhile it goes
 * back into the queue when the first worker calls `done`. Keys, not objects, are queued: reconcilers read the
 * current state themselves.
 */
export class WorkQueue<K> {
  private readonly clock: Clock;
  private readonly rateLimiter: RateLimiter<K>;
  private readonly observer: WorkQueueObserver | undefined;
  private readonly order: K[] = [];
  private readonly dirty = new Set<K>();
  private readonly processing = new Map<K, number>();
  private readonly queuedAt = new Map<K, number>();
  private readonly delayed = new Map<K, DelayedAdd>();
  private readonly waitingGetters: ((key: K | undefined) => void)[] = [];
  private readonly drainWaiters: (() => void)[] = [];
  private shuttingDown = false;

  constructor(options: WorkQueueOptions<K>) {
    this.clock = options.clock;
    this.rateLimiter = options.rateLimiter ?? defaultControllerRateLimiter<K>(options.clock);
    this.observer = options.observer;
  }

  add(key: K): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.observer?.added();
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.enqueue(key);
  }

  /** Adds `key` once `delayMs` has passed; an earlier pending delay for the same key wins. */
  addAfter(key: K, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const readyAt = this.clock.now() + delayMs;
    const pending = this.delayed.get(key);
    if (pending && pending.readyAt <= readyAt) return;
    pending?.timer.cancel();
    const timer = this.clock.setTimer(() => {
      this.delayed.delete(key);
      this.add(key);
    }, delayMs);
    this.delayed.set(key, { readyAt, timer });
  }

  /** Adds `key` after the rate limiter's delay (per-item backoff combined with the global bucket). */
  addRateLimited(key: K): void {
    if (this.shuttingDown) return;
    this.observer?.retried();
    this.addAfter(key, this.rateLimiter.when(key));
  }

  /** Clears the key's backoff history; call after a successful reconcile. */
  forget(key: K): void {
    this.rateLimiter.forget(key);
  }

  numRequeues(key: K): number {
    return this.rateLimiter.numRequeues(key);
  }

  /** Number of keys waiting to be handed out (not counting those being processed or delayed). */
  len(): number {
    return this.order.length;
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** The next key to process, or `undefined` once the queue shuts down. Every key received must be passed to `done`. */
  get(): Promise<K | undefined> {
    if (this.shuttingDown) return Promise.resolve(undefined);
    const key = this.take();
    if (key !== undefined) return Promise.resolve(key);
    return new Promise((resolve) => this.waitingGetters.push(resolve));
  }

  /** Marks the key processed; if it was added while being processed it is queued again now. */
  done(key: K): void {
    const startedAt = this.processing.get(key);
    if (startedAt === undefined) return;
    this.processing.delete(key);
    this.observer?.worked((this.clock.now() - startedAt) / 1000);
    if (this.dirty.has(key) && !this.shuttingDown) this.enqueue(key);
    if (this.processing.size === 0) for (const resolve of this.drainWaiters.splice(0)) resolve();
  }

  /** Seconds of work in progress that has not been marked done, summed over all processing keys. */
  unfinishedWorkSeconds(): number {
    const now = this.clock.now();
    let total = 0;
    for (const startedAt of this.processing.values()) total += (now - startedAt) / 1000;
    return total;
  }

  longestRunningProcessorSeconds(): number {
    const now = this.clock.now();
    let longest = 0;
    for (const startedAt of this.processing.values()) longest = Math.max(longest, (now - startedAt) / 1000);
    return longest;
  }

  /**
   * Stops handing out keys: waiting and future `get` calls resolve `undefined`, queued and delayed keys are dropped
   * (reconcile is level-triggered, so the next start resynchronises them). Resolves when every key already being
   * processed has been marked done.
   */
  shutDownWithDrain(): Promise<void> {
    this.shutDown();
    if (this.processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  shutDown(): void {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    for (const pending of this.delayed.values()) pending.timer.cancel();
    this.delayed.clear();
    this.order.length = 0;
    this.queuedAt.clear();
    for (const key of [...this.dirty]) if (!this.processing.has(key)) this.dirty.delete(key);
    this.observer?.depth(0);
    for (const resolve of this.waitingGetters.splice(0)) resolve(undefined);
  }

  private enqueue(key: K): void {
    this.queuedAt.set(key, this.clock.now());
    this.order.push(key);
    const getter = this.waitingGetters.shift();
    if (getter) getter(this.take());
    else this.observer?.depth(this.order.length);
  }

  private take(): K | undefined {
    const key = this.order.shift();
    if (key === undefined) return undefined;
    const now = this.clock.now();
    this.observer?.depth(this.order.length);
    this.observer?.waited((now - (this.queuedAt.get(key) ?? now)) / 1000);
    this.queuedAt.delete(key);
    this.dirty.delete(key);
    this.processing.set(key, now);
    return key;
  }
}
