// Integration test helpers: the provider's Manager started in-process against the shared environment (real
// apiserver, kube-controller-manager and Cluster API core), and a workload cluster whose control plane k8sd is the
// k8sd SIMULATOR reached over the direct transport.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bootstrapApiVersion, type CK8sConfigSpec, clusterApiVersion, type Condition } from '@capi-ck8s/api';
import { K8sdSimulator, type SimulatedCluster } from '@capi-ck8s/k8sd-sim';
import { randomToken } from '@capi-ck8s/pki';
import { createLogger, kindRef, type KubeObject, Manager, type ManagerFlags, ObjectClient, RestClient } from '@capi-ck8s/runtime';
import { freeLoopbackPort, installCrds, startControlPlane, type TestControlPlane, testProviderId, waitFor } from '@capi-ck8s/testenv';
import type { KubeConfig } from '@kubernetes/client-node';
import { base64, type CK8sConfigObject, kinds, type Secret, secretText } from '../kinds';
import { type BootstrapProviderOptions, cacheSelectors, setupBootstrapProvider } from '../setup';
import { testCrds, testKinds } from './test-crds';

const appRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const providerCrdFolder = join(appRoot, '..', '..', 'charts', 'bootstrap-provider', 'crds');

export async function installAllCrds(kubeConfig: KubeConfig): Promise<void> {
  await installCrds(kubeConfig, [providerCrdFolder, ...testCrds]);
}

export function testClient(kubeConfig: KubeConfig): ObjectClient {
  return new ObjectClient(new RestClient(kubeConfig), 'bootstrap-provider-test');
}

/** Starts the provider in this process, watching only `namespace` so parallel test files never meet. */
export async function startProvider(
  kubeConfig: KubeConfig,
  namespace: string,
  options: Partial<BootstrapProviderOptions> & { flags?: Partial<ManagerFlags>; name?: string } = {},
): Promise<Manager> {
  const manager = new Manager({
    name: options.name ?? 'cabpck-manager',
    kubeConfig,
    flags: { namespace, metricsBindAddress: '0', healthProbeBindAddress: '0', webhookPort: 0, logLevel: 'error', ...options.flags },
    logger: createLogger({ level: options.flags?.logLevel ?? 'error' }),
    webhookHost: '127.0.0.1',
    cacheSelectors,
  });
  setupBootstrapProvider(manager, { k8sdRoute: 'direct', k8sdTimeoutMs: 10_000, webhooks: false, ...options });
  await manager.start();
  await manager.waitForLeadership();
  return manager;
}

export function condition(object: { status?: { conditions?: Condition[] } } | undefined, type: string): Condition | undefined {
  return object?.status?.conditions?.find((candidate) => candidate.type === type);
}

const statusOf = kindRef<KubeObject & { status?: unknown }>;

/** A Cluster with its stand-in infrastructure and control plane objects, and helpers to play those providers. */
export class ClusterFixture {
  readonly authToken = randomToken();

  constructor(
    readonly client: ObjectClient,
    readonly namespace: string,
    readonly name: string,
  ) {}

  async create(options: { paused?: boolean } = {}): Promise<void> {
    const { namespace, name } = this;
    await this.client.create({ ...testKinds.infrastructureCluster, metadata: { name, namespace }, spec: {} });
    await this.client.create({ ...testKinds.controlPlane, metadata: { name, namespace }, spec: {} });
    await this.client.create({
      apiVersion: clusterApiVersion,
      kind: 'Cluster',
      metadata: { name, namespace },
      spec: {
        ...(options.paused ? { paused: true } : {}),
        clusterNetwork: { pods: { cidrBlocks: ['10.1.0.0/16'] }, services: { cidrBlocks: ['10.152.183.0/24'] }, serviceDomain: 'cluster.local' },
        controlPlaneEndpoint: { host: '10.0.0.10', port: 6443 },
        infrastructureRef: { apiGroup: testKinds.infrastructureCluster.apiVersion.split('/')[0], kind: testKinds.infrastructureCluster.kind, name },
        controlPlaneRef: { apiGroup: testKinds.controlPlane.apiVersion.split('/')[0], kind: testKinds.controlPlane.kind, name },
      },
    } as KubeObject);
  }

  /** As the control plane provider does: the cluster auth token in <cluster>-token. */
  async createTokenSecret(): Promise<void> {
    await this.client.create<Secret>({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: `${this.name}-token`, namespace: this.namespace, labels: { 'cluster.x-k8s.io/cluster-name': this.name } },
      type: 'cluster.x-k8s.io/secret',
      data: { value: base64(this.authToken) },
    });
  }

  /** As the infrastructure provider does once the cluster's network and endpoint exist. */
  async provisionInfrastructure(): Promise<void> {
    await this.patchStatus(testKinds.infrastructureCluster, { initialization: { provisioned: true } });
    await waitFor(
      `Cluster ${this.name} to report its infrastructure provisioned`,
      async () => ((await this.cluster()).status?.initialization?.infrastructureProvisioned ? true : undefined),
      { timeoutMs: 30_000, intervalMs: 50 },
    );
  }

  /** As the control plane provider does once the first node runs: the workload kubeconfig, then initialised. */
  async initializeControlPlane(workloadKubeconfig: string): Promise<void> {
    await this.client.create<Secret>({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: `${this.name}-kubeconfig`, namespace: this.namespace, labels: { 'cluster.x-k8s.io/cluster-name': this.name } },
      type: 'cluster.x-k8s.io/secret',
      data: { value: base64(workloadKubeconfig) },
    });
    await this.patchStatus(testKinds.controlPlane, { initialization: { controlPlaneInitialized: true } });
  }

  async cluster() {
    return this.client.get(kinds.cluster, { namespace: this.namespace, name: this.name });
  }

  async setPaused(paused: boolean): Promise<void> {
    await this.client.mergePatch(kinds.cluster, { namespace: this.namespace, name: this.name }, { spec: { paused } });
  }

  /** A Machine with its CK8sConfig and stand-in infrastructure machine; returns when all three exist. */
  async createMachine(name: string, options: { controlPlane: boolean; spec?: CK8sConfigSpec; configAnnotations?: Record<string, string> }): Promise<number> {
    const { namespace } = this;
    const clusterLabel = { 'cluster.x-k8s.io/cluster-name': this.name };
    await this.client.create<CK8sConfigObject>({
      apiVersion: bootstrapApiVersion,
      kind: 'CK8sConfig',
      metadata: { name, namespace, ...(options.configAnnotations ? { annotations: options.configAnnotations } : {}) },
      spec: options.spec ?? {},
    });
    await this.client.create({ ...testKinds.infrastructureMachine, metadata: { name, namespace }, spec: {} });
    const createdAt = performance.now();
    await this.client.create({
      apiVersion: clusterApiVersion,
      kind: 'Machine',
      metadata: { name, namespace, labels: { ...clusterLabel, ...(options.controlPlane ? { 'cluster.x-k8s.io/control-plane': '' } : {}) } },
      spec: {
        clusterName: this.name,
        version: 'v1.33.2',
        bootstrap: { configRef: { apiGroup: 'bootstrap.cluster.x-k8s.io', kind: 'CK8sConfig', name } },
        infrastructureRef: { apiGroup: testKinds.infrastructureMachine.apiVersion.split('/')[0], kind: testKinds.infrastructureMachine.kind, name },
      },
    } as KubeObject);
    return createdAt;
  }

  /** As the infrastructure provider does once the machine runs: its provider ID, then provisioned. */
  async provisionMachine(name: string, infrastructureName = name): Promise<void> {
    const key = { namespace: this.namespace, name: infrastructureName };
    await this.client.mergePatch(statusOf(testKinds.infrastructureMachine.apiVersion, testKinds.infrastructureMachine.kind), key, { spec: { providerID: testProviderId(name) } });
    await this.client.mergePatch(statusOf(testKinds.infrastructureMachine.apiVersion, testKinds.infrastructureMachine.kind), key, { status: { initialization: { provisioned: true } } }, 'status');
  }

  /** Cluster API matches the Machine to its Node (by provider ID) through the workload kubeconfig. */
  async waitForNodeRef(name: string, timeoutMs = 60_000): Promise<string> {
    return waitFor(
      `Machine ${name} to get its nodeRef`,
      async () => (await this.client.get(kinds.machine, { namespace: this.namespace, name })).status?.nodeRef?.name,
      { timeoutMs, intervalMs: 100 },
    );
  }

  async config(name: string): Promise<CK8sConfigObject> {
    return this.client.get(kinds.config, { namespace: this.namespace, name });
  }

  async dataSecret(name: string): Promise<Secret | undefined> {
    return this.client.find(kinds.secret, { namespace: this.namespace, name });
  }

  /** Waits for the config's data secret, polling fast so the time it took can be read off. */
  async waitForData(name: string, timeoutMs = 60_000): Promise<{ secret: Secret; seenAt: number }> {
    const secret = await waitFor(`bootstrap data of ${name}`, () => this.dataSecret(name), {
      timeoutMs,
      intervalMs: 25,
      explain: () => `config ${name} never got its data secret`,
    });
    return { secret, seenAt: performance.now() };
  }

  /** The status write follows the data secret's creation; waits until the config reports its data. */
  async waitForDataInStatus(name: string): Promise<CK8sConfigObject> {
    return waitFor(
      `status of ${name} to record its data secret`,
      async () => {
        const config = await this.config(name);
        return config.status?.initialization?.dataSecretCreated ? config : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 25 },
    );
  }

  async waitForCondition(name: string, type: string, test: (value: Condition) => boolean, timeoutMs = 30_000): Promise<Condition> {
    let last: Condition | undefined;
    return waitFor(
      `condition ${type} of ${name}`,
      async () => {
        last = condition(await this.config(name), type);
        return last && test(last) ? last : undefined;
      },
      { timeoutMs, intervalMs: 50, explain: () => `last ${type}: ${JSON.stringify(last)}` },
    );
  }

  async waitForMachineDataSecret(name: string): Promise<string> {
    return waitFor(
      `Machine ${name} to point at its bootstrap data`,
      async () => (await this.client.get(kinds.machine, { namespace: this.namespace, name })).spec.bootstrap.dataSecretName,
      { timeoutMs: 30_000, intervalMs: 100 },
    );
  }

  async tokenSecret(): Promise<Secret> {
    return this.client.get(kinds.secret, { namespace: this.namespace, name: `${this.name}-token` });
  }

  async nodeToken(machine: string): Promise<string | undefined> {
    return secretText(await this.tokenSecret(), `node-token-${machine}`);
  }

  private async patchStatus(kind: { apiVersion: string; kind: string }, status: object): Promise<void> {
    await this.client.mergePatch(statusOf(kind.apiVersion, kind.kind), { namespace: this.namespace, name: this.name }, { status }, 'status');
  }
}

/**
 * The workload side: a real kube-apiserver holding the Node objects, and the k8sd SIMULATOR answering as the nodes'
 * k8sd on loopback addresses (direct transport, so specs set controlPlane.microclusterPort to its port).
 */
export class WorkloadCluster {
  private constructor(
    readonly controlPlane: TestControlPlane,
    readonly simulator: K8sdSimulator,
    readonly port: number,
  ) {}

  static async start(options: { snapRefreshDurationMs?: number } = {}): Promise<WorkloadCluster> {
    const port = await freeLoopbackPort();
    const [controlPlane, simulator] = await Promise.all([
      startControlPlane({ name: 'workload', controllerManager: false }),
      K8sdSimulator.start({ port, ...options }),
    ]);
    return new WorkloadCluster(controlPlane, simulator, port);
  }

  kubeconfigText(): string {
    return this.controlPlane.kubeConfig().exportConfig();
  }

  /** Bootstraps the first node in the simulator and registers its Node, as the init cloud-config would. */
  async bootstrapFirstNode(clusterName: string, authToken: string, nodeName: string, nodeToken: string): Promise<SimulatedCluster> {
    const simulated = this.simulator.createCluster(clusterName, { authToken });
    const node = await simulated.bootstrap({ name: nodeName, nodeToken });
    await this.registerNode(nodeName, node.address, true);
    return simulated;
  }

  /** A node joining in the simulator (as its join-cluster.sh would), registered like the first. */
  async joinNode(simulated: SimulatedCluster, nodeName: string, nodeToken: string, role: 'control-plane' | 'worker'): Promise<void> {
    const worker = role === 'worker';
    const token = simulated.generateJoinToken({ name: worker ? '' : nodeName, worker, ttl: 0 });
    const node = await simulated.join({ name: nodeName, token, nodeToken });
    await this.registerNode(nodeName, node.address, !worker);
  }

  /** The Node object of a simulated node; its providerID lets Cluster API match it to the Machine of the same name. */
  private async registerNode(nodeName: string, address: string, controlPlane: boolean): Promise<void> {
    await testClient(this.controlPlane.kubeConfig()).create({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: nodeName, labels: controlPlane ? { 'node-role.kubernetes.io/control-plane': '' } : {} },
      spec: { providerID: testProviderId(nodeName) },
      status: { addresses: [{ type: 'InternalIP', address }] },
    } as KubeObject);
  }

  async stop(): Promise<void> {
    await Promise.all([this.simulator.stop(), this.controlPlane.stop()]);
  }
}

export interface RunningCluster {
  fixture: ClusterFixture;
  simulated: SimulatedCluster;
}

/**
 * A cluster whose first control plane node and the given other nodes run (in the simulator), with their Machines
 * provisioned and matched to their Nodes by Cluster API: what the node-level controllers need.
 */
export async function startRunningCluster(
  client: ObjectClient,
  workload: WorkloadCluster,
  namespace: string,
  name: string,
  others: { name: string; role: 'control-plane' | 'worker' }[],
): Promise<RunningCluster> {
  const fixture = new ClusterFixture(client, namespace, name);
  await fixture.create();
  await fixture.createTokenSecret();
  await fixture.provisionInfrastructure();
  const spec = { controlPlane: { microclusterPort: workload.port } };
  const first = `${name}-cp-0`;
  await fixture.createMachine(first, { controlPlane: true, spec });
  await fixture.waitForData(first);
  const simulated = await workload.bootstrapFirstNode(name, fixture.authToken, first, (await fixture.nodeToken(first)) ?? '');
  await fixture.initializeControlPlane(workload.kubeconfigText());
  for (const other of others) {
    await fixture.createMachine(other.name, { controlPlane: other.role === 'control-plane', spec });
    await fixture.waitForData(other.name);
    await workload.joinNode(simulated, other.name, (await fixture.nodeToken(other.name)) ?? '', other.role);
  }
  const machines = [first, ...others.map((other) => other.name)];
  await Promise.all(machines.map((machine) => fixture.provisionMachine(machine)));
  await Promise.all(machines.map((machine) => fixture.waitForNodeRef(machine, 90_000)));
  return { fixture, simulated };
}
