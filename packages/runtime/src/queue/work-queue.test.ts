import { FakeClock } from '../clock';
import { BucketRateLimiter, ItemExponentialFailureRateLimiter, MaxOfRateLimiter, defaultControllerRateLimiter } from './rate-limiter';
import { WorkQueue } from './work-queue';

function newQueue(clock = new FakeClock()): { queue: WorkQueue<string>; clock: FakeClock } {
  return { queue: new WorkQueue<string>({ clock }), clock };
}

/** Keys currently obtainable without waiting, in order. */
async function drainAvailable(queue: WorkQueue<string>): Promise<string[]> {
  const keys: string[] = [];
  while (queue.len() > 0) {
    const key = await queue.get();
    if (key === undefined) break;
    keys.push(key);
  }
  return keys;
}

describe('WorkQueue', () => {
  it('stores a key once however often it is added before being processed', async () => {
    const { queue } = newQueue();
    queue.add('ns/a');
    queue.add('ns/b');
    queue.add('ns/a');
    expect(queue.len()).toBe(2);
    expect(await drainAvailable(queue)).toEqual(['ns/a', 'ns/b']);
  });

  it('never hands a key being processed to a second worker, and re-queues it on done if it was added meanwhile', async () => {
    const { queue } = newQueue();
    queue.add('ns/a');
    const first = await queue.get();
    queue.add('ns/a');
    queue.add('ns/a');
    expect(queue.len()).toBe(0);
    queue.done(first!);
    expect(queue.len()).toBe(1);
    expect(await queue.get()).toBe('ns/a');
  });

  it('does not re-queue a processed key that was not added again', async () => {
    const { queue } = newQueue();
    queue.add('ns/a');
    queue.done((await queue.get())!);
    expect(queue.len()).toBe(0);
  });

  it('wakes a waiting worker when a key arrives', async () => {
    const { queue } = newQueue();
    const waiting = queue.get();
    queue.add('ns/a');
    await expect(waiting).resolves.toBe('ns/a');
  });

  it('adds a key only after its requeue-after delay, and the earliest pending delay wins', () => {
    const { queue, clock } = newQueue();
    queue.addAfter('ns/a', 1000);
    queue.addAfter('ns/a', 5000);
    queue.addAfter('ns/b', 300);
    clock.advance(299);
    expect(queue.len()).toBe(0);
    clock.advance(1);
    expect(queue.len()).toBe(1);
    clock.advance(700);
    expect(queue.len()).toBe(2);
    clock.advance(10_000);
    expect(queue.len()).toBe(2);
  });

  it('replaces a later pending delay with an earlier one', () => {
    const { queue, clock } = newQueue();
    queue.addAfter('ns/a', 5000);
    queue.addAfter('ns/a', 100);
    clock.advance(100);
    expect(queue.len()).toBe(1);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('backs off a failing key exponentially from 5 ms and resets after forget', async () => {
    const { queue, clock } = newQueue();
    const readyAfter: number[] = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      const startedAt = clock.now();
      queue.addRateLimited('ns/a');
      for (let waited = 0; queue.len() === 0 && waited < 1000; waited++) clock.advance(1);
      readyAfter.push(clock.now() - startedAt);
      queue.done((await queue.get())!);
    }
    expect(readyAfter).toEqual([5, 10, 20, 40]);
    expect(queue.numRequeues('ns/a')).toBe(4);
    queue.forget('ns/a');
    expect(queue.numRequeues('ns/a')).toBe(0);
  });

  it('hands out nothing after shutdown and drops queued and delayed keys', async () => {
    const { queue, clock } = newQueue();
    queue.add('ns/a');
    queue.addAfter('ns/b', 10);
    queue.shutDown();
    await expect(queue.get()).resolves.toBeUndefined();
    clock.advance(100);
    queue.add('ns/c');
    expect(queue.len()).toBe(0);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('resolves waiting workers with undefined on shutdown', async () => {
    const { queue } = newQueue();
    const waiting = [queue.get(), queue.get()];
    queue.shutDown();
    await expect(Promise.all(waiting)).resolves.toEqual([undefined, undefined]);
  });

  it('drains: shutDownWithDrain resolves only when in-flight keys are done', async () => {
    const { queue } = newQueue();
    queue.add('ns/a');
    queue.add('ns/b');
    const a = (await queue.get())!;
    let drained = false;
    const drain = queue.shutDownWithDrain().then(() => (drained = true));
    await Promise.resolve();
    expect(drained).toBe(false);
    queue.done(a);
    await drain;
    expect(drained).toBe(true);
  });

  it('reports queue and work durations, depth, adds and retries to its observer', async () => {
    const clock = new FakeClock();
    const seen = { added: 0, retried: 0, depth: [] as number[], waited: [] as number[], worked: [] as number[] };
    const queue = new WorkQueue<string>({
      clock,
      observer: {
        added: () => seen.added++,
        retried: () => seen.retried++,
        depth: (length) => seen.depth.push(length),
        waited: (seconds) => seen.waited.push(seconds),
        worked: (seconds) => seen.worked.push(seconds),
      },
    });
    queue.add('ns/a');
    queue.add('ns/a');
    clock.advance(250);
    const key = (await queue.get())!;
    clock.advance(1500);
    expect(queue.longestRunningProcessorSeconds()).toBe(1.5);
    expect(queue.unfinishedWorkSeconds()).toBe(1.5);
    queue.done(key);
    queue.addRateLimited('ns/a');
    expect(seen).toEqual({ added: 1, retried: 1, depth: [1, 0], waited: [0.25], worked: [1.5] });
  });
});

describe('rate limiters', () => {
  it.each([
    // [failures before, expected delay ms]
    [0, 5],
    [1, 10],
    [10, 5120],
    [17, 655_360],
    [18, 1_000_000],
    [2000, 1_000_000],
  ])('per-item exponential backoff after %i failures waits %i ms', (failures, expected) => {
    const limiter = new ItemExponentialFailureRateLimiter<string>(5, 1_000_000);
    for (let i = 0; i < failures; i++) limiter.when('k');
    expect(limiter.when('k')).toBe(expected);
  });

  it('lets a burst of 100 through at once, then spaces requests at 10 per second', () => {
    const clock = new FakeClock();
    const bucket = new BucketRateLimiter<string>(10, 100, clock);
    const delays = Array.from({ length: 103 }, (_, i) => bucket.when(`k${i}`));
    expect(delays.slice(0, 100).every((delay) => delay === 0)).toBe(true);
    expect(delays.slice(100).map(Math.round)).toEqual([100, 200, 300]);
    clock.advance(10_000);
    expect(bucket.when('again')).toBe(0);
  });

  it('combines per-item and global limits by taking the longer delay', () => {
    const clock = new FakeClock();
    const limiter = new MaxOfRateLimiter<string>(
      new ItemExponentialFailureRateLimiter<string>(5, 1000),
      new BucketRateLimiter<string>(1, 1, clock),
    );
    expect(limiter.when('a')).toBe(5);
    expect(limiter.when('b')).toBe(1000);
    expect(limiter.numRequeues('a')).toBe(1);
    limiter.forget('a');
    expect(limiter.numRequeues('a')).toBe(0);
  });

  it('uses client-go controller defaults', () => {
    const limiter = defaultControllerRateLimiter<string>(new FakeClock());
    expect(limiter.when('a')).toBe(5);
    expect(limiter.when('a')).toBe(10);
  });

  it('rejects nonsensical settings with the rule in the message', () => {
    expect(() => new ItemExponentialFailureRateLimiter(0, 10)).toThrow(/baseDelayMs must be > 0/);
    expect(() => new BucketRateLimiter(0, 1, new FakeClock())).toThrow(/qps must be > 0/);
  });
});
