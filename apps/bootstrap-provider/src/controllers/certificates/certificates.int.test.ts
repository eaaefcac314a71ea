// Certificate expiry and refresh of control plane and worker nodes simulated by the k8sd SIMULATOR.
import type { SimulatedCluster } from '@capi-ck8s/k8sd-sim';
import { kindRef, type KubeObject, type Manager } from '@capi-ck8s/runtime';
import { createTestNamespace, sharedEnvironment, waitFor } from '@capi-ck8s/testenv';
import { kinds } from '../../kinds';
import { installAllCrds, startProvider, startRunningCluster, testClient, WorkloadCluster } from '../../test-support/int-env';

const env = sharedEnvironment();
const kubeConfig = env.kubeConfig();
const client = testClient(kubeConfig);
const annotation = {
  refresh: 'v1beta2.k8sd.io/refresh-certificates',
  status: 'v1beta2.k8sd.io/refresh-certificates-status',
  expiry: 'machine.cluster.x-k8s.io/certificates-expiry',
};
const DAY_MS = 86_400_000;
let namespace: string;
let manager: Manager;
let workload: WorkloadCluster;
let simulated: SimulatedCluster;

beforeAll(async () => {
  await installAllCrds(kubeConfig);
  [namespace, workload] = await Promise.all([createTestNamespace(kubeConfig, 'cabpck-certs'), WorkloadCluster.start()]);
  manager = await startProvider(kubeConfig, namespace);
  ({ simulated } = await startRunningCluster(client, workload, namespace, 'certs', [{ name: 'certs-worker-0', role: 'worker' }]));
}, 180_000);

afterAll(async () => {
  await manager?.stop();
  await workload?.stop();
});

async function annotationsOf(name: string): Promise<Record<string, string>> {
  return (await client.get(kinds.machine, { namespace, name })).metadata.annotations ?? {};
}

async function waitForAnnotations(name: string, test: (values: Record<string, string>) => boolean): Promise<Record<string, string>> {
  let last: Record<string, string> = {};
  return waitFor(
    `annotations of ${name}`,
    async () => {
      last = await annotationsOf(name);
      return test(last) ? last : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 50, explain: () => JSON.stringify(last) },
  );
}

function expiresAround(value: string | undefined, expectedMs: number): void {
  expect(Math.abs(Date.parse(value ?? '') - expectedMs)).toBeLessThan(60_000);
}

describe('node certificates', () => {
  it('records the expiry k8sd reports for every node', async () => {
    for (const name of ['certs-cp-0', 'certs-worker-0']) {
      const values = await waitForAnnotations(name, (found) => found[annotation.expiry] !== undefined);
      expect(Date.parse(values[annotation.expiry] ?? '')).toBe(Math.floor((simulated.node(name)?.certificatesExpiry.getTime() ?? 0) / 1000) * 1000);
    }
  });

  it('refreshes a control plane node for the requested TTL, keeping the endpoint in its SANs', async () => {
    await client.mergePatch(kinds.machine, { namespace, name: 'certs-cp-0' }, { metadata: { annotations: { [annotation.refresh]: '2y' } } });
    const values = await waitForAnnotations('certs-cp-0', (found) => found[annotation.status] === 'done');
    expect(values[annotation.refresh]).toBeUndefined();
    expiresAround(values[annotation.expiry], Date.now() + 730 * DAY_MS);
    expect(simulated.node('certs-cp-0')?.lastExtraSans).toEqual(['10.0.0.10']);
  });

  it('refreshes a worker through CSRs a control plane node approves', async () => {
    await client.mergePatch(kinds.machine, { namespace, name: 'certs-worker-0' }, { metadata: { annotations: { [annotation.refresh]: '30d' } } });
    const values = await waitForAnnotations('certs-worker-0', (found) => found[annotation.status] === 'done');
    expiresAround(values[annotation.expiry], Date.now() + 30 * DAY_MS);
    const requests = simulated.certificateSigningRequests();
    expect(requests).toHaveLength(3);
    expect(requests.every((request) => request.approved && request.node === 'certs-worker-0')).toBe(true);
  });

  it('reports a TTL it cannot read without touching the node', async () => {
    await client.mergePatch(kinds.machine, { namespace, name: 'certs-worker-0' }, { metadata: { annotations: { [annotation.refresh]: 'soon' } } });
    await waitFor(
      'the warning event',
      async () => {
        const events = await client.list(kindRef<KubeObject & { reason?: string; message?: string }>('v1', 'Event'), { namespace, fieldSelector: 'involvedObject.name=certs-worker-0' });
        return events.find((event) => event.message?.includes('"soon" must be a TTL such as 1y, 6mo, 30d or 720h')) ? true : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    expect((await annotationsOf('certs-worker-0'))[annotation.status]).toBe('done');
  });
});
