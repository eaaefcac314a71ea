import { createTestNamespace, deleteTestNamespace, sharedEnvironment } from '@capi-ck8s/testenv';
import { kindRef, type KubeObject } from '../objects';
import { isConflict } from './errors';
import { ObjectClient } from './object-client';
import { RestClient } from './rest-client';

type ConfigMap = KubeObject & { data?: Record<string, string> };
const CONFIG_MAP = kindRef<ConfigMap>('v1', 'ConfigMap');

describe('ObjectClient.delete against a real apiserver', () => {
  const kubeConfig = sharedEnvironment().kubeConfig();
  const client = new ObjectClient(new RestClient(kubeConfig), 'runtime-delete-test');
  let namespace: string;

  beforeAll(async () => {
    namespace = await createTestNamespace(kubeConfig, 'runtime-delete');
  });
  afterAll(async () => {
    await deleteTestNamespace(kubeConfig, namespace);
  });

  async function createConfigMap(name: string): Promise<ConfigMap> {
    return client.create<ConfigMap>({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { a: '1' } });
  }

  it('refuses to delete another incarnation than the uid precondition names', async () => {
    const created = await createConfigMap('uid-guarded');
    const error: unknown = await client.delete(CONFIG_MAP, { namespace, name: 'uid-guarded' }, { preconditions: { uid: 'not-this-one' } }).catch((caught: unknown) => caught);
    expect(isConflict(error)).toBe(true);
    expect(await client.delete(CONFIG_MAP, { namespace, name: 'uid-guarded' }, { preconditions: { uid: created.metadata.uid ?? '' } })).toBe(true);
    expect(await client.find(CONFIG_MAP, { namespace, name: 'uid-guarded' })).toBeUndefined();
  });

  it('refuses to delete a version that changed since it was read', async () => {
    const created = await createConfigMap('version-guarded');
    const updated = await client.update({ ...created, data: { a: '2' } });
    const stale = { preconditions: { resourceVersion: created.metadata.resourceVersion ?? '' } };
    const error: unknown = await client.delete(CONFIG_MAP, { namespace, name: 'version-guarded' }, stale).catch((caught: unknown) => caught);
    expect(isConflict(error)).toBe(true);
    const current = { preconditions: { resourceVersion: updated.metadata.resourceVersion ?? '' } };
    expect(await client.delete(CONFIG_MAP, { namespace, name: 'version-guarded' }, current)).toBe(true);
  });

  it('reports an object already gone as false', async () => {
    expect(await client.delete(CONFIG_MAP, { namespace, name: 'never-created' })).toBe(false);
  });
});
