import { ck8sConfigReasons, clusterObjectNames, secretValueKey } from '@capi-ck8s/api';
import type { ObjectClient } from '@capi-ck8s/runtime';
import { KubeConfig } from '@kubernetes/client-node';
import { Waiting } from '../controllers/ck8sconfig/dependencies';
import { kinds, secretText, type ClusterObject } from '../kinds';

/** The kubeconfig secret is written by the control plane provider; a Secret watch wakes waiting configs. */
const KUBECONFIG_RETRY_MS = 30_000;

/** The workload cluster's admin kubeconfig from <cluster>-kubeconfig; `Waiting` until the control plane provider writes it. */
export async function workloadKubeConfig(client: ObjectClient, cluster: ClusterObject, purpose: string): Promise<KubeConfig> {
  const namespace = cluster.metadata.namespace ?? '';
  const name = clusterObjectNames.kubeconfig(cluster.metadata.name ?? '');
  const text = secretText(await client.find(kinds.secret, { namespace, name }), secretValueKey);
  if (!text) {
    throw new Waiting(
      ck8sConfigReasons.waitingForControlPlaneAvailable,
      `waiting for Secret ${namespace}/${name} with key "${secretValueKey}" (the workload cluster's kubeconfig, written by the control plane provider) to ${purpose}`,
      KUBECONFIG_RETRY_MS,
    );
  }
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(text);
  return kubeConfig;
}
