import { existsSync } from 'node:fs';
import { CoreV1Api } from '@kubernetes/client-node';
import { createCertificateAuthority } from '@capi-ck8s/pki';
import { type TestControlPlane, startControlPlane } from './control-plane';
import { serverVersion } from './proofs';

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('independent test control planes', () => {
  let first: TestControlPlane;
  let second: TestControlPlane;

  beforeAll(async () => {
    const servingCa = await createCertificateAuthority({ commonName: 'workload-ca' });
    [first, second] = await Promise.all([
      startControlPlane({ name: 'first', controllerManager: false }),
      startControlPlane({ name: 'second', controllerManager: false, servingCa }),
    ]);
    expect(second.caPem).toBe(servingCa.certPem);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([first?.stop(), second?.stop()]);
  });

  it('keeps each cluster’s objects to itself', async () => {
    await first.kubeConfig().makeApiClient(CoreV1Api).createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'only-in-first' } },
    });
    const secondMaps = await second.kubeConfig().makeApiClient(CoreV1Api).listNamespacedConfigMap({ namespace: 'default' });
    expect(secondMaps.items.map((item) => item.metadata?.name)).not.toContain('only-in-first');
    expect(first.server).not.toBe(second.server);
  });

  it('keeps its data across an apiserver restart and an etcd restart', async () => {
    const core = first.kubeConfig().makeApiClient(CoreV1Api);
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'survivor' }, data: { a: '1' } } });
    await first.restartApiServer();
    await first.restartEtcd();
    const survivor = await core.readNamespacedConfigMap({ namespace: 'default', name: 'survivor' });
    expect(survivor.data).toEqual({ a: '1' });
  }, 120_000);

  it('authenticates client-certificate users and authorises them through RBAC', async () => {
    const alice = await first.kubeConfigForUser('alice', ['developers']);
    await expect(alice.makeApiClient(CoreV1Api).listNamespace()).rejects.toMatchObject({ code: 403 });
    expect(await serverVersion(alice)).toMatch(/^v1\./);
  });

  it('leaves no process and no folder behind when stopped', async () => {
    const transient = await startControlPlane({ name: 'transient' });
    const pids = Object.values(transient.processIds());
    expect(pids).toHaveLength(3);
    expect(pids.every(alive)).toBe(true);
    await transient.stop();
    expect(pids.some(alive)).toBe(false);
    expect(existsSync(transient.folder)).toBe(false);
  }, 120_000);
});
