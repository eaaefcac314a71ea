// One init, two control plane joins and three workers through the real Cluster API core controllers; the test plays
// the infrastructure and control plane providers, and the k8sd SIMULATOR plays the nodes' k8sd.
import { load } from 'js-yaml';
import type { SimulatedCluster } from '@capi-ck8s/k8sd-sim';
import { bootstrapApiVersion } from '@capi-ck8s/api';
import type { KubeObject, Manager } from '@capi-ck8s/runtime';
import { createTestNamespace, sharedEnvironment, waitFor } from '@capi-ck8s/testenv';
import { kinds, type Secret, secretText } from '../../kinds';
import { ClusterFixture, installAllCrds, startProvider, testClient, WorkloadCluster } from '../../test-support/int-env';
import { testKinds } from '../../test-support/test-crds';

interface CloudConfig {
  write_files: { path: string; content: string }[];
  runcmd: string[];
}

function cloudConfigOf(secret: Secret): CloudConfig {
  return load(secretText(secret, 'value') ?? '') as CloudConfig;
}

function fileIn(secret: Secret, path: string): string | undefined {
  return cloudConfigOf(secret).write_files.find((file) => file.path === path)?.content;
}

const env = sharedEnvironment();
const kubeConfig = env.kubeConfig();
const client = testClient(kubeConfig);
let namespace: string;
let manager: Manager;
let workload: WorkloadCluster;
let simulatedAlpha: SimulatedCluster | undefined;
const timings: Record<string, number[]> = { init: [], 'join-control-plane': [], worker: [] };

beforeAll(async () => {
  [namespace, workload] = await Promise.all([createTestNamespace(kubeConfig, 'cabpck-bootstrap'), WorkloadCluster.start(), installAllCrds(kubeConfig)]).then(
    ([created, started]) => [created, started] as const,
  );
  manager = await startProvider(kubeConfig, namespace);
}, 120_000);

afterAll(async () => {
  await manager?.stop();
  await workload?.stop();
  process.stdout.write(`bootstrap timings (ms, Machine created → data secret seen): ${JSON.stringify(timings)}\n`);
});

describe('bootstrapping a cluster', () => {
  it('initialises with exactly one of three control plane machines, then joins the others and three workers', async () => {
    const fixture = new ClusterFixture(client, namespace, 'alpha');
    await fixture.create();
    await fixture.createTokenSecret();
    await fixture.provisionInfrastructure();
    const spec = { controlPlane: { microclusterPort: workload.port } };

    const controlPlanes = ['alpha-cp-0', 'alpha-cp-1', 'alpha-cp-2'];
    const workers = ['alpha-worker-0', 'alpha-worker-1', 'alpha-worker-2'];
    const created = new Map<string, number>();
    await Promise.all(
      [...controlPlanes, ...workers].map(async (name) => created.set(name, await fixture.createMachine(name, { controlPlane: controlPlanes.includes(name), spec }))),
    );

    const initName = await firstWithData(fixture, controlPlanes);
    const init = await fixture.waitForData(initName);
    timings['init']?.push(init.seenAt - (created.get(initName) ?? 0));
    const others = controlPlanes.filter((name) => name !== initName);

    // Exactly one init: the others wait on the lock, workers wait for the control plane.
    for (const name of others) {
      const waiting = await fixture.waitForCondition(name, 'DataSecretAvailable', (value) => value.status === 'False');
      expect(waiting.reason).toBe('WaitingForControlPlaneAvailable');
      expect(waiting.message).toContain(`Machine ${initName}, which holds the init lock (ConfigMap ${namespace}/alpha-lock)`);
    }
    for (const name of workers) {
      const waiting = await fixture.waitForCondition(name, 'DataSecretAvailable', (value) => value.status === 'False');
      expect(waiting.message).toContain('waiting for the control plane of Cluster alpha to be initialised');
    }
    for (const name of [...others, ...workers]) expect(await fixture.dataSecret(name)).toBeUndefined();

    const initNodeToken = await expectInitData(fixture, initName, init.secret);

    // The first node comes up (in the simulator); the control plane provider reports the cluster initialised.
    const simulated = await workload.bootstrapFirstNode('alpha', fixture.authToken, initName, initNodeToken);
    simulatedAlpha = simulated;
    const initialisedAt = performance.now();
    await fixture.initializeControlPlane(workload.kubeconfigText());

    const joined = await Promise.all([...others, ...workers].map(async (name) => ({ name, ...(await fixture.waitForData(name)) })));
    for (const { name, seenAt } of joined) {
      process.stdout.write(`${name}: data ${Math.round(seenAt - initialisedAt)} ms after the control plane was reported initialised\n`);
    }

    await expectJoinData(fixture, simulated, others, workers);
    // The lock has served its purpose.
    expect(await client.find(kinds.configMap, { namespace, name: 'alpha-lock' })).toBeUndefined();
    // Cluster API copies the data secret name onto the Machines.
    for (const name of [...controlPlanes, ...workers]) {
      await fixture.waitForMachineDataSecret(name);
    }

    // Machines created after initialisation: measured from creation to data.
    for (const [name, controlPlane, role] of [
      ['alpha-cp-3', true, 'join-control-plane'],
      ['alpha-worker-3', false, 'worker'],
    ] as const) {
      const createdAt = await fixture.createMachine(name, { controlPlane, spec });
      const { seenAt } = await fixture.waitForData(name);
      timings[role]?.push(seenAt - createdAt);
    }
  }, 180_000);

  it('bootstraps a MachinePool as workers, with one node token for the pool', async () => {
    const fixture = new ClusterFixture(client, namespace, 'alpha');
    await client.create({ apiVersion: bootstrapApiVersion, kind: 'CK8sConfig', metadata: { name: 'alpha-pool', namespace }, spec: { controlPlane: { microclusterPort: workload.port } } });
    await client.create({ ...testKinds.infrastructureMachinePool, metadata: { name: 'alpha-pool', namespace }, spec: {} });
    const createdAt = performance.now();
    await client.create({
      apiVersion: 'cluster.x-k8s.io/v1beta2',
      kind: 'MachinePool',
      metadata: { name: 'alpha-pool', namespace, labels: { 'cluster.x-k8s.io/cluster-name': 'alpha' } },
      spec: {
        clusterName: 'alpha',
        replicas: 2,
        template: {
          spec: {
            clusterName: 'alpha',
            version: 'v1.33.2',
            bootstrap: { configRef: { apiGroup: 'bootstrap.cluster.x-k8s.io', kind: 'CK8sConfig', name: 'alpha-pool' } },
            infrastructureRef: { apiGroup: testKinds.infrastructureMachinePool.apiVersion.split('/')[0], kind: testKinds.infrastructureMachinePool.kind, name: 'alpha-pool' },
          },
        },
      },
    } as KubeObject);
    const { secret, seenAt } = await fixture.waitForData('alpha-pool');
    timings['machine-pool'] = [seenAt - createdAt];
    expect(workloadJoinToken(secret)).toMatchObject({ name: '', role: 'worker' });
    expect(fileIn(secret, '/capi/etc/node-token')).toBe(await fixture.nodeToken('alpha-pool'));
    await waitFor(
      'Cluster API to give the pool its data secret',
      async () => (await client.get(kinds.machinePool, { namespace, name: 'alpha-pool' })).spec.template.spec.bootstrap.dataSecretName,
      { timeoutMs: 30_000, intervalMs: 100 },
    );
  }, 60_000);
});

function workloadJoinToken(secret: Secret) {
  return simulatedAlpha?.pendingJoinTokens().find((candidate) => candidate.token === fileIn(secret, '/capi/etc/join-token'));
}

function firstWithData(fixture: ClusterFixture, names: string[]): Promise<string> {
  return waitFor(
    'one control plane machine to get init data',
    async () => {
      for (const name of names) if (await fixture.dataSecret(name)) return name;
      return undefined;
    },
    { timeoutMs: 60_000, intervalMs: 25 },
  );
}

async function expectInitData(fixture: ClusterFixture, initName: string, secret: Secret): Promise<string> {
  // The init data: contract shape, the cluster CAs generated, the auth token and this machine's node token.
  expect(secret).toMatchObject({
    type: 'cluster.x-k8s.io/secret',
    metadata: { labels: { 'cluster.x-k8s.io/cluster-name': 'alpha' }, ownerReferences: [expect.objectContaining({ kind: 'CK8sConfig', name: initName, controller: true })] },
  });
  expect(secretText(secret, 'format')).toBe('cloud-config');
  const ca = await client.get(kinds.secret, { namespace, name: 'alpha-ca' });
  expect(ca.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Cluster', name: 'alpha' })]);
  const config = load(fileIn(secret, '/capi/etc/config.yaml') ?? '') as Record<string, unknown>;
  expect(config['ca-crt']).toBe(secretText(ca, 'tls.crt'));
  expect(config['extra-sans']).toEqual(['10.0.0.10']);
  expect(fileIn(secret, '/capi/etc/token')).toBe(fixture.authToken);
  const initNodeToken = (await fixture.nodeToken(initName)) ?? '';
  expect(initNodeToken).toMatch(/^[0-9a-f]{32}$/);
  expect(fileIn(secret, '/capi/etc/node-token')).toBe(initNodeToken);
  expect(cloudConfigOf(secret).runcmd).toContain('/capi/scripts/bootstrap.sh');
  const initConfig = await fixture.waitForDataInStatus(initName);
  expect(initConfig.status).toMatchObject({ dataSecretName: initName, initialization: { dataSecretCreated: true }, ready: true });
  expect(initConfig.spec?.version).toBe('v1.33.2');
  return initNodeToken;
}

async function expectJoinData(fixture: ClusterFixture, simulated: SimulatedCluster, controlPlanes: string[], workers: string[]): Promise<void> {
  const pending = simulated.pendingJoinTokens();
  for (const name of controlPlanes) {
    const secret = (await fixture.dataSecret(name)) as Secret;
    const token = pending.find((candidate) => candidate.token === fileIn(secret, '/capi/etc/join-token'));
    expect(token).toMatchObject({ name, role: 'control-plane' });
    expect(cloudConfigOf(secret).runcmd).toContain('/capi/scripts/join-cluster.sh');
    const joinConfig = load(fileIn(secret, '/capi/etc/config.yaml') ?? '') as Record<string, unknown>;
    expect(joinConfig['extra-sans']).toEqual([name, '10.0.0.10']);
    expect(fileIn(secret, '/capi/etc/node-token')).toBe(await fixture.nodeToken(name));
  }
  for (const name of workers) {
    const secret = (await fixture.dataSecret(name)) as Secret;
    const token = pending.find((candidate) => candidate.token === fileIn(secret, '/capi/etc/join-token'));
    expect(token).toMatchObject({ name: '', role: 'worker' });
    expect(cloudConfigOf(secret).runcmd).not.toContain('/capi/scripts/wait-apiserver-ready.sh');
  }
}