// The SIMULATED infrastructure provider on real Cluster API core: machines whose real bootstrap data (rendered by
// @capi-ck8s/cloudinit) boots in a sandbox, where the node agent turns `k8s bootstrap` into a real workload API server
// with the cluster's PKI. The test plays the bootstrap and control plane providers by hand (data secrets, join tokens
// from k8sd, the kubeconfig secret); everything it asserts about is read from real API servers or real sockets.
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { CoreV1Api, KubeConfig, VersionApi } from '@kubernetes/client-node';
import { clusterApiVersion, type CK8sConfigSpec } from '@capi-ck8s/api';
import { clusterFacts, k8sdProxyManifest, renderCloudConfig } from '@capi-ck8s/cloudinit';
import { directTransport, K8sdClient, WorkloadK8sd } from '@capi-ck8s/k8sd';
import {
  type CertificateAndKey,
  createCertificateAuthority,
  generateClusterCertificateAuthorities,
  issueAdminClientCertificate,
  kubeconfigServer,
  randomToken,
  renderKubeconfig,
} from '@capi-ck8s/pki';
import { type KubeObject, ObjectClient, RestClient } from '@capi-ck8s/runtime';
import { createTestNamespace, deleteTestNamespace, freeLoopbackPort, sharedEnvironment, waitFor } from '@capi-ck8s/testenv';
import { simApiVersion } from './crds';
import { type ClusterObject, type SimCluster, simKinds } from './kinds';
import { installSimCrds, type SimInfrastructureProvider, startSimInfrastructureProvider } from './provider';

const CLUSTER = 'sim-boot';
const VERSION = 'v1.33.2';
const spec: CK8sConfigSpec = { version: VERSION };
const failureDomains = [
  { name: 'fd-a', controlPlane: true },
  { name: 'fd-b', controlPlane: true, attributes: { rack: 'b' } },
];

let management: KubeConfig;
let client: ObjectClient;
let namespace: string;
let provider: SimInfrastructureProvider;
let pki: { ca: CertificateAndKey; clientCa: CertificateAndKey };
const authToken = randomToken();
const nodeTokens = new Map<string, string>();
let workload: KubeConfig;
const durations: Record<string, number> = {};

async function cluster(): Promise<ClusterObject> {
  return client.get(simKinds.cluster, { namespace, name: CLUSTER });
}

function workloadCluster() {
  const simulated = provider.cloud.cluster(`${namespace}/${CLUSTER}`);
  if (!simulated) throw new Error('the simulated cloud does not know the cluster');
  return simulated;
}

async function workloadVersion(kubeConfig: KubeConfig): Promise<string> {
  return (await kubeConfig.makeApiClient(VersionApi).getCode()).gitVersion;
}

async function answersVersion(kubeConfig: KubeConfig): Promise<boolean> {
  try {
    await workloadVersion(kubeConfig);
    return true;
  } catch {
    return false;
  }
}

async function adminKubeconfig(clientCa: CertificateAndKey): Promise<KubeConfig> {
  const endpoint = (await cluster()).spec?.controlPlaneEndpoint;
  const text = renderKubeconfig({
    clusterName: CLUSTER,
    server: kubeconfigServer(endpoint?.host ?? '', endpoint?.port ?? 0),
    caCertPem: pki.ca.certPem,
    client: await issueAdminClientCertificate({ clientCa }),
  });
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(text);
  return kubeConfig;
}

function k8sd(): WorkloadK8sd {
  return new WorkloadK8sd({ kubeConfig: workload, authToken, route: 'port-forward' });
}

/** What the bootstrap provider would do: render the node's cloud-config and store it as the data secret. */
async function createBootstrapData(machine: string, role: 'init-control-plane' | 'join-control-plane' | 'worker'): Promise<string> {
  const nodeToken = randomToken();
  nodeTokens.set(machine, nodeToken);
  const common = { spec, cluster: clusterFacts(await cluster()), nodeToken, secretValue: () => undefined };
  let userData: string;
  if (role === 'init-control-plane') {
    userData = renderCloudConfig({ ...common, role, ...pki, authToken, k8sdProxyManifest: k8sdProxyManifest() });
  } else {
    const { client: controlPlane } = await k8sd().forControlPlane();
    const joinToken = await controlPlane.generateJoinToken({ name: role === 'worker' ? '' : machine, worker: role === 'worker' });
    controlPlane.close();
    userData =
      role === 'worker'
        ? renderCloudConfig({ ...common, role, joinToken })
        : renderCloudConfig({ ...common, role, joinToken, configName: machine });
  }
  const name = `${machine}-bootstrap`;
  await client.create({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { namespace, name, labels: { 'cluster.x-k8s.io/cluster-name': CLUSTER } },
    type: 'cluster.x-k8s.io/secret',
    data: { value: Buffer.from(userData).toString('base64') },
  } as KubeObject);
  return name;
}

async function createMachine(machine: string, role: 'init-control-plane' | 'join-control-plane' | 'worker'): Promise<void> {
  const dataSecretName = await createBootstrapData(machine, role);
  await client.create({ apiVersion: simApiVersion, kind: 'SimMachine', metadata: { namespace, name: machine }, spec: {} });
  const controlPlane = role !== 'worker';
  await client.create({
    apiVersion: clusterApiVersion,
    kind: 'Machine',
    metadata: {
      namespace,
      name: machine,
      labels: { 'cluster.x-k8s.io/cluster-name': CLUSTER, ...(controlPlane ? { 'cluster.x-k8s.io/control-plane': '' } : {}) },
    },
    spec: {
      clusterName: CLUSTER,
      version: VERSION,
      bootstrap: { dataSecretName },
      infrastructureRef: { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'SimMachine', name: machine },
    },
  } as KubeObject);
}

/** Creates a machine and waits until Cluster API reports it Running with its Node; returns the seconds it took. */
async function bootMachine(machine: string, role: 'init-control-plane' | 'join-control-plane' | 'worker'): Promise<void> {
  const started = performance.now();
  await createMachine(machine, role);
  let last: unknown;
  await waitFor(
    `Machine ${machine} to be Running with a nodeRef`,
    async () => {
      const found = await client.get(simKinds.machine, { namespace, name: machine });
      last = found.status;
      return found.status?.phase === 'Running' && found.status.nodeRef ? true : undefined;
    },
    {
      timeoutMs: 150_000,
      intervalMs: 250,
      explain: () => `boot: ${JSON.stringify(provider.cloud.machineState(`${namespace}/${machine}`))}\nMachine status: ${JSON.stringify(last)}`,
    },
  );
  durations[`${machine} (${role}) to Running`] = Math.round(performance.now() - started);
  const state = provider.cloud.machineState(`${namespace}/${machine}`);
  if (state?.phase === 'booted') durations[`${machine} boot`] = state.durationMs;
}

async function deleteMachine(machine: string): Promise<void> {
  await client.delete(simKinds.machine, { namespace, name: machine });
  await waitFor(`Machine ${machine} to be gone`, async () => ((await client.find(simKinds.machine, { namespace, name: machine })) ? undefined : true), {
    timeoutMs: 90_000,
    intervalMs: 250,
  });
}

async function workloadNode(name: string) {
  return workload.makeApiClient(CoreV1Api).readNode({ name });
}

beforeAll(async () => {
  management = sharedEnvironment().kubeConfig();
  client = new ObjectClient(new RestClient(management), 'sim-test');
  namespace = await createTestNamespace(management, 'sim');
  await installSimCrds(management);
  provider = await startSimInfrastructureProvider({ kubeConfig: management, namespace });
  pki = await generateClusterCertificateAuthorities();
  await client.create({ apiVersion: simApiVersion, kind: 'SimCluster', metadata: { namespace, name: CLUSTER }, spec: { failureDomains } });
  await client.create({
    apiVersion: clusterApiVersion,
    kind: 'Cluster',
    metadata: { namespace, name: CLUSTER },
    spec: {
      clusterNetwork: { pods: { cidrBlocks: ['10.1.0.0/16'] }, services: { cidrBlocks: ['10.152.183.0/24'] } },
      infrastructureRef: { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'SimCluster', name: CLUSTER },
    },
  } as KubeObject);
  await waitFor(
    'the Cluster to take the SimCluster endpoint and report its infrastructure provisioned',
    async () => {
      const found = await cluster();
      return found.status?.initialization?.infrastructureProvisioned && found.spec?.controlPlaneEndpoint?.port ? true : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 100 },
  );
  workload = await adminKubeconfig(pki.clientCa);
  // As the control plane provider does: the admin kubeconfig Cluster API uses to find the Nodes.
  await client.create({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { namespace, name: `${CLUSTER}-kubeconfig`, labels: { 'cluster.x-k8s.io/cluster-name': CLUSTER } },
    type: 'cluster.x-k8s.io/secret',
    data: { value: Buffer.from(workload.exportConfig()).toString('base64') },
  } as KubeObject);
}, 120_000);

afterAll(async () => {
  await provider?.stop();
  await client?.rest.close();
  if (namespace) await deleteTestNamespace(management, namespace);
  process.stdout.write(`simulated machine boot durations (ms): ${JSON.stringify(durations)}\n`);
});

describe('a Cluster on the simulated infrastructure', () => {
  it('reserves a loopback endpoint on the SimCluster and reports its failure domains, which Cluster API copies to the Cluster', async () => {
    const simCluster: SimCluster = await client.get(simKinds.simCluster, { namespace, name: CLUSTER });
    expect(simCluster.spec.controlPlaneEndpoint?.host).toBe('127.0.0.1');
    expect((await cluster()).spec?.controlPlaneEndpoint).toEqual(simCluster.spec.controlPlaneEndpoint);
    expect(simCluster.status?.initialization?.provisioned).toBe(true);
    expect(await answersVersion(workload)).toBe(false);
    const reported = await waitFor('the Cluster to list the simulated failure domains', async () => (await cluster()).status?.failureDomains, { timeoutMs: 10_000 });
    expect(reported).toEqual(failureDomains);
  });

  it('boots the init control plane machine: Running, a Ready Node with its provider ID, and a real API server trusting the cluster client CA', async () => {
    await bootMachine('cp-0', 'init-control-plane');
    const node = await workloadNode('cp-0');
    expect(node.spec?.providerID).toBe(`sim://${CLUSTER}/cp-0`);
    expect(node.metadata?.labels?.['node-role.kubernetes.io/control-plane']).toBe('');
    expect(node.status?.conditions?.find((condition) => condition.type === 'Ready')?.status).toBe('True');
    expect(node.status?.nodeInfo?.kubeletVersion).toBe(VERSION);
    expect(await workloadVersion(workload)).toMatch(/^v1\.\d+\.\d+/);
    // A certificate from any other CA is refused: the API server really uses the cluster's client CA.
    const impostor = await adminKubeconfig(await createCertificateAuthority({ commonName: 'kubernetes' }));
    await expect(workloadVersion(impostor)).rejects.toThrow(/401|Unauthorized/);

    const simMachine = await client.get(simKinds.simMachine, { namespace, name: 'cp-0' });
    expect(simMachine.spec.providerID).toBe(`sim://${CLUSTER}/cp-0`);
    expect(simMachine.status?.addresses?.find((address) => address.type === 'InternalIP')?.address).toMatch(/^127\.0\.0\.\d+$/);
    const machine = await client.get(simKinds.machine, { namespace, name: 'cp-0' });
    expect(machine.status?.addresses).toEqual(simMachine.status?.addresses);
    await waitFor('the Cluster to report its control plane initialized', async () => {
      const conditions = (await cluster()).status?.conditions ?? [];
      return conditions.some((condition) => condition.type === 'ControlPlaneInitialized' && condition.status === 'True') ? true : undefined;
    }, { timeoutMs: 30_000, intervalMs: 250 });
  });

  it('leaves what the init scripts set up: k8sd-config, the applied k8sd-proxy manifest, and k8sd answering both tokens through the proxy pod', async () => {
    const core = workload.makeApiClient(CoreV1Api);
    await core.readNamespacedConfigMap({ namespace: 'kube-system', name: 'k8sd-config' });
    expect((await core.readNamespacedConfigMap({ namespace: 'kube-system', name: 'k8sd-proxy-config' })).data).toEqual({ 'k8sd-port': '2380' });
    const pod = await waitFor('the k8sd-proxy pod of cp-0', () => core.readNamespacedPod({ namespace: 'kube-system', name: 'k8sd-proxy-cp-0' }), {
      timeoutMs: 10_000,
    });
    expect(pod.spec?.nodeName).toBe('cp-0');
    const { client: controlPlane, nodeName } = await k8sd().forControlPlane();
    expect(nodeName).toBe('cp-0');
    controlPlane.close();
    const node = await k8sd().forNode('cp-0', nodeTokens.get('cp-0') ?? '');
    expect((await node.certificatesExpiry()).getTime()).toBeGreaterThan(Date.now());
    node.close();
  });

  it('reports the version a k8sd snap refresh (in-place upgrade) installed on the Node', async () => {
    const node = await k8sd().forNode('cp-0', nodeTokens.get('cp-0') ?? '');
    const change = await node.snapRefresh({ channel: '1.34-classic/stable' });
    await waitFor('the snap refresh to complete', async () => ((await node.snapRefreshStatus(change)).status === 'Done' ? true : undefined), {
      timeoutMs: 20_000,
      intervalMs: 500,
    });
    node.close();
    await waitFor('the Node to report v1.34.0', async () => ((await workloadNode('cp-0')).status?.nodeInfo?.kubeletVersion === 'v1.34.0' ? true : undefined), {
      timeoutMs: 10_000,
    });
  });

  it('fails the boot of a machine whose join token k8sd never issued, and the SimMachine says why', async () => {
    const dataSecretName = 'bogus-join-bootstrap';
    const userData = renderCloudConfig({
      role: 'worker',
      spec,
      cluster: clusterFacts(await cluster()),
      nodeToken: randomToken(),
      secretValue: () => undefined,
      joinToken: 'sim-worker-never-issued',
    });
    await client.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { namespace, name: dataSecretName },
      type: 'cluster.x-k8s.io/secret',
      data: { value: Buffer.from(userData).toString('base64') },
    } as KubeObject);
    await client.create({ apiVersion: simApiVersion, kind: 'SimMachine', metadata: { namespace, name: 'bogus-join' }, spec: {} });
    await client.create({
      apiVersion: clusterApiVersion,
      kind: 'Machine',
      metadata: { namespace, name: 'bogus-join', labels: { 'cluster.x-k8s.io/cluster-name': CLUSTER } },
      spec: { clusterName: CLUSTER, version: VERSION, bootstrap: { dataSecretName }, infrastructureRef: { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'SimMachine', name: 'bogus-join' } },
    } as KubeObject);
    const ready = await waitFor(
      'the SimMachine to report its failed boot',
      async () => (await client.get(simKinds.simMachine, { namespace, name: 'bogus-join' })).status?.conditions?.find((condition) => condition.reason === 'BootFailed'),
      { timeoutMs: 60_000, intervalMs: 250, explain: () => JSON.stringify(provider.cloud.machineState(`${namespace}/bogus-join`)) },
    );
    expect(ready.message).toContain('join token for bogus-join is unknown or already used');
    await deleteMachine('bogus-join');
  });

  it('joins a worker with a k8sd join token: its Node registers without the control plane role', async () => {
    await bootMachine('worker-0', 'worker');
    const node = await workloadNode('worker-0');
    expect(node.spec?.providerID).toBe(`sim://${CLUSTER}/worker-0`);
    expect(node.metadata?.labels?.['node-role.kubernetes.io/control-plane']).toBeUndefined();
    expect(workloadCluster().k8sdCluster?.members().map((member) => `${member.name}:${member.role}`)).toEqual(['cp-0:control-plane', 'worker-0:worker']);
  });

  it('deleting the worker machine stops its node: its k8sd refuses connections, the API server stays up', async () => {
    const address = provider.cloud.machineNode(`${namespace}/worker-0`)?.address ?? '';
    const port = workloadCluster().microclusterPort ?? 0;
    await deleteMachine('worker-0');
    const direct = new K8sdClient(directTransport({ address, port }), { authToken });
    await expect(direct.probe()).rejects.toThrow(/ECONNREFUSED/);
    expect(await answersVersion(workload)).toBe(true);
  });

  it('keeps quorum when a control plane member is removed from the datastore before its machine goes', async () => {
    await bootMachine('cp-1', 'join-control-plane');
    const { client: controlPlane } = await k8sd().forControlPlane({ ignoreNodes: ['cp-1'] });
    await controlPlane.removeNode('cp-1');
    controlPlane.close();
    await deleteMachine('cp-1');
    expect(await answersVersion(workload)).toBe(true);
    expect(workloadCluster().quorumLostAt).toBeUndefined();
  });

  it('stops answering on the endpoint once the datastore loses quorum (a member deleted without removal)', async () => {
    await bootMachine('cp-2', 'join-control-plane');
    await client.delete(simKinds.simMachine, { namespace, name: 'cp-2' });
    await waitFor('the workload endpoint to stop answering', async () => ((await answersVersion(workload)) ? undefined : true), { timeoutMs: 30_000 });
    expect(workloadCluster().serving).toBe(false);
    expect(workloadCluster().quorumLostAt).toBeInstanceOf(Date);
  });

  it('deleting the Cluster stops the workload control plane processes and removes their folders', async () => {
    const processes = workloadCluster().processIds();
    const folders = workloadCluster().folders();
    expect(processes.length).toBeGreaterThan(0);
    await client.delete(simKinds.cluster, { namespace, name: CLUSTER });
    await waitFor('the Cluster to be gone', async () => ((await client.find(simKinds.cluster, { namespace, name: CLUSTER })) ? undefined : true), {
      timeoutMs: 120_000,
      intervalMs: 250,
    });
    expect(provider.cloud.cluster(`${namespace}/${CLUSTER}`)).toBeUndefined();
    for (const pid of processes) expect(() => process.kill(pid, 0)).toThrow();
    for (const folder of folders) expect(existsSync(folder)).toBe(false);
  });

  it('stopping the provider stops a running cluster: no workload process, node listener or folder is left', async () => {
    const key = `${namespace}/left-running`;
    const simulated = provider.cloud.ensureCluster(key, { host: '127.0.0.1', port: await freeLoopbackPort() });
    const userData = renderCloudConfig({
      role: 'init-control-plane',
      spec,
      cluster: { controlPlaneEndpointHost: '127.0.0.1' },
      nodeToken: randomToken(),
      secretValue: () => undefined,
      ...pki,
      authToken,
      k8sdProxyManifest: k8sdProxyManifest(),
    });
    provider.cloud.boot({ key: `${namespace}/left-running-0`, clusterKey: key, machineName: 'left-running-0', providerID: 'sim://left-running/left-running-0', userData, kubernetesVersion: VERSION });
    await waitFor('the machine to boot', () => (provider.cloud.machineState(`${namespace}/left-running-0`)?.phase === 'booted' ? true : undefined), {
      timeoutMs: 60_000,
      explain: () => JSON.stringify(provider.cloud.machineState(`${namespace}/left-running-0`)),
    });
    const processes = simulated.processIds();
    const folders = simulated.folders();
    const address = provider.cloud.machineNode(`${namespace}/left-running-0`)?.address ?? '';
    const port = simulated.microclusterPort ?? 0;
    expect(processes).toHaveLength(2);
    await provider.stop();
    for (const pid of processes) expect(() => process.kill(pid, 0)).toThrow();
    for (const folder of folders) expect(existsSync(folder)).toBe(false);
    await expect(new K8sdClient(directTransport({ address, port }), { authToken }).probe()).rejects.toThrow(/ECONNREFUSED/);
    expect(readdirSync(tmpdir()).filter((name) => name.startsWith(`capi-ck8s-testenv-sim-${namespace}-`) || name.startsWith('capi-ck8s-sim-kubectl-'))).toEqual([]);
  });
});
