// Cost of producing bootstrap data (the controller renders once per Machine) and of one simulated boot (what every
// runner test and the end-to-end node simulator pay per node).
// Run: npx tsx bench/cloudinit/run.ts [render iterations] [boots]
import { performance } from 'node:perf_hooks';
import { bootNode, instanceData, renderCloudConfig, type RenderInput } from '@capi-ck8s/cloudinit';
import { goldenScenarios } from '../../packages/cloudinit/src/__golden__/scenarios';

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN;
}

function report(label: string, durations: number[]): void {
  const sorted = [...durations].sort((a, b) => a - b);
  const mean = durations.reduce((sum, value) => sum + value, 0) / durations.length;
  console.log(
    `${label.padEnd(44)} n=${String(durations.length).padStart(5)}  mean ${mean.toFixed(3)} ms  p50 ${percentile(sorted, 0.5).toFixed(3)} ms  p99 ${percentile(sorted, 0.99).toFixed(3)} ms`,
  );
}

function scenario(name: string): RenderInput {
  const found = goldenScenarios.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no scenario ${name}`);
  return found.input;
}

const renderIterations = Number(process.argv[2] ?? 2000);
const boots = Number(process.argv[3] ?? 10);

for (const name of ['init-control-plane-proxy', 'join-control-plane', 'worker', 'init-control-plane-features']) {
  const input = scenario(name);
  for (let i = 0; i < 100; i++) renderCloudConfig(input);
  const durations: number[] = [];
  for (let i = 0; i < renderIterations; i++) {
    const start = performance.now();
    renderCloudConfig(input);
    durations.push(performance.now() - start);
  }
  report(`render ${name}`, durations);
}
console.log(`cloud-config size (init, proxy): ${renderCloudConfig(scenario('init-control-plane-proxy')).length} bytes`);

const userData = renderCloudConfig(scenario('init-control-plane-proxy'));
const durations: number[] = [];
for (let i = 0; i < boots; i++) {
  const start = performance.now();
  await bootNode({ userData, instanceData: instanceData('bench-node') });
  durations.push(performance.now() - start);
}
report('bootNode init-control-plane-proxy (sandbox)', durations);
