import { createTestNamespace, deleteTestNamespace, installCrds, sharedEnvironment, waitFor } from '@capi-ck8s/testenv';
import { pino } from 'pino';
import { isConflict } from '../client/errors';
import { ObjectClient } from '../client/object-client';
import { RestClient } from '../client/rest-client';
import { findCondition, setCondition } from '../conditions';
import { done } from '../controller/result';
import { WATCH_FILTER_LABEL } from '../controller/predicates';
import { kindRef, type KubeObject, mutableCopy } from '../objects';
import { withControllerReference } from '../ownership';
import { WIDGET, type Widget, widgetCrd } from '../testing/widget-crd';
import { Manager } from './manager';

type ConfigMap = KubeObject & { data?: Record<string, string> };
type CoreEvent = KubeObject & { reason?: string; count?: number; involvedObject?: { name?: string } };
const CONFIG_MAP = kindRef<ConfigMap>('v1', 'ConfigMap');
const EVENT = kindRef<CoreEvent>('v1', 'Event');
const FINALIZER = 'widgets.runtime-test.capi-ck8s.io/cleanup';

describe('Manager running a controller against the shared environment', () => {
  const env = sharedEnvironment();
  const kubeConfig = env.kubeConfig();
  const testRest = new RestClient(kubeConfig);
  const test = new ObjectClient(testRest, 'runtime-test-client');
  let namespace: string;
  let manager: Manager;
  const reconciled: string[] = [];

  beforeAll(async () => {
    await installCrds(kubeConfig, [widgetCrd]);
    namespace = await createTestNamespace(kubeConfig, 'runtime-manager');
    manager = new Manager({
      name: 'widget-manager',
      kubeConfig,
      logger: pino({ level: process.env['RUNTIME_TEST_LOG'] ? 'debug' : 'silent' }, process.env['RUNTIME_TEST_LOG'] ? pino.destination(process.env['RUNTIME_TEST_LOG']) : undefined),
      flags: { namespace, watchFilter: 'team-a', metricsBindAddress: '127.0.0.1:0', healthProbeBindAddress: '127.0.0.1:0', concurrency: 2 },
    });
    const events = manager.eventRecorder();
    const { cache, client } = manager;
    manager
      .controller('widget')
      .for(WIDGET)
      .owns(CONFIG_MAP)
      .complete(async (key) => {
        reconciled.push(key.name);
        const cached = cache.get(WIDGET, key);
        if (!cached) return done;
        if (cached.metadata.deletionTimestamp) {
          await client.removeFinalizer(cached, FINALIZER);
          return done;
        }
        const widget = await client.ensureFinalizer(cached, FINALIZER);
        const configMapName = `${key.name}-config`;
        await client.apply(
          withControllerReference<ConfigMap>(
            {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              // As in CAPI, the watch filter applies to every watch, so owned objects carry the owner's filter label.
              metadata: { name: configMapName, namespace: key.namespace, labels: { [WATCH_FILTER_LABEL]: 'team-a' } },
              data: { size: String(widget.spec.size) },
            },
            widget,
          ),
        );
        const desired = mutableCopy(widget);
        desired.status = {
          ...desired.status,
          observedGeneration: widget.metadata.generation,
          configMapName,
          conditions: setCondition(widget.status?.conditions, { type: 'Ready', status: 'True', reason: 'ConfigMapApplied' }, manager.clock.now()),
        };
        await client.patchStatus(widget, desired);
        events.event(widget, 'Normal', 'Reconciled', 'configmap applied');
        return done;
      });
    await manager.start();
    await manager.waitForLeadership();
  }, 60_000);

  afterAll(async () => {
    await manager?.stop();
    await deleteTestNamespace(kubeConfig, namespace);
    await testRest.close();
  });

  const widget = (name: string, labelled: boolean): Widget => ({
    apiVersion: WIDGET.apiVersion,
    kind: WIDGET.kind,
    metadata: { name, namespace, ...(labelled ? { labels: { [WATCH_FILTER_LABEL]: 'team-a' } } : {}) },
    spec: { size: 3 },
  });
  const readWidget = (name: string) => test.get(WIDGET, { namespace, name });
  const waitForWidget = (name: string, test: (widget: Widget) => boolean) =>
    waitFor(`widget ${name}`, async () => ((candidate) => (test(candidate) ? candidate : undefined))(await readWidget(name)), { timeoutMs: 20_000 });

  it('reconciles a labelled widget: finalizer, owned ConfigMap by server-side apply, Ready status for its generation', async () => {
    await test.create(widget('alpha', true));
    const ready = await waitForWidget('alpha', (w) => findCondition(w.status?.conditions, 'Ready')?.status === 'True');
    expect(ready.metadata.finalizers).toEqual([FINALIZER]);
    expect(ready.status?.observedGeneration).toBe(1);
    const configMap = await test.get(CONFIG_MAP, { namespace, name: 'alpha-config' });
    expect(configMap.data).toEqual({ size: '3' });
    expect(configMap.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Widget', name: 'alpha', controller: true, blockOwnerDeletion: true });
    expect(configMap.metadata.managedFields?.map((entry) => (entry as { manager: string }).manager)).toContain('widget-manager');
  });

  it('ignores objects outside the watch filter', async () => {
    await test.create(widget('unlabelled', false));
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(reconciled).not.toContain('unlabelled');
    expect((await readWidget('unlabelled')).status).toBeUndefined();
  });

  it('re-creates a deleted owned object (owner is enqueued) and skips writes that would change nothing', async () => {
    const before = await waitForWidget('alpha', (w) => w.status?.observedGeneration === 1);
    const reconcilesBefore = reconciled.filter((name) => name === 'alpha').length;
    await test.delete(CONFIG_MAP, { namespace, name: 'alpha-config' });
    await waitFor('the ConfigMap to come back', () => test.find(CONFIG_MAP, { namespace, name: 'alpha-config' }), { timeoutMs: 20_000 });
    expect(reconciled.filter((name) => name === 'alpha').length).toBeGreaterThan(reconcilesBefore);
    // Finalizer and status were already as desired, so the widget itself was not written again.
    expect((await readWidget('alpha')).metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  });

  it('follows spec changes to the new generation', async () => {
    await test.mergePatch(WIDGET, { namespace, name: 'alpha' }, { spec: { size: 5 } });
    await waitForWidget('alpha', (w) => w.status?.observedGeneration === 2);
    expect((await test.get(CONFIG_MAP, { namespace, name: 'alpha-config' })).data).toEqual({ size: '5' });
  });

  it('aggregates repeated identical events into one Event with a count', async () => {
    const event = await waitFor(
      'an aggregated Reconciled event',
      async () => (await test.list(EVENT, { namespace })).find((candidate) => candidate.involvedObject?.name === 'alpha' && (candidate.count ?? 0) >= 2),
      { timeoutMs: 20_000 },
    );
    expect(event.reason).toBe('Reconciled');
    const all = (await test.list(EVENT, { namespace })).filter((candidate) => candidate.involvedObject?.name === 'alpha' && candidate.reason === 'Reconciled');
    expect(all).toHaveLength(1);
  });

  it('refuses a status write based on a stale read with a conflict', async () => {
    const stale = await readWidget('alpha');
    await test.mergePatch(WIDGET, { namespace, name: 'alpha' }, { metadata: { annotations: { touched: 'yes' } } });
    const desired = mutableCopy(stale);
    desired.status = { ...desired.status, configMapName: 'other' };
    const failure = await test.patchStatus(stale, desired).catch((error: unknown) => error);
    expect(isConflict(failure)).toBe(true);
  });

  it('removes its finalizer when the widget is deleted', async () => {
    await test.delete(WIDGET, { namespace, name: 'alpha' });
    await waitFor('the widget to be gone', async () => ((await test.find(WIDGET, { namespace, name: 'alpha' })) ? undefined : true), { timeoutMs: 20_000 });
  });

  it('serves /healthz, /readyz and /metrics with controller-runtime series', async () => {
    const [probePort, metricsPort] = manager.endpointPorts();
    expect((await fetch(`http://127.0.0.1:${probePort}/healthz`)).status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${probePort}/readyz`);
    expect([ready.status, await ready.text()]).toEqual([200, 'ok']);
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(metrics).toMatch(/controller_runtime_reconcile_total\{controller="widget",result="success"\} [1-9]/);
    expect(metrics).toMatch(/workqueue_adds_total\{name="widget",controller="widget"\} [1-9]/);
    expect(metrics).toMatch(/rest_client_requests_total\{code="200",method="GET",host="127\.0\.0\.1:\d+"\} [1-9]/);
    expect(metrics).toContain('process_resident_memory_bytes');
  });
});
