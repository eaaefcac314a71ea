// Names that are part of the providers' public interface: API groups and kinds, annotation and label keys, Secret
// and ConfigMap names. Their values are fixed by canonical/cluster-api-k8s v0.6.1 and by Cluster API.

export const bootstrapGroup = 'bootstrap.cluster.x-k8s.io';
export const controlPlaneGroup = 'controlplane.cluster.x-k8s.io';
export const clusterApiGroup = 'cluster.x-k8s.io';
export const apiVersionName = 'v1beta2';

export const bootstrapApiVersion = `${bootstrapGroup}/${apiVersionName}`;
export const controlPlaneApiVersion = `${controlPlaneGroup}/${apiVersionName}`;
export const clusterApiVersion = `${clusterApiGroup}/${apiVersionName}`;

export interface ResourceNames {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
}

function resource(group: string, kind: string, plural: string): ResourceNames {
  return { group, version: apiVersionName, kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase() };
}

export const ck8sConfigResource = resource(bootstrapGroup, 'CK8sConfig', 'ck8sconfigs');
export const ck8sConfigTemplateResource = resource(bootstrapGroup, 'CK8sConfigTemplate', 'ck8sconfigtemplates');
export const ck8sControlPlaneResource = resource(controlPlaneGroup, 'CK8sControlPlane', 'ck8scontrolplanes');
export const ck8sControlPlaneTemplateResource = resource(
  controlPlaneGroup,
  'CK8sControlPlaneTemplate',
  'ck8scontrolplanetemplates',
);

/** Cluster API core resources at cluster.x-k8s.io/v1beta2. */
export const clusterResource = resource(clusterApiGroup, 'Cluster', 'clusters');
export const machineResource = resource(clusterApiGroup, 'Machine', 'machines');
export const machineSetResource = resource(clusterApiGroup, 'MachineSet', 'machinesets');
export const machineDeploymentResource = resource(clusterApiGroup, 'MachineDeployment', 'machinedeployments');
export const machinePoolResource = resource(clusterApiGroup, 'MachinePool', 'machinepools');
export const machineHealthCheckResource = resource(clusterApiGroup, 'MachineHealthCheck', 'machinehealthchecks');

/** clusterctl provider labels, as upstream sets them on every resource of each provider. */
export const bootstrapProviderLabelValue = 'bootstrap-ck8s';
export const controlPlaneProviderLabelValue = 'control-plane-ck8s';

export const labels = {
  /** Cluster API: the Cluster an object belongs to. */
  clusterName: 'cluster.x-k8s.io/cluster-name',
  /** Cluster API: marks control plane Machines (empty value). */
  controlPlane: 'cluster.x-k8s.io/control-plane',
  /** Cluster API: name of the control plane object owning a Machine. */
  controlPlaneName: 'cluster.x-k8s.io/control-plane-name',
  /** clusterctl provider label. */
  provider: 'cluster.x-k8s.io/provider',
  /** clusterctl: marks CRDs and objects it manages. */
  clusterctl: 'clusterctl.cluster.x-k8s.io',
  /** Workload cluster Node label of control plane nodes (empty value). */
  nodeRoleControlPlane: 'node-role.kubernetes.io/control-plane',
} as const;

export const annotations = {
  /** User request for an in-place upgrade: `channel=<ch>`, `revision=<rev>` or `localPath=<absolute path>`. */
  inPlaceUpgradeTo: 'v1beta2.k8sd.io/in-place-upgrade-to',
  /** Progress of an in-place upgrade: in-progress, done or failed. */
  inPlaceUpgradeStatus: 'v1beta2.k8sd.io/in-place-upgrade-status',
  /** Release currently installed by an in-place upgrade (same format as inPlaceUpgradeTo). */
  inPlaceUpgradeRelease: 'v1beta2.k8sd.io/in-place-upgrade-release',
  /** snapd change id of a running in-place upgrade. */
  inPlaceUpgradeChangeId: 'v1beta2.k8sd.io/in-place-upgrade-change-id',
  /** RFC 1123Z time of the last failed in-place upgrade attempt. */
  inPlaceUpgradeLastFailedAttemptAt: 'v1beta2.k8sd.io/in-place-upgrade-last-failed-attempt-at',
  /** User request to refresh node certificates, value is the TTL (e.g. 1y, 6mo, 30d, 720h). */
  refreshCertificates: 'v1beta2.k8sd.io/refresh-certificates',
  /** Progress of a certificate refresh: in-progress, done or failed. */
  refreshCertificatesStatus: 'v1beta2.k8sd.io/refresh-certificates-status',
  /** RFC 3339 expiry of the node certificates. */
  certificatesExpiry: 'machine.cluster.x-k8s.io/certificates-expiry',
  /** JSON of spec.spec.controlPlane at Machine creation (informational). */
  serverConfiguration: 'controlplane.cluster.x-k8s.io/ck8s-server-configuration',
  /** JSON `{machine, timestamp, retryCount}` of a remediation in progress, on the control plane. */
  remediationInProgress: 'controlplane.cluster.x-k8s.io/remediation-in-progress',
  /** JSON `{machine, timestamp, retryCount}` on the Machine that replaces a remediated one. */
  remediationFor: 'controlplane.cluster.x-k8s.io/remediation-for',
  /** Cluster API: preferred victim when scaling down. */
  deleteMachine: 'cluster.x-k8s.io/delete-machine',
  /** Cluster API: pauses reconciliation of the annotated object. */
  paused: 'cluster.x-k8s.io/paused',
  /** Cluster API: set by the topology controller on objects it sends as server-side-apply dry runs. */
  topologyDryRun: 'topology.cluster.x-k8s.io/dry-run',
  /** Cluster API pre-terminate hook key upstream strips from Machines (value `ck8s`). */
  preTerminateHook: 'pre-terminate.delete.hook.machine.cluster.x-k8s.io',
} as const;

export const preTerminateHookValue = 'ck8s';

export const upgradeStatuses = { inProgress: 'in-progress', done: 'done', failed: 'failed' } as const;
export type UpgradeStatus = (typeof upgradeStatuses)[keyof typeof upgradeStatuses];

export const controlPlaneFinalizer = 'ck8s.controlplane.cluster.x-k8s.io';

/** Secret type Cluster API expects on the Secrets it moves and reads. */
export const clusterSecretType = 'cluster.x-k8s.io/secret';

/** Key of the bootstrap data in the data Secret and of the kubeconfig in the kubeconfig Secret. */
export const secretValueKey = 'value';

/** Names of the per-cluster Secrets and ConfigMaps in the management cluster. */
export const clusterObjectNames = {
  /** Server CA (tls.crt, tls.key). */
  certificateAuthority: (cluster: string) => `${cluster}-ca`,
  /** Client CA (tls.crt, tls.key). */
  clientCertificateAuthority: (cluster: string) => `${cluster}-cca`,
  /** CA of an external datastore (tls.crt). */
  etcdCertificateAuthority: (cluster: string) => `${cluster}-etcd`,
  /** Client certificate for an external datastore (tls.crt, tls.key). */
  apiServerEtcdClient: (cluster: string) => `${cluster}-apiserver-etcd-client`,
  /** Cluster auth token (key `value`) and per-machine node tokens. */
  token: (cluster: string) => `${cluster}-token`,
  /** Admin kubeconfig of the workload cluster (key `value`). */
  kubeconfig: (cluster: string) => `${cluster}-kubeconfig`,
  /** ConfigMap of the control plane init lock. */
  initLock: (cluster: string) => `${cluster}-lock`,
  /** ConfigMap of the orchestrated control plane in-place upgrade lock. */
  controlPlaneInPlaceUpgradeLock: (cluster: string) => `${cluster}-cp-inplace-upgrade-lock`,
} as const;

/** Key of a machine's node token inside the `<cluster>-token` Secret. */
export const nodeTokenKey = (machineName: string) => `node-token-${machineName}`;
/** Key of the lock holder inside the lock ConfigMaps. */
export const lockInformationKey = 'lock-information';

export type AdmissionOperation = 'mutate' | 'validate';

/** Admission webhook path in the kubebuilder form upstream serves, e.g. `/validate-controlplane-cluster-x-k8s-io-v1beta2-ck8scontrolplane`. */
export function webhookPath(operation: AdmissionOperation, resource: ResourceNames): string {
  return `/${operation}-${resource.group.replace(/\./g, '-')}-${resource.version}-${resource.kind.toLowerCase()}`;
}
