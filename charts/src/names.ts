import type { ProviderChart } from './charts';

/** The defaults reproduce upstream CABPCK/CACPCK kustomize names, so clusterctl users find familiar objects. */
export const defaultNamePrefix: Readonly<Record<ProviderChart, string>> = {
  'bootstrap-provider': 'cabpck-bootstrap-',
  'controlplane-provider': 'cacpck-',
};

export const defaultNamespace: Readonly<Record<ProviderChart, string>> = {
  'bootstrap-provider': 'cabpck-system',
  'controlplane-provider': 'cacpck-system',
};

/** Upstream's Lease names: an upstream manager and ours never lead at the same time in one namespace. */
export const leaderElectionId: Readonly<Record<ProviderChart, string>> = {
  'bootstrap-provider': '6b2b21b1.k8s.io',
  'controlplane-provider': '148fa072.controlplane.cluster.x-k8s.io',
};

export const providerLabel: Readonly<Record<ProviderChart, string>> = {
  'bootstrap-provider': 'bootstrap-ck8s',
  'controlplane-provider': 'control-plane-ck8s',
};

/** Names of the objects a release creates, given its namePrefix value. */
export function providerObjectNames(namePrefix: string) {
  return {
    deployment: `${namePrefix}controller-manager`,
    serviceAccount: `${namePrefix}manager`,
    managerRole: `${namePrefix}manager-role`,
    managerRoleBinding: `${namePrefix}manager-rolebinding`,
    leaderElectionRole: `${namePrefix}leader-election-role`,
    leaderElectionRoleBinding: `${namePrefix}leader-election-rolebinding`,
    capiAggregatedRole: `${namePrefix}aggregated-manager-role`,
    metricsReaderRole: `${namePrefix}metrics-reader`,
    webhookService: `${namePrefix}webhook-service`,
    metricsService: `${namePrefix}controller-manager-metrics-service`,
    webhookSecret: `${namePrefix}webhook-service-cert`,
    certificate: `${namePrefix}serving-cert`,
    issuer: `${namePrefix}selfsigned-issuer`,
    mutatingWebhookConfiguration: `${namePrefix}mutating-webhook-configuration`,
    validatingWebhookConfiguration: `${namePrefix}validating-webhook-configuration`,
    /** Control plane only: the aggregated role that grants access to infrastructure machines. */
    infrastructureRole: `${namePrefix}infrastructure-role`,
    infrastructureMachinesRole: `${namePrefix}infrastructure-machines`,
  };
}

export type ProviderObjectNames = ReturnType<typeof providerObjectNames>;

export function serviceAccountUser(namespace: string, namePrefix: string): string {
  return `system:serviceaccount:${namespace}:${providerObjectNames(namePrefix).serviceAccount}`;
}
