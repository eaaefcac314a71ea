// Waits, pause, bad specs, the init lock under contention and garbage collection, on the real apiserver with the
// real Cluster API core controllers.
import type { Manager } from '@capi-ck8s/runtime';
import { createTestNamespace, sharedEnvironment, waitFor } from '@capi-ck8s/testenv';
import { kinds } from '../../kinds';
import { ClusterFixture, installAllCrds, startProvider, testClient } from '../../test-support/int-env';

const env = sharedEnvironment();
const kubeConfig = env.kubeConfig();
const client = testClient(kubeConfig);
let namespace: string;
const managers: Manager[] = [];

beforeAll(async () => {
  await installAllCrds(kubeConfig);
  namespace = await createTestNamespace(kubeConfig, 'cabpck-lifecycle');
  managers.push(await startProvider(kubeConfig, namespace));
}, 120_000);

afterAll(async () => {
  await Promise.all(managers.map((manager) => manager.stop()));
});

async function readyCluster(name: string, options: { token?: boolean; infrastructure?: boolean; inNamespace?: string } = {}): Promise<ClusterFixture> {
  const fixture = new ClusterFixture(client, options.inNamespace ?? namespace, name);
  await fixture.create();
  if (options.token ?? true) await fixture.createTokenSecret();
  if (options.infrastructure ?? true) await fixture.provisionInfrastructure();
  return fixture;
}

async function gone(description: string, probe: () => Promise<unknown>): Promise<void> {
  await waitFor(description, async () => ((await probe()) === undefined ? true : undefined), { timeoutMs: 60_000, intervalMs: 100 });
}

describe('waiting', () => {
  it('waits for the cluster infrastructure, then generates data as soon as it is provisioned', async () => {
    const fixture = await readyCluster('infra', { infrastructure: false });
    await fixture.createMachine('infra-cp-0', { controlPlane: true });
    const waiting = await fixture.waitForCondition('infra-cp-0', 'DataSecretAvailable', (value) => value.reason === 'WaitingForClusterInfrastructure');
    expect(waiting.message).toContain('TestInfraCluster infra of Cluster infra to be provisioned');
    expect(await fixture.dataSecret('infra-cp-0')).toBeUndefined();
    await fixture.provisionInfrastructure();
    await fixture.waitForData('infra-cp-0', 10_000);
  });

  it('names the missing cluster token, and continues the moment it is created (Secret watch, no timer)', async () => {
    const fixture = await readyCluster('tokenless', { token: false });
    await fixture.createMachine('tokenless-cp-0', { controlPlane: true });
    const waiting = await fixture.waitForCondition('tokenless-cp-0', 'DataSecretAvailable', (value) => value.status === 'False');
    expect(waiting.message).toBe(
      `waiting for Secret ${namespace}/tokenless-token with key "value" (the cluster auth token), which the control plane provider creates`,
    );
    // It keeps the init lock while it waits: nothing is wrong with this machine.
    const lock = await client.get(kinds.configMap, { namespace, name: 'tokenless-lock' });
    expect(JSON.parse(lock.data?.['lock-information'] ?? '')).toEqual({ machineName: 'tokenless-cp-0' });
    await fixture.createTokenSecret();
    // Well within the 30 s retry: the token Secret's creation enqueues the config.
    await fixture.waitForData('tokenless-cp-0', 10_000);
  });
});

describe('bad specs', () => {
  it('reports an ambiguous snap source on SnapInstallDataValidated, DataSecretAvailable and Ready, and lets another machine initialise', async () => {
    const fixture = await readyCluster('ambiguous');
    await fixture.createMachine('ambiguous-cp-0', { controlPlane: true, spec: { channel: '1.33-classic/stable', revision: '1234' } });
    const snap = await fixture.waitForCondition('ambiguous-cp-0', 'SnapInstallDataValidated', (value) => value.status === 'False');
    expect(snap).toMatchObject({ reason: 'SnapInstallValidationFailed' });
    expect(snap.message).toContain('at most one may be set, got channel, revision');
    expect(snap.message).toContain('set exactly one of spec.channel, spec.revision and spec.localPath');
    const data = await fixture.waitForCondition('ambiguous-cp-0', 'DataSecretAvailable', (value) => value.status === 'False');
    expect(data.reason).toBe('DataSecretGenerationFailed');
    const ready = await fixture.waitForCondition('ambiguous-cp-0', 'Ready', (value) => value.status === 'False');
    expect(ready.reason).toBe('DataSecretGenerationFailed');
    expect(await fixture.dataSecret('ambiguous-cp-0')).toBeUndefined();

    await fixture.createMachine('ambiguous-cp-1', { controlPlane: true });
    await fixture.waitForData('ambiguous-cp-1', 10_000);
  });

  it('names a contentFrom secret that does not exist', async () => {
    const fixture = await readyCluster('content');
    await fixture.createMachine('content-cp-0', {
      controlPlane: true,
      spec: { files: [{ path: '/etc/motd', contentFrom: { secret: { name: 'motd', key: 'text' } } }] },
    });
    const data = await fixture.waitForCondition('content-cp-0', 'DataSecretAvailable', (value) => value.reason === 'DataSecretGenerationFailed');
    expect(data.message).toBe('cannot generate the bootstrap data: spec.files[0].contentFrom.secret: Secret motd has no key text');
  });
});

describe('pause', () => {
  it('leaves a paused config alone (Paused=True) and bootstraps it once the annotation is removed', async () => {
    const fixture = await readyCluster('paused');
    await fixture.createMachine('paused-cp-0', { controlPlane: true, configAnnotations: { 'cluster.x-k8s.io/paused': '' } });
    const paused = await fixture.waitForCondition('paused-cp-0', 'Paused', (value) => value.status === 'True');
    expect(paused.message).toContain('cluster.x-k8s.io/paused annotation');
    expect(await fixture.dataSecret('paused-cp-0')).toBeUndefined();
    expect(await client.find(kinds.configMap, { namespace, name: 'paused-lock' })).toBeUndefined();

    await client.mergePatch(kinds.config, { namespace, name: 'paused-cp-0' }, { metadata: { annotations: { 'cluster.x-k8s.io/paused': null } } });
    await fixture.waitForData('paused-cp-0', 10_000);
    expect((await fixture.waitForCondition('paused-cp-0', 'Paused', (value) => value.status === 'False')).reason).toBe('NotPaused');
  });

  it('honours Cluster spec.paused and resumes when the Cluster is unpaused', async () => {
    const fixture = await readyCluster('frozen');
    await fixture.createMachine('frozen-worker-0', { controlPlane: false });
    await fixture.waitForCondition('frozen-worker-0', 'Paused', (value) => value.status === 'False');
    await fixture.setPaused(true);
    const paused = await fixture.waitForCondition('frozen-worker-0', 'Paused', (value) => value.status === 'True');
    expect(paused.message).toContain('Cluster frozen has spec.paused set');
    await fixture.setPaused(false);
    await fixture.waitForCondition('frozen-worker-0', 'Paused', (value) => value.status === 'False');
  });
});

describe('the init lock', () => {
  it('takes over a lock whose machine no longer exists', async () => {
    const fixture = await readyCluster('stale');
    await client.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'stale-lock', namespace },
      data: { 'lock-information': '{"machineName":"deleted-machine"}' },
    } as never);
    await fixture.createMachine('stale-cp-0', { controlPlane: true });
    await fixture.waitForData('stale-cp-0', 15_000);
    const lock = await client.get(kinds.configMap, { namespace, name: 'stale-lock' });
    expect(JSON.parse(lock.data?.['lock-information'] ?? '')).toEqual({ machineName: 'stale-cp-0' });
  });

  it('lets exactly one machine initialise when two provider replicas race over two control plane machines', async () => {
    const raceNamespace = await createTestNamespace(kubeConfig, 'cabpck-race');
    managers.push(
      await startProvider(kubeConfig, raceNamespace, { name: 'cabpck-replica-a', flags: { concurrency: 1 } }),
      await startProvider(kubeConfig, raceNamespace, { name: 'cabpck-replica-b', flags: { concurrency: 1 } }),
    );
    for (let round = 0; round < 3; round++) {
      const fixture = await readyCluster(`race-${round}`, { inNamespace: raceNamespace });
      const names = [`race-${round}-cp-0`, `race-${round}-cp-1`];
      await Promise.all(names.map((name) => fixture.createMachine(name, { controlPlane: true })));
      const winner = await waitFor(
        'a control plane machine to get init data',
        async () => {
          for (const name of names) if (await fixture.dataSecret(name)) return name;
          return undefined;
        },
        { timeoutMs: 30_000, intervalMs: 25 },
      );
      const loser = names.find((name) => name !== winner) ?? '';
      const waiting = await fixture.waitForCondition(loser, 'DataSecretAvailable', (value) => value.status === 'False');
      expect(waiting.message).toContain(`Machine ${winner}, which holds the init lock`);
      // Give the loser's replicas time to do something wrong.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(await fixture.dataSecret(loser)).toBeUndefined();
      expect((await fixture.tokenSecret()).data?.[`node-token-${loser}`]).toBeUndefined();
    }
  }, 90_000);
});

describe('garbage collection', () => {
  it('deletes the data secret with its CK8sConfig, and both with their Machine', async () => {
    const fixture = await readyCluster('collected');
    await fixture.createMachine('collected-cp-0', { controlPlane: true });
    await fixture.createMachine('collected-cp-1', { controlPlane: true, configAnnotations: { 'cluster.x-k8s.io/paused': '' } });
    await fixture.waitForData('collected-cp-0');
    // Paused so it keeps no data; unpaused after the first Machine's deletion it initialises.
    await client.delete(kinds.machine, { namespace, name: 'collected-cp-0' });
    await gone('the Machine', () => client.find(kinds.machine, { namespace, name: 'collected-cp-0' }));
    await gone('its CK8sConfig', () => client.find(kinds.config, { namespace, name: 'collected-cp-0' }));
    await gone('its data secret', () => fixture.dataSecret('collected-cp-0'));
    // The cluster CA outlives the machine that generated it.
    expect(await client.find(kinds.secret, { namespace, name: 'collected-ca' })).toBeDefined();

    await client.mergePatch(kinds.config, { namespace, name: 'collected-cp-1' }, { metadata: { annotations: { 'cluster.x-k8s.io/paused': null } } });
    await fixture.waitForData('collected-cp-1', 15_000);
    await client.delete(kinds.config, { namespace, name: 'collected-cp-1' });
    await gone('the data secret of a deleted CK8sConfig', () => fixture.dataSecret('collected-cp-1'));
  }, 120_000);
});
