// Rolling upgrades through the real Cluster API core controllers: maxSurge 1 (N → N+1 → N) never has fewer Ready
// control plane nodes than spec.replicas, and a provider restarted mid-rollout resumes without extra machines.
// The test plays the infrastructure provider and the machines; k8sd is SIMULATED.
import type { K8sdSimulator } from '@capi-ck8s/k8sd-sim';
import { createTestNamespace, sharedEnvironment } from '@capi-ck8s/testenv';
import { kinds, type ControlPlaneObject, type MachineObject } from '../../kinds';
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
const upgradedVersion = 'v1.34.1';

beforeAll(async () => {
  [namespace, { simulator, port }] = await Promise.all([createTestNamespace(kubeConfig, 'cacpck-rollout'), startSimulator(), installAllCrds(kubeConfig)]);
  provider = await startProvider(kubeConfig, namespace);
}, 120_000);

afterAll(async () => {
  await provider?.stop();
  await Promise.all(clusters.map((cluster) => cluster.stop()));
  await simulator?.stop();
  process.stdout.write(`control plane rollout durations (ms): ${JSON.stringify(durations)}\n`);
});

async function readyCluster(name: string, replicas: number): Promise<ClusterUnderTest> {
  const cluster = new ClusterUnderTest(client, namespace, name, simulator, port);
  clusters.push(cluster);
  await cluster.create({ replicas });
  await cluster.provisionInfrastructure();
  await cluster.startWorkload();
  cluster.startPlaying();
  await cluster.waitForControlPlane(`${replicas} Ready machines`, upgradedTo(replicas, 'v1.33.2'), 150_000);
  return cluster;
}

const upgradedTo = (replicas: number, version: string) => (controlPlane: ControlPlaneObject, machines: MachineObject[]) =>
  machines.length === replicas &&
  machines.every((machine) => !machine.metadata.deletionTimestamp && machine.spec.version === version && machine.status?.nodeRef) &&
  controlPlane.status?.readyReplicas === replicas &&
  controlPlane.status.upToDateReplicas === replicas &&
  controlPlane.status.version === version;

describe('a rolling upgrade of three control plane machines', () => {
  it('with maxSurge 1 replaces every machine and never has fewer Ready nodes than replicas', async () => {
    const cluster = await readyCluster('surge', 3);
    const before = new Set((await cluster.machines()).map((machine) => machine.metadata.name));
    const started = performance.now();
    await client.mergePatch(kinds.controlPlane, cluster.key, { spec: { version: upgradedVersion } });
    await cluster.waitForControlPlane('a RollingOut condition', (cp) => condition(cp, 'RollingOut')?.status === 'True', 30_000);
    const done = await cluster.waitForControlPlane('three upgraded Ready machines', upgradedTo(3, upgradedVersion), 240_000);
    durations['rollout 3 machines, maxSurge 1'] = Math.round(performance.now() - started);

    expect((await cluster.machines()).some((machine) => before.has(machine.metadata.name))).toBe(false);
    expect(cluster.minimumReadySince(started)).toBeGreaterThanOrEqual(3);
    expect(cluster.maximumMachinesSince(started)).toBe(4);
    expect(condition(done, 'RollingOut')?.status).toBe('False');
    expect(condition(done, 'MachinesUpToDate')?.status).toBe('True');
    expect(done.status?.versions).toEqual([{ version: upgradedVersion, replicas: 3 }]);
  }, 420_000);

  it('resumes after a provider restart mid-rollout without creating extra machines', async () => {
    const cluster = await readyCluster('restart', 3);
    const started = performance.now();
    await client.mergePatch(kinds.controlPlane, cluster.key, { spec: { version: upgradedVersion } });
    await cluster.waitForControlPlane('the surge machine', (_cp, machines) => machines.length === 4, 60_000);
    await provider.stop();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await cluster.machines()).toHaveLength(4);
    provider = await startProvider(kubeConfig, namespace);
    await cluster.waitForControlPlane('three upgraded Ready machines', upgradedTo(3, upgradedVersion), 240_000);
    durations['rollout with a restart'] = Math.round(performance.now() - started);
    expect(cluster.maximumMachinesSince(started)).toBe(4);
    expect(cluster.minimumReadySince(started)).toBeGreaterThanOrEqual(3);
  }, 420_000);
});
