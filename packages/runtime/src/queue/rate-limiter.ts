import type { Clock } from '../clock';

/** Decides how long an item waits before its next attempt (client-go's workqueue.TypedRateLimiter). */
export interface RateLimiter<K> {
  /** Delay in milliseconds for the next attempt of `item`; counts the attempt. */
  when(item: K): number;
  /** Forget the item's failure history (after a success). */
  forget(item: K): void;
  numRequeues(item: K): number;
}

/** Per-item exponential backoff: base · 2^failures, capped. */
export class ItemExponentialFailureRateLimiter<K> implements RateLimiter<K> {
  private readonly failures = new Map<K, number>();

  constructor(
    private readonly baseDelayMs: number,
    private readonly maxDelayMs: number,
  ) {
    if (!(baseDelayMs > 0) || !(maxDelayMs >= baseDelayMs)) {
      throw new Error(`rate limiter: baseDelayMs must be > 0 and maxDelayMs >= baseDelayMs (got ${baseDelayMs}, ${maxDelayMs})`);
    }
  }

  when(item: K): number {
    const failures = this.failures.get(item) ?? 0;
    this.failures.set(item, failures + 1);
    // 2^failures overflows to Infinity long after the cap applies, so min() keeps it finite.
    return Math.min(this.baseDelayMs * 2 ** failures, this.maxDelayMs);
  }

  forget(item: K): void {
    this.failures.delete(item);
  }

  numRequeues(item: K): number {
    return this.failures.get(item) ?? 0;
  }
}

/**
 * A token bucket shared by all items: `qps` tokens per second, at most `burst` saved. Like golang.org/x/time/rate's
 * Reserve, a request when the bucket is empty still reserves a future token and is told how long to wait for it.
 */
export class BucketRateLimiter<K> implements RateLimiter<K> {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly qps: number,
    private readonly burst: number,
    private readonly clock: Clock,
  ) {
    if (!(qps > 0) || !(burst >= 1)) throw new Error(`rate limiter: qps must be > 0 and burst >= 1 (got ${qps}, ${burst})`);
    this.tokens = burst;
    this.updatedAt = clock.now();
  }

  when(_item: K): number {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.qps);
    this.updatedAt = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens / this.qps) * 1000;
  }

  forget(_item: K): void {
    // The bucket is shared by all items: there is no per-item history to clear.
  }

  numRequeues(_item: K): number {
    return 0;
  }
}

/** The longest delay any of the limiters asks for. */
export class MaxOfRateLimiter<K> implements RateLimiter<K> {
  private readonly limiters: RateLimiter<K>[];

  constructor(...limiters: RateLimiter<K>[]) {
    this.limiters = limiters;
  }

  when(item: K): number {
    return Math.max(0, ...this.limiters.map((limiter) => limiter.when(item)));
  }

  forget(item: K): void {
    for (const limiter of this.limiters) limiter.forget(item);
  }

  numRequeues(item: K): number {
    return Math.max(0, ...this.limiters.map((limiter) => limiter.numRequeues(item)));
  }
}

/** client-go's DefaultControllerRateLimiter: 5 ms → 1000 s per item, and 10 qps with a burst of 100 overall. */
export function defaultControllerRateLimiter<K>(clock: Clock): RateLimiter<K> {
  return new MaxOfRateLimiter<K>(
    new ItemExponentialFailureRateLimiter<K>(5, 1000 * 1000),
    new BucketRateLimiter<K>(10, 100, clock),
  );
}
