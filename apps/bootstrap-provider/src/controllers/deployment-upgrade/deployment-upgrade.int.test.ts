// A MachineDeployment upgraded in place one Machine at a time: the real Cluster API core creates the Machines from
// the templates, the k8sd SIMULATOR plays their nodes.
import type { SimulatedCluster } from '@capi-ck8s/k8sd-sim';
import { type KubeObject, type Manager } from '@capi-ck8s/runtime';
import { createTestNamespace, sharedEnvironment, waitFor } from '@capi-ck8s/testenv';
import { kinds, type MachineObject } from '../../kinds';
import { type ClusterFixture, installAllCrds, startProvider, startRunningCluster, testClient, WorkloadCluster } from '../../test-support/int-env';
import { testKinds } from '../../test-support/test-crds';

const env = sharedEnvironment();
const kubeConfig = env.kubeConfig();
const client = testClient(kubeConfig);
const annotation = {
  to: 'v1beta2.k8sd.io/in-place-upgrade-to',
  status: 'v1beta2.k8sd.io/in-place-upgrade-status',
  release: 'v1beta2.k8sd.io/in-place-upgrade-release',
};
let namespace: string;
let manager: Manager;
let workload: WorkloadCluster;
let fixture: ClusterFixture;
let simulated: SimulatedCluster;
let machines: MachineObject[];

async function deploymentMachines(): Promise<MachineObject[]> {
  return client.list(kinds.machine, { namespace, labelSelector: 'cluster.x-k8s.io/deployment-name=workers' });
}

beforeAll(async () => {
  await installAllCrds(kubeConfig);
  [namespace, workload] = await Promise.all([createTestNamespace(kubeConfig, 'cabpck-md'), WorkloadCluster.start({ snapRefreshDurationMs: 300 })]);
  manager = await startProvider(kubeConfig, namespace, { upgradePolicy: { maxAttempts: 3, backoffBaseMs: 300, backoffMaxMs: 1000, pollMs: 100 } });
  ({ fixture, simulated } = await startRunningCluster(client, workload, namespace, 'md', []));
  await client.create({ ...testKinds.infrastructureMachineTemplate, metadata: { name: 'workers', namespace }, spec: { template: { spec: {} } } });
  await client.create({
    apiVersion: 'bootstrap.cluster.x-k8s.io/v1beta2',
    kind: 'CK8sConfigTemplate',
    metadata: { name: 'workers', namespace },
    spec: { template: { spec: { controlPlane: { microclusterPort: workload.port } } } },
  });
  await client.create({
    apiVersion: 'cluster.x-k8s.io/v1beta2',
    kind: 'MachineDeployment',
    metadata: { name: 'workers', namespace },
    spec: {
      clusterName: 'md',
      replicas: 2,
      selector: { matchLabels: { pool: 'workers' } },
      template: {
        metadata: { labels: { pool: 'workers' } },
        spec: {
          clusterName: 'md',
          version: 'v1.33.2',
          bootstrap: { configRef: { apiGroup: 'bootstrap.cluster.x-k8s.io', kind: 'CK8sConfigTemplate', name: 'workers' } },
          infrastructureRef: { apiGroup: testKinds.infrastructureMachineTemplate.apiVersion.split('/')[0], kind: testKinds.infrastructureMachineTemplate.kind, name: 'workers' },
        },
      },
    },
  } as KubeObject);
  machines = await waitFor('the MachineDeployment to create two Machines', async () => {
    const found = await deploymentMachines();
    return found.length === 2 ? found : undefined;
  }, { timeoutMs: 60_000, intervalMs: 200 });
  for (const machine of machines) {
    const name = machine.metadata.name ?? '';
    await fixture.waitForData(machine.spec.bootstrap.configRef?.name ?? '');
    await workload.joinNode(simulated, name, (await fixture.nodeToken(name)) ?? '', 'worker');
    await fixture.provisionMachine(name, machine.spec.infrastructureRef.name);
  }
  await Promise.all(machines.map((machine) => fixture.waitForNodeRef(machine.metadata.name ?? '', 90_000)));
}, 240_000);

afterAll(async () => {
  await manager?.stop();
  await workload?.stop();
});

describe('MachineDeployment in-place upgrade', () => {
  it('upgrades the Machines one at a time and records the release on the MachineDeployment', async () => {
    await client.mergePatch(kinds.machineDeployment, { namespace, name: 'workers' }, { metadata: { annotations: { [annotation.to]: 'channel=1.34-classic/stable' } } });
    let concurrent = 0;
    const final = await waitFor(
      'the MachineDeployment to finish',
      async () => {
        const upgrading = (await deploymentMachines()).filter((machine) => machine.metadata.annotations?.[annotation.status] === 'in-progress');
        concurrent = Math.max(concurrent, upgrading.length);
        const deployment = await client.get(kinds.machineDeployment, { namespace, name: 'workers' });
        return deployment.metadata.annotations?.[annotation.status] === 'done' ? deployment : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 20 },
    );
    expect(final.metadata.annotations).toMatchObject({ [annotation.release]: 'channel=1.34-classic/stable' });
    expect(final.metadata.annotations?.[annotation.to]).toBeUndefined();
    expect(concurrent).toBe(1);
    for (const machine of await deploymentMachines()) {
      expect(machine.metadata.annotations?.[annotation.release]).toBe('channel=1.34-classic/stable');
      expect(simulated.node(machine.metadata.name ?? '')?.snap.channel).toBe('1.34-classic/stable');
    }
  });

  it('resumes after a provider restart in the middle of the rollout', async () => {
    await client.mergePatch(kinds.machineDeployment, { namespace, name: 'workers' }, { metadata: { annotations: { [annotation.to]: 'revision=9001' } } });
    await waitFor(
      'the first Machine to be upgrading',
      async () => ((await deploymentMachines()).some((machine) => machine.metadata.annotations?.[annotation.to] === 'revision=9001') ? true : undefined),
      { timeoutMs: 30_000, intervalMs: 20 },
    );
    await manager.stop();
    manager = await startProvider(kubeConfig, namespace, { upgradePolicy: { maxAttempts: 3, backoffBaseMs: 300, backoffMaxMs: 1000, pollMs: 100 } });
    await waitFor(
      'the MachineDeployment to finish',
      async () => {
        const deployment = await client.get(kinds.machineDeployment, { namespace, name: 'workers' });
        return deployment.metadata.annotations?.[annotation.release] === 'revision=9001' ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 50 },
    );
    for (const machine of await deploymentMachines()) expect(simulated.node(machine.metadata.name ?? '')?.snap.revision).toBe('9001');
  });
});
