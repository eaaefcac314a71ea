import type { CertificateAndKey } from '@capi-ck8s/pki';
import type { Cache, Clock, EventRecorder, ObjectClient, RestClient } from '@capi-ck8s/runtime';
import type { WorkloadClusters } from '../../workload/workload-clusters';
import type { ClusterObject, ControlPlaneObject } from '../../kinds';

/** The I/O a CK8sControlPlane reconcile may do; tests shorten the polling and may swap the CA generator. */
export interface ReconcileDependencies {
  cache: Cache;
  client: ObjectClient;
  rest: RestClient;
  clock: Clock;
  events: EventRecorder;
  workloads: WorkloadClusters;
  generateCertificateAuthority: () => Promise<CertificateAndKey>;
  /**
   * How often a control plane that is not steady is looked at again: the workload cluster (Node readiness,
   * k8sd-config) is polled, not watched, as KCP does.
   */
  pollIntervalMs: number;
  /** How often a steady control plane is looked at (node health, kubeconfig rotation). */
  steadyIntervalMs: number;
}

/** The objects one pass works on. */
export interface Pass {
  controlPlane: ControlPlaneObject;
  cluster: ClusterObject;
  namespace: string;
  clusterName: string;
}

/** A phase that cannot go on yet: the pass ends, the reason and message go into the condition of `condition`. */
export interface PhaseWait {
  condition: string;
  reason: string;
  message: string;
  retryAfterMs: number;
}

export function isPhaseWait(value: unknown): value is PhaseWait {
  return typeof value === 'object' && value !== null && 'retryAfterMs' in value && 'reason' in value;
}
