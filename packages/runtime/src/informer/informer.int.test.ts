import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { startControlPlane, type TestControlPlane, waitFor } from '@capi-ck8s/testenv';
import { pino } from 'pino';
import { ResourceMapper } from '../client/resources';
import { RestClient } from '../client/rest-client';
import { kindRef, type KubeObject } from '../objects';
import { FaultInjectingTransport } from '../testing/fault-injecting-transport';
import { Informer } from './informer';
import { RestListWatch } from './list-watch';

const CONFIG_MAP = kindRef('v1', 'ConfigMap');
const NAMESPACE = 'informer-test';
const OTHER_NAMESPACE = 'elsewhere';

interface Recorder {
  events: string[];
  informer: Informer<KubeObject>;
  transport: FaultInjectingTransport;
  rest: RestClient;
}

describe('Informer against a real apiserver', () => {
  let cp: TestControlPlane;
  let kubeConfig: KubeConfig;
  let core: CoreV1Api;
  const running: Recorder[] = [];

  beforeAll(async () => {
    cp = await startControlPlane({ name: 'runtime-informer', controllerManager: false });
    kubeConfig = cp.kubeConfig();
    core = kubeConfig.makeApiClient(CoreV1Api);
    for (const name of [NAMESPACE, OTHER_NAMESPACE]) await core.createNamespace({ body: { metadata: { name } } });
  }, 120_000);

  afterEach(async () => {
    for (const recorder of running.splice(0)) {
      await recorder.informer.stop();
      await recorder.rest.close();
    }
  });

  afterAll(async () => {
    await cp?.stop();
  }, 90_000);

  function startInformer(options: { pageSize?: number; watchTimeoutSeconds?: number } = {}): Recorder {
    const rest = new RestClient(kubeConfig);
    const transport = new FaultInjectingTransport(new RestListWatch(rest));
    const informer = new Informer<KubeObject>({
      kind: CONFIG_MAP,
      selection: { namespace: NAMESPACE, labelSelector: 'test=informer' },
      transport,
      resources: new ResourceMapper(rest),
      logger: pino({ level: 'silent' }),
      backoff: { initialMs: 200, maxMs: 1000 },
      ...(options.pageSize ? { pageSize: options.pageSize } : {}),
      ...(options.watchTimeoutSeconds ? { watchTimeoutSeconds: () => options.watchTimeoutSeconds! } : {}),
    });
    const events: string[] = [];
    informer.addHandler({
      onAdd: (object) => events.push(`add ${object.metadata.name}`),
      onUpdate: (old, object) => events.push(`update ${object.metadata.name} ${old.metadata.resourceVersion}->${object.metadata.resourceVersion}`),
      onDelete: (object) => events.push(`delete ${object.metadata.name}`),
    });
    informer.start();
    const recorder = { events, informer, transport, rest };
    running.push(recorder);
    return recorder;
  }

  const body = (name: string, value = '1', namespace = NAMESPACE) => ({ metadata: { name, namespace, labels: { test: 'informer' } }, data: { value } });
  const create = (name: string, namespace = NAMESPACE) => core.createNamespacedConfigMap({ namespace, body: body(name, '1', namespace) });
  const update = (name: string, value: string) => core.replaceNamespacedConfigMap({ name, namespace: NAMESPACE, body: body(name, value) });
  const remove = (name: string) => core.deleteNamespacedConfigMap({ name, namespace: NAMESPACE });

  /** Waits until the store holds exactly what the apiserver lists now. */
  async function converged(informer: Informer<KubeObject>): Promise<void> {
    await waitFor(
      'store to match the apiserver',
      async () => {
        const listed = await core.listNamespacedConfigMap({ namespace: NAMESPACE, labelSelector: 'test=informer' });
        const want = listed.items.map((item) => `${item.metadata?.name}@${item.metadata?.resourceVersion}`).sort();
        const have = informer.reader.list().map((item) => `${item.metadata.name}@${item.metadata.resourceVersion}`).sort();
        return JSON.stringify(want) === JSON.stringify(have) ? true : undefined;
      },
      { timeoutMs: 30_000 },
    );
  }

  async function cleanUp(): Promise<void> {
    await core.deleteCollectionNamespacedConfigMap({ namespace: NAMESPACE, labelSelector: 'test=informer' });
  }

  it('lists in pages, then reports creates, updates and deletes once each', async () => {
    for (let i = 0; i < 12; i++) await create(`paged-${i}`);
    const { informer, events, transport } = startInformer({ pageSize: 5 });
    await informer.waitForSync();
    expect(transport.requests.slice(0, 3)).toEqual(['list', 'list-continue', 'list-continue']);
    expect(informer.reader.size()).toBe(12);
    events.length = 0;
    await create('fresh');
    await update('fresh', '2');
    await remove('fresh');
    await waitFor('delete event', () => (events.includes('delete fresh') ? true : undefined), { timeoutMs: 10_000 });
    expect(events.map((event) => event.split(' ').slice(0, 2).join(' '))).toEqual(['add fresh', 'update fresh', 'delete fresh']);
    await cleanUp();
  });

  /**
   * Compacts etcd's history up to now, so that resuming a watch from an older resourceVersion really is "too old"
   * (a young apiserver could otherwise replay it from etcd).
   */
  async function compactEtcd(): Promise<void> {
    const etcd = cp.etcdUrl;
    const status = (await (await fetch(`${etcd}/v3/maintenance/status`, { method: 'POST', body: '{}' })).json()) as { header: { revision: string } };
    const response = await fetch(`${etcd}/v3/kv/compaction`, { method: 'POST', body: JSON.stringify({ revision: status.header.revision, physical: true }) });
    if (!response.ok) throw new Error(`etcd compaction failed: ${response.status} ${await response.text()}`);
  }

  it('relists on a forced 410 without losing or duplicating events', async () => {
    await cleanUp();
    for (const name of ['keep', 'change', 'drop']) await create(name);
    const { informer, events, transport } = startInformer();
    await informer.waitForSync();
    await converged(informer);
    let openGate: () => void = () => undefined;
    transport.holdNextWatch(new Promise<void>((resolve) => (openGate = resolve)));
    transport.cutWatch();
    // While the informer is disconnected, the world changes.
    await update('change', 'changed');
    await remove('drop');
    await create('born');
    // History the informer missed is compacted and the watch cache rebuilt: its resourceVersion is now too old.
    await compactEtcd();
    await cp.restartApiServer();
    events.length = 0;
    openGate();
    await converged(informer);
    expect(transport.requests.filter((request) => request === 'list')).toHaveLength(2);
    expect(transport.watchEventTypes).toContain('ERROR');
    expect(events.map((event) => event.split(' ').slice(0, 2).join(' ')).sort()).toEqual(['add born', 'delete drop', 'update change']);
    await cleanUp();
  }, 90_000);

  it('advances its resourceVersion with bookmarks while nothing it watches changes', async () => {
    await cleanUp();
    const { informer, events, transport } = startInformer({ watchTimeoutSeconds: 6 });
    await informer.waitForSync();
    const before = BigInt(informer.lastSyncResourceVersion());
    // Writes outside the watched namespace move the resource's version without sending events to this watch.
    const foreign = await core.createNamespacedConfigMap({ namespace: OTHER_NAMESPACE, body: body(`foreign-${Date.now()}`, '1', OTHER_NAMESPACE) });
    const foreignVersion = BigInt(foreign.metadata?.resourceVersion ?? '0');
    await waitFor('a bookmark past the foreign write', () => (BigInt(informer.lastSyncResourceVersion()) >= foreignVersion ? true : undefined), {
      timeoutMs: 20_000,
    });
    expect(transport.watchEventTypes).toContain('BOOKMARK');
    expect(BigInt(informer.lastSyncResourceVersion())).toBeGreaterThan(before);
    expect(events).toEqual([]);
  }, 40_000);

  it.each([
    ['kube-apiserver', () => cp.restartApiServer()],
    ['etcd', () => cp.restartEtcd()],
  ])('keeps going across a %s restart', async (_component, restart) => {
    await create('before-restart');
    const { informer, events } = startInformer();
    await informer.waitForSync();
    await restart();
    await waitFor('apiserver to answer', async () => ((await core.listNamespace({ limit: 1 })) ? true : undefined), { timeoutMs: 60_000 });
    await create('after-restart');
    await update('before-restart', 'again');
    await converged(informer);
    const names = events.map((event) => event.split(' ').slice(0, 2).join(' '));
    expect(names.filter((event) => event === 'add after-restart')).toHaveLength(1);
    expect(names.filter((event) => event === 'add before-restart')).toHaveLength(1);
    expect(names).toContain('update before-restart');
    await cleanUp();
  }, 120_000);
});
