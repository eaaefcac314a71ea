// In-place upgrades of Machines whose nodes are simulated by the k8sd SIMULATOR (direct transport); Cluster API core
// matches the Machines to their Nodes in a real workload apiserver.
import type { SimulatedCluster } from '@capi-ck8s/k8sd-sim';
import { kindRef, type KubeObject, type Manager } from '@capi-ck8s/runtime';
import { createTestNamespace, sharedEnvironment, waitFor } from '@capi-ck8s/testenv';
import { kinds } from '../../kinds';
import { installAllCrds, startProvider, startRunningCluster, testClient, WorkloadCluster } from '../../test-support/int-env';
import type { UpgradePolicy } from './state';

const env = sharedEnvironment();
const kubeConfig = env.kubeConfig();
const client = testClient(kubeConfig);
const policy: UpgradePolicy = { maxAttempts: 3, backoffBaseMs: 300, backoffMaxMs: 1000, pollMs: 100 };
const annotation = {
  to: 'v1beta2.k8sd.io/in-place-upgrade-to',
  status: 'v1beta2.k8sd.io/in-place-upgrade-status',
  release: 'v1beta2.k8sd.io/in-place-upgrade-release',
  attempts: 'v1beta2.k8sd.io/in-place-upgrade-failed-attempts',
};
let namespace: string;
let manager: Manager;
let workload: WorkloadCluster;
let simulated: SimulatedCluster;

const provider = () => startProvider(kubeConfig, namespace, { upgradePolicy: policy });

beforeAll(async () => {
  await installAllCrds(kubeConfig);
  [namespace, workload] = await Promise.all([createTestNamespace(kubeConfig, 'cabpck-upgrade'), WorkloadCluster.start({ snapRefreshDurationMs: 600 })]);
  manager = await provider();
  ({ simulated } = await startRunningCluster(client, workload, namespace, 'upgrade', [{ name: 'upgrade-cp-1', role: 'control-plane' }]));
}, 180_000);

afterAll(async () => {
  await manager?.stop();
  await workload?.stop();
});

async function machineAnnotations(name: string): Promise<Record<string, string>> {
  return (await client.get(kinds.machine, { namespace, name })).metadata.annotations ?? {};
}

async function requestUpgrade(name: string, to: string): Promise<void> {
  await client.mergePatch(kinds.machine, { namespace, name }, { metadata: { annotations: { [annotation.to]: to } } });
}

async function waitForAnnotations(name: string, test: (values: Record<string, string>) => boolean, timeoutMs = 30_000): Promise<Record<string, string>> {
  let last: Record<string, string> = {};
  return waitFor(
    `annotations of ${name}`,
    async () => {
      last = await machineAnnotations(name);
      return test(last) ? last : undefined;
    },
    { timeoutMs, intervalMs: 50, explain: () => JSON.stringify(last) },
  );
}

async function eventReasons(name: string): Promise<{ reason: string; message: string }[]> {
  const events = await client.list(kindRef<KubeObject & { reason?: string; message?: string }>('v1', 'Event'), {
    namespace,
    fieldSelector: `involvedObject.name=${name}`,
  });
  return events.map((event) => ({ reason: event.reason ?? '', message: event.message ?? '' }));
}

function snapRefreshesOf(node: string): number {
  return workload.simulator.requests.filter((request) => request.node === node && request.path === '/1.0/snap/refresh').length;
}

describe('in-place upgrade', () => {
  it('refreshes the snap on the Machine’s node and records the release', async () => {
    await requestUpgrade('upgrade-cp-0', 'channel=1.34-classic/stable');
    const final = await waitForAnnotations('upgrade-cp-0', (values) => values[annotation.release] !== undefined);
    expect(final).toMatchObject({ [annotation.status]: 'done', [annotation.release]: 'channel=1.34-classic/stable' });
    expect(final[annotation.to]).toBeUndefined();
    expect(simulated.node('upgrade-cp-0')?.snap.channel).toBe('1.34-classic/stable');
    await waitFor('the upgrade events', async () => {
      const reasons = (await eventReasons('upgrade-cp-0')).map((event) => event.reason);
      return reasons.includes('InPlaceUpgradeInProgress') && reasons.includes('InPlaceUpgradeDone') ? true : undefined;
    }, { timeoutMs: 10_000, intervalMs: 100 });
  });

  it('retries a failed refresh after a backoff and succeeds', async () => {
    simulated.node('upgrade-cp-1')?.failNextSnapRefresh('not enough disk space');
    await requestUpgrade('upgrade-cp-1', 'revision=4242');
    const final = await waitForAnnotations('upgrade-cp-1', (values) => values[annotation.release] === 'revision=4242');
    expect(final[annotation.attempts]).toBeUndefined();
    expect(simulated.node('upgrade-cp-1')?.snap.revision).toBe('4242');
    const failed = (await eventReasons('upgrade-cp-1')).find((event) => event.reason === 'InPlaceUpgradeFailed');
    expect(failed?.message).toContain('attempt 1 of 3 failed: snap refresh change');
    expect(failed?.message).toContain('not enough disk space; retrying in');
  });

  it('gives up after the bounded number of attempts', async () => {
    const node = simulated.node('upgrade-cp-1');
    for (let failure = 0; failure < 3; failure++) node?.failNextSnapRefresh('the store is unreachable');
    const before = snapRefreshesOf('upgrade-cp-1');
    await requestUpgrade('upgrade-cp-1', 'revision=5000');
    const final = await waitForAnnotations('upgrade-cp-1', (values) => values[annotation.attempts] === '3:revision=5000');
    expect(final).toMatchObject({ [annotation.status]: 'failed', [annotation.to]: 'revision=5000' });
    // Well past the longest backoff: no fourth attempt.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(snapRefreshesOf('upgrade-cp-1') - before).toBe(3);
    expect(node?.snap.revision).toBe('4242');
    expect((await eventReasons('upgrade-cp-1')).map((event) => event.message)).toContainEqual(expect.stringContaining('giving up after 3 failed attempts'));
  });

  it('resumes an upgrade in progress after a provider restart', async () => {
    await requestUpgrade('upgrade-cp-0', 'revision=7777');
    // Stopped while the change runs on the node (its id recorded).
    await waitForAnnotations('upgrade-cp-0', (values) => values[annotation.status] === 'in-progress' && values['v1beta2.k8sd.io/in-place-upgrade-change-id'] !== undefined);
    await manager.stop();
    expect((await machineAnnotations('upgrade-cp-0'))[annotation.status]).toBe('in-progress');
    manager = await provider();
    const final = await waitForAnnotations('upgrade-cp-0', (values) => values[annotation.release] === 'revision=7777');
    expect(final[annotation.status]).toBe('done');
    expect(simulated.node('upgrade-cp-0')?.snap.revision).toBe('7777');
    expect(snapRefreshesOf('upgrade-cp-0')).toBe(2);
  });
});
