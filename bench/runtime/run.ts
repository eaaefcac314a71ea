// Reconcile throughput and memory of the runtime with 10,000 watched objects, against a private control plane.
// A separate process runs only the manager (bench/runtime/manager-process.ts) so its memory is the runtime's.
// Phase 1 reconciles every object once from the cache after the initial list (read-only reconciler); phase 2
// enqueues them all again with a reconciler that writes (server-side apply of one annotation each).
// Run: npx tsx bench/runtime/run.ts [objects=10000] [concurrency=10]
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ObjectClient, RestClient } from '@capi-ck8s/runtime';
import { startControlPlane } from '@capi-ck8s/testenv';

const objects = Number(process.argv[2] ?? 10_000);
const concurrency = Number(process.argv[3] ?? 10);
const NAMESPACE = 'bench';

interface Memory {
  rssMiB: number;
  heapUsedMiB: number;
  externalMiB: number;
}

const describe = (memory: Memory): string => `RSS ${memory.rssMiB} MiB (heap ${memory.heapUsedMiB} MiB, external ${memory.externalMiB} MiB)`;

interface Results {
  initialListSeconds: number;
  readOnlyReconcilesPerSecond: number;
  writingReconcilesPerSecond: number;
  idle: Memory;
  afterSync: Memory;
  afterWrites: Memory;
}

async function createObjects(client: ObjectClient): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < objects) {
      const index = next++;
      await client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `object-${index}`, namespace: NAMESPACE }, data: { index: String(index), payload: 'x'.repeat(200) } });
    }
  };
  await Promise.all(Array.from({ length: 64 }, worker));
}

async function main(): Promise<void> {
  const controlPlane = await startControlPlane({ name: 'bench-runtime', controllerManager: false });
  try {
    const rest = new RestClient(controlPlane.kubeConfig());
    const setup = new ObjectClient(rest, 'bench-setup');
    await setup.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } });
    await createObjects(setup);
    await rest.close();
    const output = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(new URL('manager-process.ts', import.meta.url))], {
      env: { ...process.env, KUBECONFIG: controlPlane.kubeconfigPath, NAMESPACE, OBJECTS: String(objects), CONCURRENCY: String(concurrency) },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const results = JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as Results;
    console.log(`${objects} watched ConfigMaps (~0.5 KiB each), concurrency ${concurrency}, ${cpus().length} CPUs, load ${loadavg()[0]?.toFixed(1)}`);
    console.log(`initial list into the cache: ${results.initialListSeconds.toFixed(2)} s`);
    console.log(`read-only reconciles:        ${results.readOnlyReconcilesPerSecond.toFixed(0)} /s`);
    console.log(`reconciles with one SSA:     ${results.writingReconcilesPerSecond.toFixed(0)} /s`);
    console.log(`manager process, modules loaded:  ${describe(results.idle)}`);
    console.log(`after the initial list and sync:  ${describe(results.afterSync)}`);
    console.log(`after ${objects} writing reconciles: ${describe(results.afterWrites)}`);
  } finally {
    await controlPlane.stop();
  }
}

await main();
