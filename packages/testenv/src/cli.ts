import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pinnedVersions } from './binaries';
import { environmentState, startEnvironment, type TestEnvironment } from './environment';
import { checkEnvironment } from './proofs';

const usage = `usage:
  testenv check                                  start an environment, prove it works, print one "env ok" line
  testenv up --kubeconfig <path>                 keep an environment running; write its admin kubeconfig to <path>
  testenv serve --state <file> [--owner <pid>]   host an environment for other processes (jest global setup)`;

function stopOnSignals(environment: TestEnvironment, extra: () => void = () => undefined): void {
  const stop = () => {
    extra();
    environment.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function check(): Promise<void> {
  const environment = await startEnvironment();
  try {
    const report = await checkEnvironment(environment.controlPlane.kubeConfig());
    if (report.kubernetes !== pinnedVersions.kubernetes) {
      throw new Error(`apiserver reports ${report.kubernetes}, expected ${pinnedVersions.kubernetes}`);
    }
    console.log(
      `env ok kube-apiserver=${report.kubernetes} etcd=${pinnedVersions.etcd} cluster-api=${environment.clusterApi.version}`,
    );
  } finally {
    await environment.stop();
  }
}

async function up(kubeconfigPath: string): Promise<void> {
  const environment = await startEnvironment();
  writeFileSync(kubeconfigPath, environment.controlPlane.kubeConfig().exportConfig(), { mode: 0o600 });
  console.log(`environment up at ${environment.controlPlane.server}; kubeconfig written to ${kubeconfigPath}; Ctrl-C stops it`);
  stopOnSignals(environment);
}

async function serve(stateFile: string, ownerPid: number | undefined): Promise<void> {
  const environment = await startEnvironment();
  writeFileSync(stateFile, JSON.stringify(environmentState(environment)));
  if (ownerPid === undefined) {
    stopOnSignals(environment);
    return;
  }
  // Stop when the owner goes away, even if it was killed before it could tell us.
  const watchdog = setInterval(() => {
    try {
      process.kill(ownerPid, 0);
    } catch {
      clearInterval(watchdog);
      void environment.stop().finally(() => process.exit(0));
    }
  }, 1_000);
  stopOnSignals(environment, () => clearInterval(watchdog));
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { kubeconfig: { type: 'string' }, state: { type: 'string' }, owner: { type: 'string' } },
  });
  const [command] = positionals;
  if (command === 'check') return check();
  if (command === 'up' && values.kubeconfig) return up(values.kubeconfig);
  if (command === 'serve' && values.state) return serve(values.state, values.owner ? Number(values.owner) : undefined);
  console.error(usage);
  process.exit(2);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
