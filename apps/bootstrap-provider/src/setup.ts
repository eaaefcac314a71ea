// Declares the bootstrap provider's controllers and webhooks on a runtime Manager; shared by main and the tests.
import type { K8sdRoute } from '@capi-ck8s/k8sd';
import { annotations } from '@capi-ck8s/api';
import { CLUSTER_NAME_LABEL, type Manager, objectPredicate } from '@capi-ck8s/runtime';
import { createCertificateAuthority, CLUSTER_CA_COMMON_NAME, CLUSTER_CA_VALIDITY_DAYS, type CertificateAndKey } from '@capi-ck8s/pki';
import { kinds } from './kinds';
import { indexOwnersByConfig } from './controllers/ck8sconfig/phases/owner';
import { ck8sConfigReconciler } from './controllers/ck8sconfig/reconcile';
import { clusterWaitingForSecret, configOfMachine, configOfMachinePool, configsOfCluster } from './controllers/ck8sconfig/watches';
import { certificatesReconciler } from './controllers/certificates/reconcile';
import { deploymentOfMachine, deploymentUpgradeReconciler } from './controllers/deployment-upgrade/reconcile';
import { inPlaceUpgradeReconciler } from './controllers/inplace-upgrade/reconcile';
import { defaultUpgradePolicy, type UpgradePolicy } from './controllers/inplace-upgrade/state';
import { registerCk8sConfigWebhooks } from './webhooks/ck8sconfig';
import { type JoinTokenIssuer, K8sdJoinTokenIssuer } from './workload/join-tokens';
import { WorkloadNodeK8sdAccess } from './workload/node-k8sd';

export const providerName = 'cabpck-manager';

export interface BootstrapProviderOptions {
  k8sdRoute: K8sdRoute;
  k8sdTimeoutMs: number;
  webhooks: boolean;
  /** Replaces k8sd for join tokens (tests). */
  joinTokens?: JoinTokenIssuer;
  /** Retry bound and pacing of in-place upgrades (tests shorten them). */
  upgradePolicy?: UpgradePolicy;
}

/** Only Secrets labelled with a cluster are cached: the cluster token and kubeconfig this controller waits for. */
export const cacheSelectors = [{ kind: kinds.secret, selection: { labelSelector: CLUSTER_NAME_LABEL } }];

/** Upstream's cluster CA profile: RSA 2048 (k8s-snap loads CA keys with an RSA-only loader), pathlen 0, ten years. */
export function generateClusterCertificateAuthority(): Promise<CertificateAndKey> {
  return createCertificateAuthority({ commonName: CLUSTER_CA_COMMON_NAME, validityDays: CLUSTER_CA_VALIDITY_DAYS, maxPathLength: 0 });
}

export function setupBootstrapProvider(manager: Manager, options: BootstrapProviderOptions): void {
  const { cache } = manager;
  const configs = cache.informerFor(kinds.config).reader;
  const machines = cache.informerFor(kinds.machine).reader;
  const k8sdAccess = { route: options.k8sdRoute, timeoutMs: options.k8sdTimeoutMs };
  indexOwnersByConfig(cache);
  manager
    .controller('ck8sconfig')
    .for(kinds.config)
    .watches(kinds.machine, configOfMachine)
    .watches(kinds.machinePool, configOfMachinePool)
    .watches(kinds.cluster, (cluster) => configsOfCluster(cluster.metadata.namespace ?? '', cluster.metadata.name ?? '', configs, machines))
    .watches(
      kinds.secret,
      (secret) => {
        const clusterName = clusterWaitingForSecret(secret);
        return clusterName ? configsOfCluster(secret.metadata.namespace ?? '', clusterName, configs, machines) : [];
      },
    )
    .complete(
      ck8sConfigReconciler({
        cache,
        client: manager.client,
        rest: manager.rest,
        clock: manager.clock,
        events: manager.eventRecorder(),
        joinTokens: options.joinTokens ?? new K8sdJoinTokenIssuer(manager.client, k8sdAccess),
        generateCertificateAuthority: generateClusterCertificateAuthority,
      }),
    );
  manager
    .controller('in-place-upgrade')
    .for(kinds.machine, objectPredicate((machine) => machine.metadata.annotations?.[annotations.inPlaceUpgradeTo] !== undefined))
    .complete(
      inPlaceUpgradeReconciler({
        cache,
        client: manager.client,
        clock: manager.clock,
        events: manager.eventRecorder('ck8s-in-place-upgrade-controller'),
        nodes: new WorkloadNodeK8sdAccess(manager.client, k8sdAccess),
        policy: options.upgradePolicy ?? defaultUpgradePolicy,
      }),
    );
  manager
    .controller('md-in-place-upgrade')
    .for(
      kinds.machineDeployment,
      objectPredicate((deployment) => {
        const values = deployment.metadata.annotations ?? {};
        return values[annotations.inPlaceUpgradeTo] !== undefined || values[annotations.inPlaceUpgradeRelease] !== undefined;
      }),
    )
    .watches(kinds.machine, deploymentOfMachine)
    .complete(
      deploymentUpgradeReconciler({
        cache,
        client: manager.client,
        clock: manager.clock,
        events: manager.eventRecorder('ck8s-md-orchestrated-inplace-upgrade-controller'),
        policy: options.upgradePolicy ?? defaultUpgradePolicy,
      }),
    );
  manager
    .controller('certificates')
    .for(kinds.machine)
    .complete(
      certificatesReconciler({
        cache,
        client: manager.client,
        clock: manager.clock,
        events: manager.eventRecorder('ck8s-certificates-controller'),
        nodes: new WorkloadNodeK8sdAccess(manager.client, k8sdAccess),
      }),
    );
  if (options.webhooks) registerCk8sConfigWebhooks(manager.webhooks);
}
