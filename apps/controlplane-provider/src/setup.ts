// Declares the control plane provider's controller and webhooks on a runtime Manager; shared by main and the tests.
import type { K8sdRoute } from '@capi-ck8s/k8sd';
import { createCertificateAuthority, CLUSTER_CA_COMMON_NAME, CLUSTER_CA_VALIDITY_DAYS, type CertificateAndKey } from '@capi-ck8s/pki';
import { CLUSTER_NAME_LABEL, type Manager, type ObjectKey } from '@capi-ck8s/runtime';
import { controlPlaneReconciler } from './controllers/ck8scontrolplane/reconcile';
import { kinds, type ClusterObject } from './kinds';
import { registerControlPlaneWebhooks } from './webhooks/ck8scontrolplane';
import { WorkloadClusters } from './workload/workload-clusters';

export const providerName = 'cacpck-manager';

export interface ControlPlaneProviderOptions {
  k8sdRoute: K8sdRoute;
  k8sdTimeoutMs: number;
  webhooks: boolean;
  /** Tests poll the workload cluster faster. */
  pollIntervalMs?: number;
  steadyIntervalMs?: number;
}

/** Only Secrets labelled with a cluster are cached (none are read from the cache today; kept narrow on purpose). */
export const cacheSelectors = [{ kind: kinds.secret, selection: { labelSelector: CLUSTER_NAME_LABEL } }];

/** Upstream's cluster CA profile: RSA 2048 (k8s-snap loads CA keys with an RSA-only loader), pathlen 0, ten years. */
export function generateClusterCertificateAuthority(): Promise<CertificateAndKey> {
  return createCertificateAuthority({ commonName: CLUSTER_CA_COMMON_NAME, validityDays: CLUSTER_CA_VALIDITY_DAYS, maxPathLength: 0 });
}

function controlPlaneOfCluster(cluster: ClusterObject): ObjectKey[] {
  const reference = cluster.spec?.controlPlaneRef;
  if (reference?.kind !== 'CK8sControlPlane') return [];
  return [{ namespace: cluster.metadata.namespace ?? '', name: reference.name }];
}

/** Returns the workload cluster clients, which the caller closes after the manager stops. */
export function setupControlPlaneProvider(manager: Manager, options: ControlPlaneProviderOptions): WorkloadClusters {
  const workloads = new WorkloadClusters(manager.client, { route: options.k8sdRoute, timeoutMs: options.k8sdTimeoutMs, apiTimeoutMs: 10_000 });
  manager
    .controller('ck8scontrolplane')
    .for(kinds.controlPlane)
    .owns(kinds.machine)
    .watches(kinds.cluster, controlPlaneOfCluster)
    .complete(
      controlPlaneReconciler({
        cache: manager.cache,
        client: manager.client,
        rest: manager.rest,
        clock: manager.clock,
        events: manager.eventRecorder('ck8s-control-plane-controller'),
        workloads,
        generateCertificateAuthority: generateClusterCertificateAuthority,
        pollIntervalMs: options.pollIntervalMs ?? 10_000,
        steadyIntervalMs: options.steadyIntervalMs ?? 60_000,
      }),
    );
  if (options.webhooks) registerControlPlaneWebhooks(manager.webhooks, manager.client);
  return workloads;
}

