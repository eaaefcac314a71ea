// Integration test helpers: the provider's Manager started in-process against the shared environment (real
// apiserver, kube-controller-manager and Cluster API core), and a ClusterUnderTest whose test code plays the
// infrastructure provider, the bootstrap provider's data secret and the machines themselves: each Machine's node
// registers in a second REAL kube-apiserver (the workload cluster, serving with the cluster CAs the provider
// generated) and its k8sd is the k8sd SIMULATOR, reached over the direct transport.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clusterApiVersion, type CK8sControlPlaneSpec, controlPlaneApiVersion, type Condition } from '@capi-ck8s/api';
import { K8sdSimulator, type SimulatedCluster } from '@capi-ck8s/k8sd-sim';
import { createLogger, kindRef, type KubeObject, Manager, type ManagerFlags, ObjectClient, RestClient } from '@capi-ck8s/runtime';
import { createTestNamespace, freeLoopbackPort, installCrds, startControlPlane, type TestControlPlane, testProviderId, waitFor } from '@capi-ck8s/testenv';
import type { KubeConfig } from '@kubernetes/client-node';
import { base64, type ControlPlaneObject, kinds, type MachineObject, type Secret, secretText } from '../kinds';
import { cacheSelectors, type ControlPlaneProviderOptions, setupControlPlaneProvider } from '../setup';
import type { WorkloadClusters } from '../workload/workload-clusters';
import { testCrds, testKinds } from './test-crds';

const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const crdFolders = [join(repositoryRoot, 'charts', 'controlplane-provider', 'crds'), join(repositoryRoot, 'charts', 'bootstrap-provider', 'crds')];

export async function installAllCrds(kubeConfig: KubeConfig): Promise<void> {
  await installCrds(kubeConfig, [...crdFolders, ...testCrds]);
}

export function testClient(kubeConfig: KubeConfig): ObjectClient {
  return new ObjectClient(new RestClient(kubeConfig), 'controlplane-provider-test');
}

export interface RunningProvider {
  manager: Manager;
  workloads: WorkloadClusters;
  stop(): Promise<void>;
}

/** Starts the provider in this process, watching only `namespace` so parallel test files never meet. */
export async function startProvider(kubeConfig: KubeConfig, namespace: string, options: Partial<ControlPlaneProviderOptions> & { flags?: Partial<ManagerFlags> } = {}): Promise<RunningProvider> {
  const manager = new Manager({
    name: 'cacpck-manager',
    kubeConfig,
    flags: { namespace, metricsBindAddress: '0', healthProbeBindAddress: '0', webhookPort: 0, logLevel: (process.env['CACPCK_TEST_LOG'] as ManagerFlags['logLevel'] | undefined) ?? 'error', ...options.flags },
    logger: createLogger({ level: options.flags?.logLevel ?? (process.env['CACPCK_TEST_LOG'] as ManagerFlags['logLevel'] | undefined) ?? 'error' }),
    webhookHost: '127.0.0.1',
    cacheSelectors,
  });
  const workloads = setupControlPlaneProvider(manager, { k8sdRoute: 'direct', k8sdTimeoutMs: 5_000, webhooks: false, pollIntervalMs: 500, steadyIntervalMs: 2_000, ...options });
  await manager.start();
  await manager.waitForLeadership();
  return {
    manager,
    workloads,
    async stop() {
      await manager.stop();
      await workloads.close();
    },
  };
}

export function condition(object: { status?: { conditions?: Condition[] } } | undefined, type: string): Condition | undefined {
  return object?.status?.conditions?.find((candidate) => candidate.type === type);
}

const anyKind = kindRef<KubeObject & { spec?: Record<string, unknown>; status?: Record<string, unknown> }>;
const nodeKind = kindRef<KubeObject & { spec?: { providerID?: string }; status?: { conditions?: { type: string; status: string }[]; addresses?: unknown[] } }>('v1', 'Node');

export const kubernetesVersion = 'v1.33.2';

interface Recorded {
  at: number;
  readyControlPlaneNodes: number;
  machines: number;
}

/**
 * One Cluster with a CK8sControlPlane, and the machinery that plays everything outside the provider. Call
 * `startPlaying()` once the objects exist; every 150 ms it moves each Machine along and samples the workload cluster.
 */
export class ClusterUnderTest {
  workload: TestControlPlane | undefined;
  simulated: SimulatedCluster | undefined;
  readonly samples: Recorded[] = [];
  readonly errors: string[] = [];
  private readonly notReady = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private workloadClient: ObjectClient | undefined;

  constructor(
    readonly client: ObjectClient,
    readonly namespace: string,
    readonly name: string,
    readonly simulator: K8sdSimulator,
    readonly microclusterPort: number,
  ) {}

  get key() {
    return { namespace: this.namespace, name: this.name };
  }

  async create(spec: Partial<CK8sControlPlaneSpec> = {}): Promise<void> {
    const { namespace, name } = this;
    await this.client.create({ ...testKinds.infrastructureCluster, metadata: { name, namespace }, spec: {} });
    await this.client.create({
      ...testKinds.infrastructureMachineTemplate,
      metadata: { name: `${name}-cp`, namespace },
      spec: { template: { metadata: { labels: { 'from-template': 'yes' } }, spec: { flavour: 'small' } } },
    });
    await this.client.create<ControlPlaneObject>({
      apiVersion: controlPlaneApiVersion,
      kind: 'CK8sControlPlane',
      metadata: { name, namespace },
      spec: {
        replicas: 1,
        version: kubernetesVersion,
        machineTemplate: { infrastructureTemplate: { ...testKinds.infrastructureMachineTemplate, name: `${name}-cp`, namespace } },
        spec: { controlPlane: { microclusterPort: this.microclusterPort } },
        ...spec,
      },
    });
    await this.client.create({
      apiVersion: clusterApiVersion,
      kind: 'Cluster',
      metadata: { name, namespace },
      spec: {
        clusterNetwork: { pods: { cidrBlocks: ['10.1.0.0/16'] }, services: { cidrBlocks: ['10.152.183.0/24'] }, serviceDomain: 'cluster.local' },
        infrastructureRef: { apiGroup: testKinds.infrastructureCluster.apiVersion.split('/')[0], kind: testKinds.infrastructureCluster.kind, name },
        controlPlaneRef: { apiGroup: controlPlaneApiVersion.split('/')[0], kind: 'CK8sControlPlane', name },
      },
    } as KubeObject);
  }

  /** As the infrastructure provider does: the cluster's infrastructure is provisioned. */
  async provisionInfrastructure(): Promise<void> {
    await this.client.mergePatch(anyKind(testKinds.infrastructureCluster.apiVersion, testKinds.infrastructureCluster.kind), this.key, { status: { initialization: { provisioned: true } } }, 'status');
    await waitFor(
      `Cluster ${this.name} to report its infrastructure provisioned`,
      async () => ((await this.client.get(kinds.cluster, this.key)).status?.initialization?.infrastructureProvisioned ? true : undefined),
      { timeoutMs: 30_000, intervalMs: 50 },
    );
  }

  /** The cluster CAs the provider generated, then a real apiserver serving with them, then the Cluster's endpoint. */
  async startWorkload(): Promise<TestControlPlane> {
    const ca = await this.waitForSecret(`${this.name}-ca`);
    const cca = await this.waitForSecret(`${this.name}-cca`);
    const pair = (secret: Secret) => ({ certPem: secretText(secret, 'tls.crt') ?? '', keyPem: secretText(secret, 'tls.key') ?? '' });
    this.workload = await startControlPlane({ name: `workload-${this.name}`, controllerManager: false, servingCa: pair(ca), clientCa: pair(cca) });
    this.workloadClient = testClient(this.workload.kubeConfig());
    const port = Number(new URL(this.workload.server).port);
    await this.client.mergePatch(kinds.cluster, this.key, { spec: { controlPlaneEndpoint: { host: '127.0.0.1', port } } });
    return this.workload;
  }

  async waitForSecret(name: string, timeoutMs = 30_000): Promise<Secret> {
    return waitFor(`Secret ${name}`, () => this.client.find(kinds.secret, { namespace: this.namespace, name }), { timeoutMs, intervalMs: 100 });
  }

  async controlPlane(): Promise<ControlPlaneObject> {
    return this.client.get(kinds.controlPlane, this.key);
  }

  async machines(): Promise<MachineObject[]> {
    return this.client.list(kinds.machine, { namespace: this.namespace, labelSelector: `cluster.x-k8s.io/cluster-name=${this.name},cluster.x-k8s.io/control-plane` });
  }

  async waitForControlPlane(description: string, test: (controlPlane: ControlPlaneObject, machines: MachineObject[]) => boolean, timeoutMs = 90_000): Promise<ControlPlaneObject> {
    let last: { status?: unknown; machines?: string[] } = {};
    return waitFor(
      description,
      async () => {
        const [controlPlane, machines] = await Promise.all([this.controlPlane(), this.machines()]);
        last = { status: controlPlane.status, machines: machines.map((machine) => `${machine.metadata.name ?? ''}${machine.metadata.deletionTimestamp ? ' (deleting)' : ''} node=${machine.status?.nodeRef?.name ?? '-'}`) };
        return test(controlPlane, machines) ? controlPlane : undefined;
      },
      { timeoutMs, intervalMs: 200, explain: () => `last seen: ${JSON.stringify(last, null, 1)}\nharness errors: ${this.errors.slice(-5).join(' | ')}` },
    );
  }

  /** Marks a node NotReady (or Ready again) in the workload cluster, as a kubelet that stopped posting would. */
  async setNodeReady(nodeName: string, ready: boolean): Promise<void> {
    if (ready) this.notReady.delete(nodeName);
    else this.notReady.add(nodeName);
    await this.patchNodeStatus(nodeName, ready);
  }

  startPlaying(): void {
    const tick = () => {
      this.running = this.step()
        .catch((error: unknown) => {
          this.errors.push((error as Error).message);
        })
        .finally(() => {
          if (this.timer !== undefined) this.timer = setTimeout(tick, 150);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    const timer = this.timer;
    this.timer = undefined;
    clearTimeout(timer);
    await this.running;
    await this.workload?.stop();
  }

  /** Lowest number of Ready control plane nodes seen since `since` (performance.now()). */
  minimumReadySince(since: number): number {
    return Math.min(...this.samples.filter((sample) => sample.at >= since).map((sample) => sample.readyControlPlaneNodes));
  }

  maximumMachinesSince(since: number): number {
    return Math.max(...this.samples.filter((sample) => sample.at >= since).map((sample) => sample.machines));
  }

  private async step(): Promise<void> {
    const machines = await this.client.list(kinds.machine, { namespace: this.namespace, labelSelector: `cluster.x-k8s.io/cluster-name=${this.name}` });
    for (const machine of machines) {
      if (machine.metadata.deletionTimestamp) continue;
      await this.provideBootstrapData(machine);
      await this.provisionMachine(machine);
      await this.bootNode(machine);
    }
    await this.forgetRemovedNodes();
    await this.sample(machines.filter((machine) => machine.metadata.labels?.['cluster.x-k8s.io/control-plane'] !== undefined).length);
  }

  /** Plays the bootstrap provider: a data secret for the machine's CK8sConfig. */
  private async provideBootstrapData(machine: MachineObject): Promise<void> {
    const configName = machine.spec.bootstrap.configRef?.name;
    if (!configName) return;
    const config = await this.client.find(kinds.config, { namespace: this.namespace, name: configName });
    if (!config || config.status?.dataSecretName) return;
    const secretName = `${configName}-bootstrap-data`;
    await this.client
      .create<Secret>({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: secretName, namespace: this.namespace, labels: { 'cluster.x-k8s.io/cluster-name': this.name } },
        type: 'cluster.x-k8s.io/secret',
        data: { value: base64('#cloud-config\n'), format: base64('cloud-config') },
      })
      .catch(() => undefined);
    await this.client.mergePatch(kinds.config, { namespace: this.namespace, name: configName }, { status: { dataSecretName: secretName, initialization: { dataSecretCreated: true } } }, 'status');
  }

  /** Plays the infrastructure provider: the machine gets its provider ID and is provisioned. */
  private async provisionMachine(machine: MachineObject): Promise<void> {
    const kind = anyKind(testKinds.infrastructureMachine.apiVersion, testKinds.infrastructureMachine.kind);
    const key = { namespace: this.namespace, name: machine.spec.infrastructureRef.name };
    const infrastructure = await this.client.find(kind, key);
    if (!infrastructure || infrastructure.spec?.['providerID']) return;
    await this.client.mergePatch(kind, key, { spec: { providerID: testProviderId(machine.metadata.name ?? '') } });
    await this.client.mergePatch(kind, key, { status: { initialization: { provisioned: true } } }, 'status');
  }

  /** Plays the machine booting: its k8sd (simulated) bootstraps or joins, and its Node registers, Ready. */
  private async bootNode(machine: MachineObject): Promise<void> {
    const name = machine.metadata.name ?? '';
    const workloadClient = this.workloadClient;
    if (!workloadClient || machine.metadata.labels?.['cluster.x-k8s.io/control-plane'] === undefined) return;
    const infrastructure = await this.client.find(anyKind(testKinds.infrastructureMachine.apiVersion, testKinds.infrastructureMachine.kind), { namespace: this.namespace, name: machine.spec.infrastructureRef.name });
    if (!infrastructure?.spec?.['providerID'] || this.simulated?.node(name) || (await workloadClient.find(nodeKind, { name }))) return;
    let address: string;
    if (!this.simulated) {
      const token = secretText(await this.client.get(kinds.secret, { namespace: this.namespace, name: `${this.name}-token` }), 'value') ?? '';
      this.simulated = this.simulator.createCluster(`${this.namespace}-${this.name}`, { authToken: token });
      address = (await this.simulated.bootstrap({ name })).address;
    } else {
      const joinToken = this.simulated.generateJoinToken({ name, worker: false, ttl: 0 });
      address = (await this.simulated.join({ name, token: joinToken })).address;
    }
    await workloadClient.create({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels: { 'node-role.kubernetes.io/control-plane': '' } },
      spec: { providerID: testProviderId(name) },
    } as KubeObject);
    await this.patchNodeStatus(name, !this.notReady.has(name), address);
    await workloadClient
      .create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'k8sd-config', namespace: 'kube-system' }, data: {} } as KubeObject)
      .catch(() => undefined);
  }

  /** Like k8sd's remove-node: the Kubernetes Node of a node that left the cluster goes too. */
  private async forgetRemovedNodes(): Promise<void> {
    const workloadClient = this.workloadClient;
    const simulated = this.simulated;
    if (!workloadClient || !simulated) return;
    for (const node of await workloadClient.list(nodeKind)) {
      const name = node.metadata.name ?? '';
      if (!simulated.node(name)) await workloadClient.delete(nodeKind, { name });
    }
  }

  private async patchNodeStatus(name: string, ready: boolean, address?: string): Promise<void> {
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    await this.workloadClient?.mergePatch(
      nodeKind,
      { name },
      {
        status: {
          ...(address ? { addresses: [{ type: 'InternalIP', address }] } : {}),
          conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', reason: ready ? 'KubeletReady' : 'KubeletNotReady', message: 'set by the test', lastHeartbeatTime: now, lastTransitionTime: now }],
        },
      },
      'status',
    );
  }

  private async sample(machines: number): Promise<void> {
    const nodes = this.workloadClient ? await this.workloadClient.list(nodeKind, { labelSelector: 'node-role.kubernetes.io/control-plane' }) : [];
    const readyControlPlaneNodes = nodes.filter((node) => node.status?.conditions?.some((entry) => entry.type === 'Ready' && entry.status === 'True')).length;
    this.samples.push({ at: performance.now(), readyControlPlaneNodes, machines });
  }
}

/** One k8sd simulator per test file; every cluster of the file gets its own simulated cluster in it. */
export async function startSimulator(): Promise<{ simulator: K8sdSimulator; port: number }> {
  const port = await freeLoopbackPort();
  return { simulator: await K8sdSimulator.start({ port }), port };
}

/**
 * What every integration test file needs, set up in beforeAll and torn down in afterAll: a namespace, the CRDs, a
 * k8sd simulator and the provider; `newCluster` gives a provisioned cluster whose machines the test plays.
 */
export class ProviderTestBed {
  readonly client: ObjectClient;
  readonly durations: Record<string, number> = {};
  namespace = '';
  port = 0;
  simulator!: K8sdSimulator;
  provider: RunningProvider | undefined;
  private readonly clusters: ClusterUnderTest[] = [];

  constructor(
    private readonly kubeConfig: KubeConfig,
    label: string,
    options: { inProcessProvider?: boolean } = {},
  ) {
    this.client = testClient(kubeConfig);
    beforeAll(async () => {
      const [namespace, simulated] = await Promise.all([createTestNamespace(kubeConfig, `cacpck-${label}`), startSimulator(), installAllCrds(kubeConfig)]);
      this.namespace = namespace;
      this.simulator = simulated.simulator;
      this.port = simulated.port;
      if (options.inProcessProvider ?? true) this.provider = await startProvider(kubeConfig, namespace);
    }, 120_000);
    afterAll(async () => {
      await this.provider?.stop();
      await Promise.all(this.clusters.map((cluster) => cluster.stop()));
      await this.simulator?.stop();
      process.stdout.write(`control plane ${label} durations (ms): ${JSON.stringify(this.durations)}\n`);
    });
  }

  /** A cluster with its CK8sControlPlane, infrastructure provisioned, workload apiserver up and machines played. */
  async newCluster(name: string, spec: Partial<CK8sControlPlaneSpec> = {}): Promise<ClusterUnderTest> {
    const cluster = new ClusterUnderTest(this.client, this.namespace, name, this.simulator, this.port);
    this.clusters.push(cluster);
    await cluster.create(spec);
    await cluster.provisionInfrastructure();
    await cluster.startWorkload();
    cluster.startPlaying();
    return cluster;
  }

  async restartProvider(pauseMs: number, whileStopped: () => Promise<void>): Promise<void> {
    await this.provider?.stop();
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
    await whileStopped();
    this.provider = await startProvider(this.kubeConfig, this.namespace);
  }
}
