// The measured process of bench/runtime/run.ts: a manager with one ConfigMap controller, nothing else, so its
// memory is the runtime's. Prints one JSON line of results. Environment: KUBECONFIG, NAMESPACE, OBJECTS, CONCURRENCY.
import { KubeConfig } from '@kubernetes/client-node';
import { type KubeObject, kindRef, Manager, createLogger } from '@capi-ck8s/runtime';

const CONFIG_MAP = kindRef<KubeObject>('v1', 'ConfigMap');
const namespace = process.env['NAMESPACE'] ?? 'bench';
const objects = Number(process.env['OBJECTS'] ?? 10_000);
const concurrency = Number(process.env['CONCURRENCY'] ?? 10);

function waitUntil(condition: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (condition()) {
        clearInterval(timer);
        resolve();
      }
    }, 10);
  });
}

function memoryMiB(): { rssMiB: number; heapUsedMiB: number; externalMiB: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const usage = process.memoryUsage();
  const toMiB = (bytes: number): number => Math.round(bytes / 1048576);
  return { rssMiB: toMiB(usage.rss), heapUsedMiB: toMiB(usage.heapUsed), externalMiB: toMiB(usage.external) };
}

const kubeConfig = new KubeConfig();
kubeConfig.loadFromFile(process.env['KUBECONFIG'] ?? '');
const idle = memoryMiB();
let reconciles = 0;
let writing = false;
const manager = new Manager({
  name: 'bench-runtime',
  kubeConfig,
  logger: createLogger({ level: 'warn' }),
  flags: { namespace, concurrency, metricsBindAddress: '0', healthProbeBindAddress: '0', syncPeriodMs: 60 * 60 * 1000 },
});
const controller = manager
  .controller('bench')
  .for(CONFIG_MAP)
  .complete(async (key) => {
    if (writing && manager.cache.get(CONFIG_MAP, key)) {
      await manager.client.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: key.name, namespace: key.namespace, annotations: { 'bench/seen': 'yes' } } });
    }
    reconciles++;
    return undefined;
  });

const startedAt = performance.now();
await manager.start();
await manager.waitForLeadership();
const syncedAt = performance.now();
await waitUntil(() => reconciles >= objects);
const readOnlySeconds = (performance.now() - syncedAt) / 1000;
const afterSync = memoryMiB();

writing = true;
reconciles = 0;
const writeStartedAt = performance.now();
for (const object of manager.cache.list(CONFIG_MAP)) controller.enqueue({ namespace, name: object.metadata.name ?? '' });
await waitUntil(() => reconciles >= objects);
const writeSeconds = (performance.now() - writeStartedAt) / 1000;
const afterWrites = memoryMiB();
await manager.stop();

process.stdout.write(
  `${JSON.stringify({
    initialListSeconds: (syncedAt - startedAt) / 1000,
    readOnlyReconcilesPerSecond: objects / readOnlySeconds,
    writingReconcilesPerSecond: objects / writeSeconds,
    idle,
    afterSync,
    afterWrites,
  })}\n`,
);
