// No Machine before the cluster's infrastructure (network, load balancer) is provisioned, as KCP and upstream wait.
import { ck8sControlPlaneConditions } from '@capi-ck8s/api';
import type { Pass, PhaseWait } from '../dependencies';

const INFRASTRUCTURE_RETRY_MS = 10_000;

export function infrastructureWait(pass: Pass): PhaseWait | undefined {
  if (pass.cluster.status?.initialization?.infrastructureProvisioned) return undefined;
  return {
    condition: ck8sControlPlaneConditions.available,
    reason: 'WaitingForClusterInfrastructure',
    message: `waiting for Cluster ${pass.clusterName} to report status.initialization.infrastructureProvisioned (set once its infrastructure provider is done)`,
    retryAfterMs: INFRASTRUCTURE_RETRY_MS,
  };
}
