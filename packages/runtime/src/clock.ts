/**
 * Time is injected everywhere the runtime waits, so queue backoff, lease expiry and watch restarts can be tested
 * without sleeping.
 */
export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimer(callback: () => void, delayMs: number): Timer;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimer(callback, delayMs) {
    const handle = setTimeout(callback, Math.max(0, delayMs));
    return { cancel: () => clearTimeout(handle) };
  },
};

/** Resolves after `delayMs` on `clock`, or early (without rejecting) when `signal` aborts. */
export function sleep(clock: Clock, delayMs: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const onAbort = (): void => {
      timer.cancel();
      resolve();
    };
    const timer = clock.setTimer(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, delayMs);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

interface PendingTimer {
  dueAt: number;
  order: number;
  callback: () => void;
  cancelled: boolean;
}

/** A manually advanced clock for tests: timers fire in due order while `advance` moves time forward. */
export class FakeClock implements Clock {
  private current: number;
  private readonly timers: PendingTimer[] = [];
  private created = 0;

  constructor(startMs = 0) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimer(callback: () => void, delayMs: number): Timer {
    const timer: PendingTimer = {
      dueAt: this.current + Math.max(0, delayMs),
      order: this.created++,
      callback,
      cancelled: false,
    };
    this.timers.push(timer);
    return { cancel: () => (timer.cancelled = true) };
  }

  /** Number of timers that have neither fired nor been cancelled. */
  pendingTimers(): number {
    return this.timers.filter((timer) => !timer.cancelled).length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, each at its own instant. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const next = this.nextDue(target);
      if (!next) break;
      this.timers.splice(this.timers.indexOf(next), 1);
      this.current = next.dueAt;
      next.callback();
    }
    this.current = target;
  }

  private nextDue(limit: number): PendingTimer | undefined {
    let next: PendingTimer | undefined;
    for (const timer of [...this.timers]) {
      if (timer.cancelled) {
        this.timers.splice(this.timers.indexOf(timer), 1);
      } else if (timer.dueAt <= limit && (!next || timer.dueAt < next.dueAt || (timer.dueAt === next.dueAt && timer.order < next.order))) {
        next = timer;
      }
    }
    return next;
  }
}
