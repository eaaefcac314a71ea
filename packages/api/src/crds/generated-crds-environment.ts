// Test support for integration tests: the shared environment with the chart CRD files installed and a namespace of
// the test file's own.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CustomObjectsApi } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import { createTestNamespace, deleteTestNamespace, installCrds, sharedEnvironment } from '@capi-ck8s/testenv';

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

export interface GeneratedCrdsEnvironment {
  kubeConfig: KubeConfig;
  kubeconfigPath: string;
  api: CustomObjectsApi;
  namespace: string;
  cleanUp(): Promise<void>;
}

export async function generatedCrdsEnvironment(namespacePrefix: string): Promise<GeneratedCrdsEnvironment> {
  const environment = sharedEnvironment();
  const kubeConfig = environment.kubeConfig();
  await installCrds(kubeConfig, [
    join(repositoryRoot, 'charts/bootstrap-provider/crds'),
    join(repositoryRoot, 'charts/controlplane-provider/crds'),
  ]);
  const namespace = await createTestNamespace(kubeConfig, namespacePrefix);
  return {
    kubeConfig,
    kubeconfigPath: environment.kubeconfigPath,
    api: kubeConfig.makeApiClient(CustomObjectsApi),
    namespace,
    cleanUp: () => deleteTestNamespace(kubeConfig, namespace),
  };
}
