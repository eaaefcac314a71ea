// SIMULATOR: one workload cluster as its simulated machines make it. The first control plane node's `k8s bootstrap`
// starts a REAL kube-apiserver + etcd (testenv) on the cluster's loopback endpoint with the cluster's CAs; every node
// gets a k8sd SIMULATOR node, a simulated kubelet (Node object, port-forward endpoint, k8sd-proxy pod) and a vote in
// the simulated datastore. The API server answers until that datastore loses quorum.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { K8sdSimulator, KubeletPortForwardSimulator, type SimulatedCluster, type SimulatedNode as K8sdNode } from '@capi-ck8s/k8sd-sim';
import { type KubeObject, kindRef, ObjectClient, RestClient } from '@capi-ck8s/runtime';
import { binaryPath, startControlPlane, type TestControlPlane } from '@capi-ck8s/testenv';
import { load } from 'js-yaml';
import { resolveSnapVersion, type SnapSource } from './node-agent/commands';
import { hasQuorum } from './quorum';

export interface Endpoint {
  host: string;
  port: number;
}

export interface CommandOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** A failure the node's command reports (exit code 1 with this message), as k8s would print it. */
export class NodeCommandError extends Error {}

/** The node side of one simulated machine, as the node agent changes it. */
export class MachineNode {
  /** Installed snaps by name, as `snap install` recorded them. */
  readonly snaps = new Map<string, SnapSource>();
  nodeName: string | undefined;
  k8sd: K8sdNode | undefined;
  kubelet: KubeletPortForwardSimulator | undefined;
  running = true;
  reportedVersion: string | undefined;
  proxyPodCreated = false;

  constructor(
    readonly machineName: string,
    readonly providerID: string,
    readonly kubernetesVersion: string | undefined,
  ) {}

  /** What the node's kubelet reports: the k8s snap's version, after any refresh k8sd made. */
  get version(): string {
    const refreshed = this.k8sd?.snap;
    const source: SnapSource | undefined = refreshed?.channel
      ? { channel: refreshed.channel }
      : refreshed?.revision
        ? { revision: refreshed.revision }
        : refreshed?.localPath
          ? { localPath: refreshed.localPath }
          : this.snaps.get('k8s');
    return source ? resolveSnapVersion(source, this.kubernetesVersion) : (this.kubernetesVersion ?? 'v0.0.0');
  }

  get address(): string | undefined {
    return this.k8sd?.address;
  }
}

/** One k8sd simulator per microcluster port, shared by every simulated cluster that uses that port. */
export class K8sdSimulators {
  private readonly byPort = new Map<number, Promise<K8sdSimulator>>();

  /** The simulator for `--address host:port`; port 0 or none picks a free one. */
  forAddress(address: string): Promise<K8sdSimulator> {
    const port = Number(/:(\d+)$/.exec(address)?.[1] ?? 0);
    let simulator = this.byPort.get(port);
    if (!simulator) {
      simulator = K8sdSimulator.start({ port });
      this.byPort.set(port, simulator);
    }
    return simulator;
  }

  async stop(): Promise<void> {
    const simulators = await Promise.allSettled([...this.byPort.values()]);
    const started = simulators.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    await Promise.all(started.map((simulator) => simulator.stop()));
  }
}

interface BootstrapConfig {
  servingCa: { certPem: string; keyPem: string };
  clientCa: { certPem: string; keyPem: string };
}

function requiredText(config: Record<string, unknown>, field: string): string {
  const value = config[field];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new NodeCommandError(`bootstrap config: ${field} is required (the simulated node has no other source for the cluster PKI)`);
  }
  return value;
}

/** The parts of `k8s bootstrap --file` the simulation uses: the cluster CA and client CA. */
export function parseBootstrapConfig(text: string): BootstrapConfig {
  const config = load(text);
  if (typeof config !== 'object' || config === null) throw new NodeCommandError('bootstrap config: expected a YAML mapping');
  const fields = config as Record<string, unknown>;
  if (fields['datastore-type'] === 'external') {
    throw new NodeCommandError('bootstrap config: datastore-type external is not simulated (the simulator runs the managed etcd)');
  }
  return {
    servingCa: { certPem: requiredText(fields, 'ca-crt'), keyPem: requiredText(fields, 'ca-key') },
    clientCa: { certPem: requiredText(fields, 'client-ca-crt'), keyPem: requiredText(fields, 'client-ca-key') },
  };
}

const nodeKind = kindRef<KubeObject & { status?: unknown }>('v1', 'Node');
const podKind = kindRef<KubeObject & { spec?: Record<string, unknown>; status?: unknown }>('v1', 'Pod');
interface DaemonSet extends KubeObject {
  spec?: { template?: { metadata?: { labels?: Record<string, string> }; spec?: Record<string, unknown> } };
}
const daemonSetKind = kindRef<DaemonSet>('apps/v1', 'DaemonSet');
const k8sdProxy = { namespace: 'kube-system', name: 'k8sd-proxy' };
const CONTROL_PLANE_LABEL = 'node-role.kubernetes.io/control-plane';
const HEARTBEAT_MS = 1000;

/** The reasons a healthy kubelet gives for its pressure conditions. */
const noPressureReasons: Record<string, string> = {
  MemoryPressure: 'KubeletHasSufficientMemory',
  DiskPressure: 'KubeletHasNoDiskPressure',
  PIDPressure: 'KubeletHasSufficientPID',
};

/**
 * The conditions a kubelet posts: Ready plus the pressure conditions, which Cluster API's NodeHealthy needs reported
 * (without them the Machine is never Ready). A stopped kubelet's Node gets Unknown for all of them, as the node
 * lifecycle controller sets.
 */
function kubeletConditions(ready: 'True' | 'Unknown', reason: string, message: string): Record<string, string>[] {
  const now = new Date().toISOString();
  const times = { lastHeartbeatTime: now, lastTransitionTime: now };
  return [
    { type: 'Ready', status: ready, reason, message, ...times },
    ...Object.entries(noPressureReasons).map(([type, healthyReason]) =>
      ready === 'True'
        ? { type, status: 'False', reason: healthyReason, message: `kubelet reports no ${type} (simulated)`, ...times }
        : { type, status: 'Unknown', reason, message, ...times },
    ),
  ];
}

interface Running {
  controlPlane: TestControlPlane;
  objects: ObjectClient;
  k8sd: SimulatedCluster;
  simulator: K8sdSimulator;
  serving: boolean;
}

export class SimulatedWorkloadCluster {
  private running: Running | undefined;
  private readonly nodes = new Map<string, MachineNode>();
  private serial: Promise<unknown> = Promise.resolve();
  private generation = 0;
  /** When the datastore lost quorum, if it ever did: scenarios assert it never happens. */
  quorumLostAt: Date | undefined;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    readonly key: string,
    readonly endpoint: Endpoint,
    private readonly simulators: K8sdSimulators,
  ) {
    this.heartbeat = setInterval(() => void this.exclusive(() => this.beat()).catch(() => undefined), HEARTBEAT_MS);
  }

  /** The workload API server answers (a control plane exists and its datastore never lost quorum). */
  get serving(): boolean {
    return this.running?.serving ?? false;
  }

  /** Process ids of the workload control plane, for tests that prove nothing is left behind. */
  processIds(): number[] {
    const ids = this.running?.controlPlane.processIds() ?? {};
    return Object.values(ids).filter((pid): pid is number => pid !== undefined);
  }

  /** Folders of the workload control plane (etcd data, certificates, logs). */
  folders(): string[] {
    return this.running ? [this.running.controlPlane.folder] : [];
  }

  /** The port the cluster's simulated k8sd listens on, on each node's address. */
  get microclusterPort(): number | undefined {
    return this.running?.simulator.microclusterPort;
  }

  get k8sdCluster(): SimulatedCluster | undefined {
    return this.running?.k8sd;
  }

  /** Membership changes, quorum and heartbeats run one at a time. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.serial.then(work, work);
    this.serial = next.catch(() => undefined);
    return next;
  }

  bootstrap(node: MachineNode, options: { name: string; address: string; configText: string }): Promise<string> {
    return this.exclusive(async () => {
      const config = parseBootstrapConfig(options.configText);
      if (this.running) {
        const alive = this.datastoreMembers().filter((member) => member.alive);
        if (alive.length > 0) {
          throw new NodeCommandError(
            `cluster at ${this.endpoint.host}:${this.endpoint.port} is already bootstrapped (members ${alive.map((member) => member.name).join(', ')}); a second bootstrap would create a second cluster`,
          );
        }
        // Every member of the old cluster is gone: its datastore is lost, a new bootstrap starts from nothing.
        await this.stopControlPlane();
      }
      if (this.endpoint.host !== '127.0.0.1') throw new NodeCommandError(`the simulated control plane serves on 127.0.0.1, not ${this.endpoint.host}`);
      const controlPlane = await startControlPlane({
        name: `sim-${this.key.replace('/', '-')}`,
        controllerManager: false,
        servingCa: config.servingCa,
        clientCa: config.clientCa,
        apiServerPort: this.endpoint.port,
      });
      const simulator = await this.simulators.forAddress(options.address);
      const k8sd = simulator.createCluster(`${this.key}#${++this.generation}`);
      const objects = new ObjectClient(new RestClient(controlPlane.kubeConfig()), 'sim-node-agent');
      this.running = { controlPlane, objects, k8sd, simulator, serving: true };
      await objects.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'kube-system', name: 'k8sd-config' }, data: {} });
      node.k8sd = await k8sd.bootstrap({ name: options.name });
      await this.register(node, options.name);
      return `Bootstrapped a new Kubernetes cluster with node address "${node.address ?? ''}".\nThe node will be 'Ready' to host workloads after the CNI is deployed successfully.\n`;
    });
  }

  join(node: MachineNode, options: { name: string; token: string }): Promise<string> {
    return this.exclusive(async () => {
      const running = this.requireRunning('join');
      try {
        node.k8sd = await running.k8sd.join({ name: options.name, token: options.token });
      } catch (error) {
        throw new NodeCommandError(`failed to join the cluster: ${(error as Error).message}`);
      }
      await this.register(node, options.name);
      await this.evaluateQuorum();
      return `Joined the cluster.\n`;
    });
  }

  setAuthToken(token: string): void {
    this.requireRunning('set-auth-token').k8sd.setAuthToken(token);
  }

  /** `k8s kubectl ...`: the real kubectl against this cluster's API server as its admin. */
  async kubectl(args: readonly string[], files: ReadonlyMap<string, Buffer>, stdin: Buffer): Promise<CommandOutput> {
    const running = this.requireRunning('kubectl');
    const folder = await mkdtemp(join(tmpdir(), 'capi-ck8s-sim-kubectl-'));
    try {
      const mapped: string[] = [];
      for (const argument of args) {
        const content = files.get(argument);
        if (content === undefined) {
          mapped.push(argument);
          continue;
        }
        const copy = join(folder, `${mapped.length}-${basename(argument)}`);
        await writeFile(copy, content);
        mapped.push(copy);
      }
      return await run(binaryPath('kubectl'), ['--kubeconfig', running.controlPlane.kubeconfigPath, '--request-timeout=10s', ...mapped], stdin);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }

  /** The machine is gone: its k8sd and kubelet stop, its Node stops reporting, its datastore vote is lost. */
  stopNode(node: MachineNode): Promise<void> {
    return this.exclusive(async () => {
      if (!node.running) return;
      node.running = false;
      await node.k8sd?.stop();
      await node.kubelet?.stop();
      node.kubelet = undefined;
      await this.evaluateQuorum();
      if (this.running?.serving && node.nodeName) {
        // What the node lifecycle controller reports once a kubelet stops posting status (done at once here).
        await this.patchNodeStatus(node.nodeName, { conditions: kubeletConditions('Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.') }).catch(
          () => undefined,
        );
      }
    });
  }

  async stop(): Promise<void> {
    clearInterval(this.heartbeat);
    await this.exclusive(async () => {
      for (const node of this.nodes.values()) {
        node.running = false;
        await node.k8sd?.stop();
        await node.kubelet?.stop();
      }
      this.nodes.clear();
      await this.stopControlPlane();
    });
  }

  private requireRunning(what: string): Running {
    if (!this.running) throw new NodeCommandError(`${what}: no cluster has been bootstrapped at ${this.endpoint.host}:${this.endpoint.port}`);
    return this.running;
  }

  private async stopControlPlane(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    if (!running) return;
    await running.objects.rest.close();
    await running.controlPlane.stop();
  }

  private datastoreMembers(): { name: string; alive: boolean }[] {
    return (this.running?.k8sd.members() ?? [])
      .filter((member) => member.role === 'control-plane')
      .map((member) => ({ name: member.name, alive: this.nodes.get(member.name)?.running ?? false }));
  }

  /**
   * Stops the API server once the datastore loses quorum. For good, as with a real etcd: without quorum no member can
   * be removed or added, so only a new bootstrap (after every member is gone) brings a cluster back.
   */
  private async evaluateQuorum(): Promise<void> {
    const running = this.running;
    if (!running?.serving || hasQuorum(this.datastoreMembers())) return;
    running.serving = false;
    this.quorumLostAt = new Date();
    await running.controlPlane.stopApiServer();
  }

  /** What the node's kubelet does when it starts: the Node object and the port-forward endpoint. */
  private async register(node: MachineNode, name: string): Promise<void> {
    const running = this.requireRunning('register');
    const k8sdNode = node.k8sd;
    if (!k8sdNode) throw new Error(`node ${name} has no k8sd`);
    node.nodeName = name;
    this.nodes.set(name, node);
    const proxyPod = proxyPodName(name);
    const simulator = running.simulator;
    node.kubelet = await KubeletPortForwardSimulator.start({
      address: k8sdNode.address,
      resolve: (namespace, pod, port) =>
        namespace === k8sdProxy.namespace && pod === proxyPod && port === 2380 ? { host: k8sdNode.address, port: simulator.microclusterPort } : undefined,
    });
    const controlPlane = k8sdNode.role === 'control-plane';
    await running.objects.create({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', ...(controlPlane ? { [CONTROL_PLANE_LABEL]: '' } : {}) } },
      spec: { providerID: node.providerID },
    } as KubeObject);
    node.reportedVersion = node.version;
    await this.patchNodeStatus(name, {
      addresses: [
        { type: 'InternalIP', address: k8sdNode.address },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: node.kubelet.port } },
      conditions: kubeletConditions('True', 'KubeletReady', 'kubelet is posting ready status (simulated)'),
      nodeInfo: nodeInfo(node),
    });
    await this.ensureProxyPod(node);
  }

  private async patchNodeStatus(name: string, status: object): Promise<void> {
    await this.requireRunning('node status').objects.mergePatch(nodeKind, { name }, { status }, 'status');
  }

  /** Stands in for the DaemonSet controller and the kubelet: the node's k8sd-proxy pod, Running and Ready. */
  private async ensureProxyPod(node: MachineNode): Promise<void> {
    const running = this.running;
    if (!running?.serving || node.proxyPodCreated || !node.nodeName || !node.address) return;
    const daemonSet = await running.objects.find(daemonSetKind, k8sdProxy);
    if (!daemonSet) return;
    const name = proxyPodName(node.nodeName);
    await running.objects.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        namespace: k8sdProxy.namespace,
        name,
        labels: daemonSet.spec?.template?.metadata?.labels ?? { app: 'k8sd-proxy' },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: k8sdProxy.name, uid: daemonSet.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }],
      },
      spec: { ...daemonSet.spec?.template?.spec, nodeName: node.nodeName },
    });
    const now = new Date().toISOString();
    await running.objects.mergePatch(
      podKind,
      { namespace: k8sdProxy.namespace, name },
      {
        status: {
          phase: 'Running',
          hostIP: node.address,
          podIP: node.address,
          startTime: now,
          conditions: [
            { type: 'Ready', status: 'True', lastTransitionTime: now },
            { type: 'ContainersReady', status: 'True', lastTransitionTime: now },
          ],
        },
      },
      'status',
    );
    node.proxyPodCreated = true;
  }

  /** Once a second: quorum (k8sd may have removed members), versions changed by k8sd snap refreshes, proxy pods. */
  private async beat(): Promise<void> {
    await this.evaluateQuorum();
    if (!this.running?.serving) return;
    for (const node of this.nodes.values()) {
      if (!node.running || !node.nodeName) continue;
      await this.ensureProxyPod(node);
      const version = node.version;
      if (version !== node.reportedVersion) {
        await this.patchNodeStatus(node.nodeName, { nodeInfo: nodeInfo(node) });
        node.reportedVersion = version;
      }
    }
  }
}

export function proxyPodName(nodeName: string): string {
  return `k8sd-proxy-${nodeName}`;
}

function nodeInfo(node: MachineNode): Record<string, string> {
  return {
    kubeletVersion: node.version,
    kubeProxyVersion: node.version,
    containerRuntimeVersion: 'containerd://simulated',
    osImage: 'capi-ck8s simulated node',
    operatingSystem: 'linux',
    architecture: process.arch === 'arm64' ? 'arm64' : 'amd64',
    kernelVersion: 'simulated',
    machineID: node.machineName,
    systemUUID: node.machineName,
    bootID: node.machineName,
  };
}

function run(command: string, args: readonly string[], stdin: Buffer): Promise<CommandOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ exitCode: code ?? 1, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') }),
    );
    child.stdin.end(stdin);
  });
}
