import { ck8sConfigReasons } from '@capi-ck8s/api';
import type { ClusterObject } from '../../../kinds';
import { infrastructureProvisioned } from '../scope';
import type { ConditionReport } from '../status';

/** Nodes cannot be configured before the cluster's infrastructure (network, endpoint) exists; the Cluster watch wakes us. */
export function infrastructureWait(cluster: ClusterObject): ConditionReport | undefined {
  if (infrastructureProvisioned(cluster)) return undefined;
  const reference = cluster.spec?.infrastructureRef;
  const infrastructure = reference ? `${reference.kind} ${reference.name}` : 'the infrastructure cluster';
  return {
    status: 'False',
    reason: ck8sConfigReasons.waitingForClusterInfrastructure,
    message: `waiting for ${infrastructure} of Cluster ${cluster.metadata.name ?? ''} to be provisioned (Cluster status.initialization.infrastructureProvisioned)`,
  };
}
