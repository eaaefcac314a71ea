// The demo: an embedded management plane creates a Canonical Kubernetes cluster from a cluster template on
// SIMULATED machines, shows its progress, writes the workload kubeconfig and lists the workload cluster's Nodes.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { clusterApiVersion, controlPlaneApiVersion, type CK8sControlPlane, type Cluster, type Machine, type MachineDeployment } from '@capi-ck8s/api';
import { kindRef, type KubeObject, ObjectClient, RestClient } from '@capi-ck8s/runtime';
import { binaryPath, type BinaryName } from '@capi-ck8s/testenv';
import { LiveView, type Output } from './live-view';
import { type ManagementPlane, startManagementPlane } from './management-plane';
import { type ClusterShape, type ClusterSnapshot, clusterReadiness, clusterTree, drawTree } from './progress';

const run = promisify(execFile);

export const templatePath = join(import.meta.dirname, 'cluster-template-sim.yaml');

export interface DemoOptions {
  clusterName: string;
  namespace: string;
  kubernetesVersion: string;
  shape: ClusterShape;
  kubeconfigPath: string;
  timeoutMs: number;
  /** Stay up after Ready until this signal aborts. */
  keepUntil?: AbortSignal;
  /** Aborting stops the demo early (Ctrl-C). */
  signal?: AbortSignal;
  output: Output;
  pollIntervalMs?: number;
}

export interface DemoResult {
  timeToReadyMs: number;
  kubeconfigPath: string;
  nodes: string;
}

const kinds = {
  cluster: kindRef<Cluster & KubeObject>(clusterApiVersion, 'Cluster'),
  controlPlane: kindRef<CK8sControlPlane & KubeObject>(controlPlaneApiVersion, 'CK8sControlPlane'),
  machineDeployment: kindRef<MachineDeployment & KubeObject>(clusterApiVersion, 'MachineDeployment'),
  machine: kindRef<Machine & KubeObject>(clusterApiVersion, 'Machine'),
  secret: kindRef<KubeObject & { data?: Record<string, string> }>('v1', 'Secret'),
};

const REQUIRED_BINARIES: readonly BinaryName[] = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kubectl', 'cluster-api', 'clusterctl', 'helm'];
const REQUIRED_COMMANDS: readonly { command: string; fix: string }[] = [
  { command: 'go', fix: 'install Go (the Cluster API CRDs are read from its module cache)' },
  { command: 'bwrap', fix: 'apt-get install bubblewrap (simulated machines boot in a sandbox)' },
  { command: 'cloud-init', fix: 'apt-get install cloud-init (simulated machines run their real cloud-init)' },
  { command: 'setpriv', fix: 'apt-get install util-linux (child processes die with the demo)' },
];

function onPath(command: string): boolean {
  return (process.env['PATH'] ?? '').split(':').some((folder) => folder !== '' && existsSync(join(folder, command)));
}

/** Every missing prerequisite with how to get it; empty when the demo can run. */
export function missingPrerequisites(): string[] {
  const missing = REQUIRED_BINARIES.filter((name) => !existsSync(binaryPath(name))).map(
    (name) => `${name}: not built at ${binaryPath(name)} — run \`npm run env:build\` (or \`npm run demo\`, which builds it)`,
  );
  for (const { command, fix } of REQUIRED_COMMANDS) if (!onPath(command)) missing.push(`${command}: not on PATH — ${fix}`);
  return missing;
}

class DemoAborted extends Error {
  constructor() {
    super('interrupted');
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    if (signal?.aborted) return reject(new DemoAborted());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolvePromise();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new DemoAborted());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The cluster's objects from the template, rendered by clusterctl as a user would. */
async function renderClusterTemplate(options: DemoOptions, workFolder: string): Promise<string> {
  const { stdout } = await run(binaryPath('clusterctl'), ['generate', 'yaml', '--from', templatePath], {
    env: {
      ...process.env,
      // clusterctl keeps its configuration and caches under $HOME; keep them in the work folder.
      HOME: workFolder,
      CLUSTER_NAME: options.clusterName,
      KUBERNETES_VERSION: options.kubernetesVersion,
      CONTROL_PLANE_MACHINE_COUNT: String(options.shape.controlPlanes),
      WORKER_MACHINE_COUNT: String(options.shape.workers),
    },
  });
  const path = join(workFolder, `${options.clusterName}.yaml`);
  writeFileSync(path, stdout);
  return path;
}

async function kubectl(kubeconfigPath: string, args: readonly string[]): Promise<string> {
  const { stdout } = await run(binaryPath('kubectl'), [`--kubeconfig=${kubeconfigPath}`, ...args]);
  return stdout;
}

async function snapshot(client: ObjectClient, options: DemoOptions): Promise<ClusterSnapshot> {
  const { namespace, clusterName } = options;
  const inCluster = { namespace, labelSelector: `cluster.x-k8s.io/cluster-name=${clusterName}` };
  const [cluster, controlPlane, machineDeployments, machines] = await Promise.all([
    client.find(kinds.cluster, { namespace, name: clusterName }),
    client.find(kinds.controlPlane, { namespace, name: `${clusterName}-control-plane` }),
    client.list(kinds.machineDeployment, inCluster),
    client.list(kinds.machine, inCluster),
  ]);
  return { cluster, controlPlane, machineDeployments, machines };
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Polls the management cluster, showing the tree whenever it changes, until Ready; throws naming what is stuck. */
async function waitUntilReady(client: ObjectClient, options: DemoOptions, started: number): Promise<void> {
  const view = new LiveView(options.output);
  const deadline = started + options.timeoutMs;
  let lastSnapshot: ClusterSnapshot = { cluster: undefined, controlPlane: undefined, machineDeployments: [], machines: [] };
  for (;;) {
    try {
      lastSnapshot = await snapshot(client, options);
    } catch {
      // A failed read (the apiserver busy for a moment) is retried at the next poll.
    }
    view.show(drawTree(clusterTree(lastSnapshot, options.clusterName)), Date.now() - started);
    const readiness = clusterReadiness(lastSnapshot, options.shape, options.clusterName);
    if (readiness.ready) {
      view.finish();
      return;
    }
    if (Date.now() > deadline) {
      view.finish();
      throw new Error(
        `cluster ${options.clusterName} did not become Ready within ${formatSeconds(options.timeoutMs)}; still waiting for:\n${readiness.waitingFor.join('\n')}`,
      );
    }
    await sleep(options.pollIntervalMs ?? 1_000, options.signal);
  }
}

async function writeWorkloadKubeconfig(client: ObjectClient, options: DemoOptions): Promise<void> {
  const secret = await client.get(kinds.secret, { namespace: options.namespace, name: `${options.clusterName}-kubeconfig` });
  const value = secret.data?.['value'];
  if (!value) throw new Error(`Secret ${options.namespace}/${options.clusterName}-kubeconfig has no data.value`);
  writeFileSync(options.kubeconfigPath, Buffer.from(value, 'base64'), { mode: 0o600 });
}

function usage(options: DemoOptions, managementKubeconfig: string, result: DemoResult): string {
  const { clusterName, namespace } = options;
  return [
    '',
    'The cluster stays up until Ctrl-C. In another shell, with the pinned kubectl and clusterctl:',
    `  alias kubectl=${binaryPath('kubectl')} clusterctl=${binaryPath('clusterctl')}`,
    '',
    'Workload cluster (the simulated machines registered these Nodes; the API server and etcd are real):',
    `  kubectl --kubeconfig ${result.kubeconfigPath} get nodes`,
    '',
    'Management cluster (real Cluster API core and both providers):',
    `  export KUBECONFIG=${managementKubeconfig}`,
    `  kubectl get cluster,ck8scontrolplane,machinedeployment,machine -n ${namespace}`,
    `  clusterctl describe cluster ${clusterName} -n ${namespace}`,
    '',
    'Rolling upgrade of the control plane, then the workers (new Machines replace the old ones):',
    `  kubectl patch ck8scontrolplane ${clusterName}-control-plane -n ${namespace} --type merge -p '{"spec":{"version":"v1.34.0"}}'`,
    `  kubectl patch machinedeployment ${clusterName}-md-0 -n ${namespace} --type merge -p '{"spec":{"template":{"spec":{"version":"v1.34.0"}}}}'`,
    'In-place upgrade of the worker Machines (snap refresh through k8sd, no new Machines):',
    `  kubectl annotate machinedeployment ${clusterName}-md-0 -n ${namespace} v1beta2.k8sd.io/in-place-upgrade-to=channel=1.34-classic/stable`,
    'Scale:',
    `  kubectl scale machinedeployment ${clusterName}-md-0 -n ${namespace} --replicas=3`,
    '',
  ].join('\n');
}

function waitForAbort(signal: AbortSignal): Promise<void> {
  return signal.aborted ? Promise.resolve() : new Promise((resolvePromise) => signal.addEventListener('abort', () => resolvePromise(), { once: true }));
}

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const missing = missingPrerequisites();
  if (missing.length > 0) throw new Error(`prerequisites missing:\n${missing.map((line) => `  - ${line}`).join('\n')}`);
  const say = (text: string) => options.output.write(`${text}\n`);
  const workFolder = mkdtempSync(join(tmpdir(), 'capi-ck8s-demo-'));
  let plane: ManagementPlane | undefined;
  let keepWorkFolder = false;
  try {
    const started = Date.now();
    plane = await startManagementPlane(workFolder, (step) => say(`• ${step}`));
    say(`• management plane up in ${formatSeconds(Date.now() - started)} (provider logs: ${workFolder})`);
    const managementKubeconfig = plane.environment.controlPlane.kubeconfigPath;
    const client = new ObjectClient(new RestClient(plane.environment.controlPlane.kubeConfig()), 'capi-ck8s-demo');

    const manifest = await renderClusterTemplate(options, workFolder);
    const { controlPlanes, workers } = options.shape;
    say(`• creating cluster ${options.clusterName}: ${controlPlanes} control plane + ${workers} worker machines, Kubernetes ${options.kubernetesVersion} (clusterctl generate yaml --from ${templatePath})`);
    const createdAt = Date.now();
    await kubectl(managementKubeconfig, ['apply', '--namespace', options.namespace, '-f', manifest]);
    await waitUntilReady(client, options, createdAt);
    const timeToReadyMs = Date.now() - createdAt;

    await writeWorkloadKubeconfig(client, options);
    say(`\n• workload kubeconfig written to ${options.kubeconfigPath}`);
    const nodes = await kubectl(options.kubeconfigPath, ['get', 'nodes', '-o', 'wide']);
    say(`$ kubectl --kubeconfig ${options.kubeconfigPath} get nodes -o wide\n${nodes}`);
    say(`Cluster ${options.clusterName} Ready in ${formatSeconds(timeToReadyMs)} (from kubectl apply to every Machine running with a Ready Node)`);
    const result = { timeToReadyMs, kubeconfigPath: options.kubeconfigPath, nodes };
    if (options.keepUntil) {
      say(usage(options, managementKubeconfig, result));
      await waitForAbort(options.keepUntil);
    }
    return result;
  } catch (error) {
    // The provider logs explain a failure; an interruption needs no explaining.
    if (!(error instanceof DemoAborted)) keepWorkFolder = true;
    throw error;
  } finally {
    say('• stopping the providers, the simulated machines and the management cluster');
    await plane?.stop();
    if (keepWorkFolder) say(`• logs kept for inspection in ${workFolder} (delete it when done)`);
    else rmSync(workFolder, { recursive: true, force: true });
  }
}

/** Relative paths are taken from where `npm run demo` was typed (npm runs scripts from the workspace root). */
export function userPath(path: string): string {
  return resolve(process.env['INIT_CWD'] ?? process.cwd(), path);
}

export { DemoAborted };
