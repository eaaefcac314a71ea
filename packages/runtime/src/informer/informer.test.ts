import { pino } from 'pino';
import { FakeClock } from '../clock';
import { ApiError } from '../client/errors';
import type { ResourceInfo, ResourceMapper } from '../client/resources';
import { kindRef, type KubeObject } from '../objects';
import { object } from '../testing/objects';
import { Informer, jitteredBackoffMs } from './informer';
import type { ListPage, ListWatchTransport, WatchEvent, WatchRequest } from './list-watch';

const info: ResourceInfo = { apiVersion: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true };
const resources = { resolve: () => Promise.resolve(info) } as unknown as ResourceMapper;

type Step = { list: ListPage<KubeObject>[] } | { watch: (WatchEvent<KubeObject> | Error)[] } | { fail: Error };

/**
 * A scripted list/watch: each call consumes the next step. The informer's reaction is what is under test; the
 * apiserver's real behaviour is covered by the integration tests.
 */
class ScriptedTransport implements ListWatchTransport {
  readonly calls: string[] = [];
  private pageIndex = 0;
  constructor(private readonly steps: Step[]) {}

  list<T extends KubeObject>(_info: ResourceInfo, _selection: unknown, limit: number, continueToken: string | undefined): Promise<ListPage<T>> {
    this.calls.push(`list(limit=${limit}${continueToken ? `,continue=${continueToken}` : ''})`);
    const step = this.steps[0];
    if (step && 'fail' in step) {
      this.steps.shift();
      return Promise.reject(step.fail);
    }
    if (!step || !('list' in step)) throw new Error(`unexpected list; next step ${JSON.stringify(step)}`);
    const page = step.list[this.pageIndex++]!;
    if (this.pageIndex === step.list.length) {
      this.steps.shift();
      this.pageIndex = 0;
    }
    return Promise.resolve(page as ListPage<T>);
  }

  async *watch<T extends KubeObject>(_info: ResourceInfo, request: WatchRequest, signal: AbortSignal): AsyncIterable<WatchEvent<T>> {
    this.calls.push(`watch(rv=${request.resourceVersion})`);
    const step = this.steps.shift();
    if (step && 'fail' in step) throw step.fail;
    if (!step || !('watch' in step)) {
      // Script exhausted: behave like a quiet, open watch until stopped.
      if (!signal.aborted) await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      return;
    }
    for (const event of step.watch) {
      if (event instanceof Error) throw event;
      yield event as WatchEvent<T>;
    }
  }
}

function newInformer(transport: ListWatchTransport, clock = new FakeClock()) {
  const informer = new Informer({ kind: kindRef('v1', 'ConfigMap'), transport, resources, logger: pino({ level: 'silent' }), clock, random: () => 0.5 });
  const events: string[] = [];
  informer.addHandler({
    onAdd: (o) => events.push(`add ${o.metadata.name}@${o.metadata.resourceVersion}`),
    onUpdate: (old, o) => events.push(`update ${o.metadata.name}@${old.metadata.resourceVersion}->${o.metadata.resourceVersion}`),
    onDelete: (o) => events.push(`delete ${o.metadata.name}`),
  });
  return { informer, events, clock };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('Informer', () => {
  it('lists every page, syncs, then watches from the list resourceVersion', async () => {
    const transport = new ScriptedTransport([
      { list: [{ items: [object('a')], resourceVersion: '10', continueToken: 'p2' }, { items: [object('b')], resourceVersion: '10' }] },
      { watch: [{ type: 'ADDED', object: object('c', { resourceVersion: '11' }) }] },
    ]);
    const { informer, events } = newInformer(transport);
    informer.start();
    await informer.waitForSync();
    await settle();
    expect(transport.calls.slice(0, 3)).toEqual(['list(limit=500)', 'list(limit=500,continue=p2)', 'watch(rv=10)']);
    expect(events).toEqual(['add a@1', 'add b@1', 'add c@11']);
    expect(informer.hasSynced()).toBe(true);
    await informer.stop();
  });

  it('advances its resourceVersion on bookmarks without emitting events, and resumes from it', async () => {
    const transport = new ScriptedTransport([
      { list: [{ items: [], resourceVersion: '10' }] },
      { watch: [{ type: 'BOOKMARK', object: { metadata: { resourceVersion: '42' } } }] },
    ]);
    const { informer, events } = newInformer(transport);
    informer.start();
    await settle();
    expect(informer.lastSyncResourceVersion()).toBe('42');
    expect(transport.calls).toEqual(['list(limit=500)', 'watch(rv=10)', 'watch(rv=42)']);
    expect(events).toEqual([]);
    await informer.stop();
  });

  it('relists at once on a 410 ERROR event and reports only real differences', async () => {
    const transport = new ScriptedTransport([
      { list: [{ items: [object('a'), object('b')], resourceVersion: '10' }] },
      { watch: [{ type: 'ERROR', object: { code: 410, reason: 'Expired', message: 'too old resource version' } }] },
      { list: [{ items: [object('a'), object('c', { resourceVersion: '12' })], resourceVersion: '12' }] },
    ]);
    const { informer, events } = newInformer(transport);
    informer.start();
    await settle();
    expect(transport.calls).toEqual(['list(limit=500)', 'watch(rv=10)', 'list(limit=500)', 'watch(rv=12)']);
    expect(events).toEqual(['add a@1', 'add b@1', 'delete b', 'add c@12']);
    await informer.stop();
  });

  it('retries any other failure after a backoff, resuming the watch without relisting', async () => {
    const transport = new ScriptedTransport([
      { list: [{ items: [], resourceVersion: '10' }] },
      { fail: new ApiError(503, 'watch') },
      { fail: new Error('ECONNREFUSED') },
      { watch: [{ type: 'ADDED', object: object('a', { resourceVersion: '11' }) }] },
    ]);
    const { informer, events, clock } = newInformer(transport);
    informer.start();
    await settle();
    expect(transport.calls).toEqual(['list(limit=500)', 'watch(rv=10)']);
    clock.advance(599);
    await settle();
    expect(transport.calls).toHaveLength(2);
    clock.advance(1);
    await settle();
    expect(transport.calls).toHaveLength(3);
    clock.advance(1200);
    await settle();
    expect(transport.calls).toEqual(['list(limit=500)', 'watch(rv=10)', 'watch(rv=10)', 'watch(rv=10)', 'watch(rv=11)']);
    expect(events).toEqual(['add a@11']);
    await informer.stop();
  });

  it('keeps retrying a failing initial list and is not synced until it succeeds', async () => {
    const transport = new ScriptedTransport([{ fail: new Error('connection refused') }, { list: [{ items: [object('a')], resourceVersion: '3' }] }]);
    const { informer, clock } = newInformer(transport);
    informer.start();
    await settle();
    expect(informer.hasSynced()).toBe(false);
    clock.advance(1000);
    await informer.waitForSync();
    expect(informer.reader.size()).toBe(1);
    await informer.stop();
  });

  it('replays stored objects to a handler added later', async () => {
    const transport = new ScriptedTransport([{ list: [{ items: [object('a')], resourceVersion: '3' }] }]);
    const { informer } = newInformer(transport);
    informer.start();
    await informer.waitForSync();
    const late: string[] = [];
    informer.addHandler({ onAdd: (o) => late.push(o.metadata.name!) });
    expect(late).toEqual(['a']);
    await informer.stop();
  });

  it.each([
    [1, 600],
    [2, 1200],
    [6, 19_200],
    [7, 22_500],
    [30, 22_500],
  ])('backoff attempt %i with mid jitter waits %i ms (800 ms doubling, capped at 30 s)', (attempt, expected) => {
    expect(jitteredBackoffMs(attempt, { initialMs: 800, maxMs: 30_000 }, () => 0.5)).toBe(expected);
  });
});
