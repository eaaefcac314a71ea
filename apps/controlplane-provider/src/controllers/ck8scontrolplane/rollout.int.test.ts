// Rolling upgrades through the real Cluster API core controllers: maxSurge 1 (N → N+1 → N) never has fewer Ready
// control plane nodes than spec.replicas, maxSurge 0 (N → N−1 → N) never more machines than spec.replicas, and a provider restarted mid-rollout resumes without extra machines.
// The test plays the infrastructure provider and the machines; k8sd is SIMULATED.
import { sharedEnvironment } from '@capi-ck8s/testenv';
import { kinds, type ControlPlaneObject, type MachineObject } from '../../kinds';
import { type ClusterUnderTest, condition, ProviderTestBed } from '../../test-support/int-env';

const bed = new ProviderTestBed(sharedEnvironment().kubeConfig(), 'rollout');
const { client, durations } = bed;
const upgradedVersion = 'v1.34.1';

async function readyCluster(name: string, replicas: number): Promise<ClusterUnderTest> {
  const cluster = await bed.newCluster(name, { replicas });
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

  it('with maxSurge 0 replaces every machine without ever exceeding replicas, one Ready node short at most', async () => {
    const cluster = await readyCluster('nosurge', 3);
    await client.mergePatch(kinds.controlPlane, cluster.key, { spec: { rolloutStrategy: { rollingUpdate: { maxSurge: 0 } } } });
    const started = performance.now();
    await client.mergePatch(kinds.controlPlane, cluster.key, { spec: { version: upgradedVersion } });
    await cluster.waitForControlPlane('three upgraded Ready machines', upgradedTo(3, upgradedVersion), 240_000);
    durations['rollout 3 machines, maxSurge 0'] = Math.round(performance.now() - started);
    expect(cluster.maximumMachinesSince(started)).toBe(3);
    expect(cluster.minimumReadySince(started)).toBe(2);
  }, 420_000);

  it('resumes after a provider restart mid-rollout without creating extra machines', async () => {
    const cluster = await readyCluster('restart', 3);
    const started = performance.now();
    await client.mergePatch(kinds.controlPlane, cluster.key, { spec: { version: upgradedVersion } });
    await cluster.waitForControlPlane('the surge machine', (_cp, machines) => machines.length === 4, 60_000);
    await bed.restartProvider(2_000, async () => {
      expect(await cluster.machines()).toHaveLength(4);
    });
    await cluster.waitForControlPlane('three upgraded Ready machines', upgradedTo(3, upgradedVersion), 240_000);
    durations['rollout with a restart'] = Math.round(performance.now() - started);
    expect(cluster.maximumMachinesSince(started)).toBe(4);
    expect(cluster.minimumReadySince(started)).toBeGreaterThanOrEqual(3);
  }, 420_000);
});
