// Cost of one cluster's full PKI (server CA, client CA, admin client certificate, kubeconfig, secrets) and the
// longest event-loop stall while producing it. Run: npx tsx bench/pki/run.ts [iterations]
import { availableParallelism, loadavg } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import {
  certificateSecret,
  generateClusterCertificateAuthorities,
  issueAdminClientCertificate,
  type KeyAlgorithm,
  kubeconfigSecret,
  renderKubeconfig,
} from '@capi-ck8s/pki';

const owner = { apiVersion: 'controlplane.cluster.x-k8s.io/v1beta2', kind: 'CK8sControlPlane', name: 'bench', uid: 'uid' };

async function fullClusterPki(algorithm: KeyAlgorithm): Promise<void> {
  const { ca, clientCa } = await generateClusterCertificateAuthorities({ algorithm });
  const admin = await issueAdminClientCertificate({ clientCa, algorithm });
  const kubeconfig = renderKubeconfig({ clusterName: 'bench', server: 'https://10.0.0.1:6443', caCertPem: ca.certPem, client: admin });
  certificateSecret({ clusterName: 'bench', namespace: 'default', purpose: 'ca', material: ca, owner });
  certificateSecret({ clusterName: 'bench', namespace: 'default', purpose: 'cca', material: clientCa, owner });
  kubeconfigSecret({ clusterName: 'bench', namespace: 'default', kubeconfig, owner });
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN;
}

async function measure(label: string, iterations: number, concurrency: number, run: () => Promise<void>): Promise<void> {
  for (let i = 0; i < 3; i++) await run();
  const stalls = monitorEventLoopDelay({ resolution: 1 });
  const durations: number[] = [];
  stalls.enable();
  const started = performance.now();
  for (let done = 0; done < iterations; done += concurrency) {
    await Promise.all(
      Array.from({ length: Math.min(concurrency, iterations - done) }, async () => {
        const start = performance.now();
        await run();
        durations.push(performance.now() - start);
      }),
    );
  }
  const elapsed = performance.now() - started;
  stalls.disable();
  durations.sort((a, b) => a - b);
  console.log(
    `${label.padEnd(34)} n=${String(iterations).padEnd(4)} p50 ${percentile(durations, 0.5).toFixed(1).padStart(7)} ms` +
      `  p99 ${percentile(durations, 0.99).toFixed(1).padStart(7)} ms  throughput ${((iterations / elapsed) * 1000).toFixed(1).padStart(6)}/s` +
      `  longest event-loop stall ${(stalls.max / 1e6).toFixed(1).padStart(6)} ms (p99 ${(stalls.percentile(99) / 1e6).toFixed(1)} ms)`,
  );
}

const iterations = Number(process.argv[2] ?? 50);
const load = loadavg()[0]?.toFixed(1) ?? '?';
console.log(
  `node ${process.version}, ${availableParallelism()} CPUs, load average ${load} (figures are noisy on a busy machine), ` +
    `UV_THREADPOOL_SIZE=${process.env['UV_THREADPOOL_SIZE'] ?? '4 (default)'}`,
);
for (const algorithm of ['RSA-2048', 'ECDSA-P256'] as const) {
  await measure(`full cluster PKI ${algorithm}, 1 at a time`, iterations, 1, () => fullClusterPki(algorithm));
  await measure(`full cluster PKI ${algorithm}, 8 at once`, iterations, 8, () => fullClusterPki(algorithm));
}
