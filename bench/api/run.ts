// Cost of the admission-time API functions a webhook runs per request: defaulting and validation of a realistic
// control plane (create and update) and of a CK8sConfig, plus the one-off schema compilation of the first call.
// Run: npx tsx bench/api/run.ts [iterations]
import { performance } from 'node:perf_hooks';
import {
  defaultCK8sControlPlane,
  validateCK8sConfig,
  validateCK8sControlPlane,
  type CK8sConfig,
  type CK8sControlPlane,
} from '@capi-ck8s/api';
import { loadFixtures } from '../../packages/api/src/fixtures/fixtures';

function fixture<T>(kind: string, name: string): T {
  const found = loadFixtures().find((candidate) => candidate.kind === kind && candidate.name === name);
  if (!found) throw new Error(`no fixture ${kind}/${name}`);
  return found.object as T;
}

const controlPlane = fixture<CK8sControlPlane>('CK8sControlPlane', 'vs-control-plane');
const config = fixture<CK8sConfig>('CK8sConfig', 'metal-worker-0');
const scaled: CK8sControlPlane = { ...controlPlane, spec: { ...controlPlane.spec, replicas: 5, version: 'v1.33.0' } };

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN;
}

function measure(label: string, iterations: number, run: () => unknown): void {
  for (let i = 0; i < 200; i++) run();
  const durations: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    run();
    durations.push(performance.now() - start);
  }
  durations.sort((a, b) => a - b);
  const total = durations.reduce((sum, value) => sum + value, 0);
  const micro = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;
  console.log(
    `${label.padEnd(52)} p50 ${micro(percentile(durations, 0.5))}  p99 ${micro(percentile(durations, 0.99))}  ` +
      `${Math.round(iterations / (total / 1000))} ops/s`,
  );
}

const iterations = Number(process.argv[2] ?? 20_000);
const coldStart = performance.now();
validateCK8sControlPlane(controlPlane);
console.log(`${"first validation (compiles the CRD schema, ajv)".padEnd(52)} ${(performance.now() - coldStart).toFixed(1)} ms`);
measure('defaultCK8sControlPlane', iterations, () => defaultCK8sControlPlane(controlPlane));
measure('validateCK8sControlPlane (create)', iterations, () => validateCK8sControlPlane(controlPlane));
measure('validateCK8sControlPlane (update: scale + upgrade)', iterations, () => validateCK8sControlPlane(scaled, controlPlane));
measure('validateCK8sConfig (create)', iterations, () => validateCK8sConfig(config));
