// A control plane's life through the real Cluster API core controllers: initialisation (the kubeconfig it writes
// authenticates against a real workload apiserver serving with the CAs it generated), scaling 1 → 3 → 1 with k8sd
// remove-node on the way down. The test plays the infrastructure provider and the machines; k8sd is SIMULATED.
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { K8sdSimulator } from '@capi-ck8s/k8sd-sim';
import { createTestNamespace, sharedEnvironment } from '@capi-ck8s/testenv';
import { kinds, secretText } from '../../kinds';
import { ClusterUnderTest, condition, installAllCrds, type RunningProvider, startProvider, startSimulator, testClient } from '../../test-support/int-env';

const env = sharedEnvironment();
const kubeConfig = env.kubeConfig();
const client = testClient(kubeConfig);
let namespace: string;
let provider: RunningProvider;
let simulator: K8sdSimulator;
let port: number;
const clusters: ClusterUnderTest[] = [];
const durations: Record<string, number> = {};

beforeAll(async () => {
  [namespace, { simulator, port }] = await Promise.all([createTestNamespace(kubeConfig, 'cacpck-lifecycle'), startSimulator(), installAllCrds(kubeConfig)]);
  provider = await startProvider(kubeConfig, namespace);
}, 120_000);

afterAll(async () => {
  await provider?.stop();
  await Promise.all(clusters.map((cluster) => cluster.stop()));
  await simulator?.stop();
  process.stdout.write(`control plane lifecycle durations (ms): ${JSON.stringify(durations)}\n`);
});

async function newCluster(name: string, replicas = 1): Promise<ClusterUnderTest> {
  const cluster = new ClusterUnderTest(client, namespace, name, simulator, port);
  clusters.push(cluster);
  await cluster.create({ replicas });
  await cluster.provisionInfrastructure();
  await cluster.startWorkload();
  cluster.startPlaying();
  return cluster;
}

const readyWith = (replicas: number) => (controlPlane: { status?: { readyReplicas?: number; replicas?: number; upToDateReplicas?: number } }, machines: { metadata: { deletionTimestamp?: string } }[]) =>
  controlPlane.status?.replicas === replicas && controlPlane.status.readyReplicas === replicas && machines.length === replicas && machines.every((machine) => !machine.metadata.deletionTimestamp);

describe('a CK8sControlPlane', () => {
  it('initialises one machine and writes a kubeconfig that authenticates against the workload apiserver', async () => {
    const started = performance.now();
    const cluster = await newCluster('init');
    const controlPlane = await cluster.waitForControlPlane('one Ready, initialized control plane machine', (cp, machines) => readyWith(1)(cp, machines) && cp.status?.initialization?.controlPlaneInitialized === true);
    durations['initialise 1 machine'] = Math.round(performance.now() - started);

    expect(condition(controlPlane, 'Available')?.status).toBe('True');
    expect(condition(controlPlane, 'CertificatesAvailable')?.status).toBe('True');
    expect(controlPlane.status?.selector).toBe('cluster.x-k8s.io/cluster-name=init,cluster.x-k8s.io/control-plane');
    const [machine] = await cluster.machines();
    expect(machine?.metadata.labels).toMatchObject({ 'cluster.x-k8s.io/cluster-name': 'init', 'cluster.x-k8s.io/control-plane': '', 'cluster.x-k8s.io/control-plane-name': 'init' });
    expect(machine?.spec.version).toBe('v1.33.2');
    const config = await client.get(kinds.config, { namespace, name: machine?.spec.bootstrap.configRef?.name ?? '' });
    expect(config.spec?.controlPlane?.microclusterPort).toBe(port);

    const secret = await client.get(kinds.secret, { namespace, name: 'init-kubeconfig' });
    expect(secret.type).toBe('cluster.x-k8s.io/secret');
    expect(secret.metadata.labels?.['cluster.x-k8s.io/cluster-name']).toBe('init');
    expect(secret.metadata.ownerReferences?.find((owner) => owner.controller)?.kind).toBe('CK8sControlPlane');
    const workloadConfig = new KubeConfig();
    workloadConfig.loadFromString(secretText(secret, 'value') ?? '');
    const nodes = await workloadConfig.makeApiClient(CoreV1Api).listNode();
    expect(nodes.items.map((node) => node.metadata?.name)).toEqual([machine?.metadata.name]);
  }, 150_000);

  it('scales 1 → 3 → 1, removing each node from the cluster through k8sd before deleting its machine', async () => {
    const cluster = await newCluster('scale');
    await cluster.waitForControlPlane('one Ready machine', readyWith(1));
    let started = performance.now();
    await client.mergePatch(kinds.controlPlane, cluster.key, { spec: { replicas: 3 } });
    const scaledUp = await cluster.waitForControlPlane('three Ready machines', readyWith(3));
    durations['scale 1 → 3'] = Math.round(performance.now() - started);
    expect(condition(scaledUp, 'ScalingUp')?.status).toBe('False');
    expect(cluster.maximumMachinesSince(started)).toBeLessThanOrEqual(3);

    started = performance.now();
    const removalsBefore = simulator.requests.filter((request) => request.path.endsWith('/remove-node')).length;
    await client.mergePatch(kinds.controlPlane, cluster.key, { spec: { replicas: 1 } });
    await cluster.waitForControlPlane('one Ready machine again', readyWith(1));
    durations['scale 3 → 1'] = Math.round(performance.now() - started);
    const removals = simulator.requests.filter((request) => request.path.endsWith('/remove-node') && request.statusCode === 200).length - removalsBefore;
    expect(removals).toBe(2);
    expect(cluster.simulated?.members()).toHaveLength(1);
  }, 240_000);
});
