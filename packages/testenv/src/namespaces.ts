import { randomBytes } from 'node:crypto';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';

/** Creates a namespace with a unique name so tests sharing one apiserver never see each other's objects. */
export async function createTestNamespace(kubeConfig: KubeConfig, prefix: string): Promise<string> {
  const name = `${prefix}-${randomBytes(4).toString('hex')}`.toLowerCase();
  await kubeConfig.makeApiClient(CoreV1Api).createNamespace({
    body: { metadata: { name, labels: { 'capi-ck8s.test/namespace': 'true' } } },
  });
  return name;
}

export async function deleteTestNamespace(kubeConfig: KubeConfig, name: string): Promise<void> {
  await kubeConfig.makeApiClient(CoreV1Api).deleteNamespace({ name });
}
