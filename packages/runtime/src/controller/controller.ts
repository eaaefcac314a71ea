import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock, Timer } from '../clock';
import type { RuntimeMetrics } from '../metrics/metrics';
import { formatKey, type ObjectKey, parseKey } from '../objects';
import { WorkQueue } from '../queue/work-queue';
import type { RateLimiter } from '../queue/rate-limiter';
import { decide, type Result } from './result';

export interface ReconcileContext {
  /** Carries `controller`, `object` and `reconcileID`. */
  logger: Logger;
  reconcileId: string;
  /** Aborted when the manager stops; long waits inside a reconcile should honour it. */
  signal: AbortSignal;
}

/** Level-triggered: given only the key, read the current state and move the world towards the desired state. */
export type Reconciler = (request: ObjectKey, context: ReconcileContext) => Promise<Result | undefined | void>;

export interface ControllerOptions {
  name: string;
  reconciler: Reconciler;
  concurrency: number;
  clock: Clock;
  logger: Logger;
  metrics: RuntimeMetrics;
  rateLimiter?: RateLimiter<string>;
  /** Periodic full re-enqueue (the `--sync-period`); the keys come from `resyncKeys`. */
  syncPeriodMs?: number;
  resyncKeys?: () => ObjectKey[];
}

/** Runs a reconciler over a de-duplicating queue with a fixed number of workers. */
export class Controller {
  readonly name: string;
  private readonly options: ControllerOptions;
  private readonly queue: WorkQueue<string>;
  private workers: Promise<void>[] = [];
  private abort = new AbortController();
  private resyncTimer: Timer | undefined;
  private readonly random = Math.random;

  constructor(options: ControllerOptions) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new Error(`controller ${options.name}: concurrency must be a positive integer (got ${options.concurrency})`);
    }
    this.options = options;
    this.name = options.name;
    this.queue = new WorkQueue<string>({
      clock: options.clock,
      observer: options.metrics.workQueueObserver(options.name),
      ...(options.rateLimiter ? { rateLimiter: options.rateLimiter } : {}),
    });
    options.metrics.trackQueue(options.name, this.queue);
    options.metrics.registerController(options.name, options.concurrency);
  }

  enqueue(key: ObjectKey): void {
    this.queue.add(formatKey(key));
  }

  /** Starts the workers and returns; reconciles run until `stop`. */
  start(): void {
    if (this.workers.length > 0) return;
    this.abort = new AbortController();
    this.workers = Array.from({ length: this.options.concurrency }, () => this.work());
    this.scheduleResync();
  }

  /** Stops taking keys, waits for reconciles in progress to finish, then returns. */
  async stop(): Promise<void> {
    this.resyncTimer?.cancel();
    this.abort.abort();
    await this.queue.shutDownWithDrain();
    await Promise.all(this.workers);
    this.workers = [];
  }

  private scheduleResync(): void {
    const { syncPeriodMs, resyncKeys, clock } = this.options;
    if (!syncPeriodMs || !resyncKeys) return;
    // ±10 % jitter so that controllers started together do not resync in lockstep.
    const delay = syncPeriodMs * (0.9 + this.random() * 0.2);
    this.resyncTimer = clock.setTimer(() => {
      for (const key of resyncKeys()) this.enqueue(key);
      this.scheduleResync();
    }, delay);
  }

  private async work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      try {
        await this.reconcileKey(key);
      } finally {
        this.queue.done(key);
      }
    }
  }

  private async reconcileKey(key: string): Promise<void> {
    const { metrics, logger, reconciler, clock } = this.options;
    const controller = this.name;
    const reconcileId = randomUUID();
    const log = logger.child({ object: key, reconcileID: reconcileId });
    metrics.activeWorkers.inc({ controller });
    const startedAt = clock.now();
    let outcome: { result: Result | undefined } | { error: unknown };
    try {
      outcome = { result: (await reconciler(parseKey(key), { logger: log, reconcileId, signal: this.abort.signal })) ?? undefined };
    } catch (error) {
      outcome = { error };
    } finally {
      metrics.activeWorkers.dec({ controller });
      metrics.reconcileTime.observe({ controller }, (clock.now() - startedAt) / 1000);
    }
    const decision = decide(outcome);
    metrics.reconcileTotal.inc({ controller, result: decision.metric });
    if (decision.error !== 'none') metrics.reconcileErrors.inc({ controller });
    if (decision.error === 'terminal') metrics.terminalReconcileErrors.inc({ controller });
    if ('error' in outcome) log[decision.logLevel]({ err: outcome.error, terminal: decision.error === 'terminal' }, 'reconciler error');
    else log.debug({ result: decision.metric, durationMs: clock.now() - startedAt }, 'reconcile finished');
    if (decision.queue === 'rateLimited') {
      this.queue.addRateLimited(key);
    } else {
      this.queue.forget(key);
      if (decision.queue === 'after') this.queue.addAfter(key, decision.delayMs ?? 0);
    }
  }
}
