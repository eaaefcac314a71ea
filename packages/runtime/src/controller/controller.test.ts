import { pino } from 'pino';
import { FakeClock } from '../clock';
import { ApiError } from '../client/errors';
import { RuntimeMetrics } from '../metrics/metrics';
import { formatKey, type ObjectKey } from '../objects';
import { Controller, type Reconciler } from './controller';
import { done, requeueAfter, TerminalError } from './result';

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
}

function newController(reconciler: Reconciler, concurrency = 1) {
  const clock = new FakeClock();
  const metrics = new RuntimeMetrics();
  const controller = new Controller({ name: 'widget', reconciler, concurrency, clock, metrics, logger: pino({ level: 'silent' }) });
  return { controller, clock, metrics };
}

async function counter(metrics: RuntimeMetrics, name: string, labels: Record<string, string>): Promise<number> {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  const value = metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return value?.value ?? Number.NaN;
}

describe('Controller', () => {
  it('reconciles each enqueued key once, de-duplicating bursts', async () => {
    const seen: string[] = [];
    const { controller, metrics } = newController((key: ObjectKey) => {
      seen.push(formatKey(key));
      return Promise.resolve(done);
    });
    controller.enqueue({ namespace: 'ns', name: 'a' });
    controller.enqueue({ namespace: 'ns', name: 'a' });
    controller.enqueue({ name: 'cluster-scoped' });
    controller.start();
    await settle();
    expect(seen).toEqual(['ns/a', 'cluster-scoped']);
    expect(await counter(metrics, 'controller_runtime_reconcile_total', { controller: 'widget', result: 'success' })).toBe(2);
    await controller.stop();
  });

  it('never runs one key on two workers at once, even with spare workers', async () => {
    let running = 0;
    let maxRunning = 0;
    let release: () => void = () => undefined;
    const { controller } = newController(async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise<void>((resolve) => (release = resolve));
      running--;
    }, 4);
    controller.start();
    controller.enqueue({ name: 'a' });
    await settle();
    controller.enqueue({ name: 'a' });
    await settle();
    expect(running).toBe(1);
    release();
    await settle();
    expect(running).toBe(1);
    release();
    await settle();
    expect(maxRunning).toBe(1);
    await controller.stop();
  });

  it('requeues after the requested delay, and retries errors with backoff, counting each result', async () => {
    const outcomes = [() => requeueAfter(1000), () => Promise.reject(new Error('boom')), () => done];
    const times: number[] = [];
    const { controller, clock, metrics } = newController(async () => {
      times.push(clock.now());
      return outcomes.shift()!();
    });
    controller.start();
    controller.enqueue({ name: 'a' });
    await settle();
    clock.advance(999);
    await settle();
    expect(times).toEqual([0]);
    clock.advance(1);
    await settle();
    clock.advance(5);
    await settle();
    expect(times).toEqual([0, 1000, 1005]);
    for (const [result, count] of [
      ['requeue_after', 1],
      ['error', 1],
      ['success', 1],
    ] as const) {
      expect(await counter(metrics, 'controller_runtime_reconcile_total', { controller: 'widget', result })).toBe(count);
    }
    expect(await counter(metrics, 'controller_runtime_reconcile_errors_total', { controller: 'widget' })).toBe(1);
    await controller.stop();
  });

  it('does not requeue a terminal error; requeues a conflict without counting an error', async () => {
    const outcomes = [() => Promise.reject(new ApiError(409, 'PATCH', { reason: 'Conflict' })), () => Promise.reject(new TerminalError('invalid'))];
    let calls = 0;
    const { controller, clock, metrics } = newController(async () => {
      calls++;
      return outcomes.shift()!();
    });
    controller.start();
    controller.enqueue({ name: 'a' });
    await settle();
    clock.advance(10_000);
    await settle();
    clock.advance(100_000);
    await settle();
    expect(calls).toBe(2);
    expect(await counter(metrics, 'controller_runtime_reconcile_total', { controller: 'widget', result: 'requeue' })).toBe(1);
    expect(await counter(metrics, 'controller_runtime_terminal_reconcile_errors_total', { controller: 'widget' })).toBe(1);
    expect(await counter(metrics, 'controller_runtime_reconcile_errors_total', { controller: 'widget' })).toBe(1);
    await controller.stop();
  });

  it('stop waits for the reconcile in progress and starts no new one', async () => {
    let finish: () => void = () => undefined;
    const started: string[] = [];
    const { controller } = newController(async (key) => {
      started.push(key.name);
      await new Promise<void>((resolve) => (finish = resolve));
    });
    controller.start();
    controller.enqueue({ name: 'a' });
    controller.enqueue({ name: 'b' });
    await settle();
    let stopped = false;
    const stopping = controller.stop().then(() => (stopped = true));
    await settle();
    expect(stopped).toBe(false);
    finish();
    await stopping;
    expect(started).toEqual(['a']);
  });

  it('rejects a concurrency that is not a positive integer', () => {
    expect(() => newController(() => Promise.resolve(done), 0)).toThrow(/concurrency must be a positive integer/);
  });
});
