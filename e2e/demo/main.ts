// `npm run demo [-- options]`: see usage below. scripts/demo.mjs installs what is missing and runs this under tsx.
import { parseArgs } from 'node:util';
import { DemoAborted, runDemo, userPath } from './demo';

const usage = `usage: npm run demo -- [options]
  --keep                 stay up after Ready (kubectl, upgrades) until Ctrl-C
  --kubeconfig <path>    where to write the workload kubeconfig (default demo-kubeconfig in the current folder)
  --control-planes <n>   control plane machines (default 3)
  --workers <n>          worker machines (default 2)
  --version <v>          Kubernetes version (default v1.33.2)
  --name <name>          cluster name (default demo)
  --timeout <seconds>    give up when not Ready by then (default 600)`;

function integerAtLeast(flag: string, value: string, minimum: number): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < minimum) throw new Error(`--${flag} must be an integer of at least ${minimum} (got "${value}")`);
  return number;
}

function parse(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      keep: { type: 'boolean', default: false },
      kubeconfig: { type: 'string' },
      'control-planes': { type: 'string', default: '3' },
      workers: { type: 'string', default: '2' },
      version: { type: 'string', default: 'v1.33.2' },
      name: { type: 'string', default: 'demo' },
      timeout: { type: 'string', default: '600' },
      help: { type: 'boolean', default: false },
    },
  });
  return {
    help: values.help,
    keep: values.keep,
    kubeconfigPath: userPath(values.kubeconfig ?? 'demo-kubeconfig'),
    shape: { controlPlanes: integerAtLeast('control-planes', values['control-planes'], 1), workers: integerAtLeast('workers', values.workers, 0) },
    kubernetesVersion: values.version,
    clusterName: values.name,
    timeoutMs: integerAtLeast('timeout', values.timeout, 1) * 1000,
  };
}

async function main(): Promise<number> {
  let options: ReturnType<typeof parse>;
  try {
    options = parse(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${usage}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const interrupted = new AbortController();
  const onSignal = () => {
    if (interrupted.signal.aborted) return;
    process.stdout.write('\n• interrupted; stopping\n');
    interrupted.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await runDemo({
      clusterName: options.clusterName,
      namespace: 'default',
      kubernetesVersion: options.kubernetesVersion,
      shape: options.shape,
      kubeconfigPath: options.kubeconfigPath,
      timeoutMs: options.timeoutMs,
      signal: interrupted.signal,
      ...(options.keep ? { keepUntil: interrupted.signal } : {}),
      output: process.stdout,
    });
    return 0;
  } catch (error) {
    if (error instanceof DemoAborted) return 130;
    process.stderr.write(`\ndemo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

process.exitCode = await main();
