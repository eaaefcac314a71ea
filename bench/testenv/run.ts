// Warm start time and memory of one management environment (etcd, kube-apiserver, kube-controller-manager and the
// Cluster API core manager). Run: npx tsx bench/testenv/run.ts [rounds]
import { readFileSync } from 'node:fs';
import { startEnvironment } from '@capi-ck8s/testenv';

function residentMegabytes(pid: number | undefined): string {
  if (pid === undefined) return 'n/a';
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('VmRSS:'));
  const kilobytes = Number(line?.replace(/\D+/g, '') ?? 0);
  return `${(kilobytes / 1024).toFixed(0)} MiB`;
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 3);
  const durations: number[] = [];
  for (let round = 1; round <= rounds; round += 1) {
    const started = performance.now();
    const environment = await startEnvironment();
    const elapsed = performance.now() - started;
    durations.push(elapsed);
    // Let the managers settle their informers before reading memory.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const pids = { ...environment.controlPlane.processIds(), 'cluster-api': environment.clusterApi.processId() };
    const memory = Object.entries(pids)
      .map(([name, pid]) => `${name}=${residentMegabytes(pid)}`)
      .join(' ');
    console.log(`round ${round}: ready in ${(elapsed / 1000).toFixed(1)} s; RSS ${memory}`);
    await environment.stop();
  }
  durations.sort((a, b) => a - b);
  const median = durations[Math.floor(durations.length / 2)] ?? 0;
  console.log(`warm start of a management environment: median ${(median / 1000).toFixed(1)} s over ${rounds} rounds`);
}

await main();
