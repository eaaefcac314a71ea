// bootstrap.cluster.x-k8s.io/v1beta2 CK8sConfig and CK8sConfigTemplate. Field names, including the capitalised
// `ExtraK8sAPIServerProxyArgs`, match canonical/cluster-api-k8s v0.6.1 so existing manifests apply unchanged.
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { typeMetaProperties } from './meta';
import {
  Conditions,
  Int64,
  NullableStringMap,
  PropagatedMetadata,
  StringEnum,
  StringMap,
} from './openapi';

export const SecretKeyReference = Type.Object(
  {
    name: Type.String({ description: 'Name of a Secret in the namespace of the object that refers to it.' }),
    key: Type.String({ description: 'Key in the Secret data whose value is used.' }),
  },
  { description: 'Names one value of a Secret.' },
);
export type SecretKeyReference = Static<typeof SecretKeyReference>;

export const SecretReference = Type.Object(
  {
    name: Type.String({ description: 'Name of a Secret in the namespace of the object that refers to it.' }),
    key: Type.Optional(Type.String({ description: 'Key in the Secret data whose value is used.' })),
  },
  { description: 'Names a Secret and optionally one of its keys.' },
);
export type SecretReference = Static<typeof SecretReference>;

export const ContentSource = Type.Object(
  { secret: SecretKeyReference },
  { description: 'Where the content comes from when it is not given inline.' },
);
export type ContentSource = Static<typeof ContentSource>;

export const FileEncodings = ['base64', 'gzip', 'gzip+base64'] as const;
export type FileEncoding = (typeof FileEncodings)[number];

export const File = Type.Object(
  {
    path: Type.String({ description: 'Absolute path of the file on the machine.' }),
    owner: Type.Optional(Type.String({ description: 'Owner of the file as user:group, e.g. "root:root".' })),
    permissions: Type.Optional(Type.String({ description: 'Octal file mode, e.g. "0640".' })),
    encoding: Type.Optional(
      StringEnum(FileEncodings, { description: 'How the content is encoded: base64, gzip or gzip+base64.' }),
    ),
    content: Type.Optional(Type.String({ description: 'Inline content of the file.' })),
    contentFrom: Type.Optional(
      Type.Object(ContentSource.properties, {
        description: 'Secret value to use as the file content instead of inline content.',
      }),
    ),
  },
  { description: 'A file written by cloud-init (write_files) before the node is installed.' },
);
export type File = Static<typeof File>;

export const BootstrapConfig = Type.Object(
  {
    content: Type.Optional(Type.String({ description: 'Inline k8s bootstrap configuration (YAML).' })),
    contentFrom: Type.Optional(
      Type.Object(ContentSource.properties, {
        description: 'Secret value holding the k8s bootstrap configuration, used when content is empty.',
      }),
    ),
  },
  {
    description:
      'A complete k8s bootstrap configuration for the first control plane node. When set it replaces the ' +
      'configuration the provider would generate; it is ignored on joining nodes.',
  },
);
export type BootstrapConfig = Static<typeof BootstrapConfig>;

export const CK8sControlPlaneConfig = Type.Object(
  {
    extraSANs: Type.Optional(
      Type.Array(Type.String(), {
        description: 'Extra subject alternative names for the API server certificate of control plane nodes.',
      }),
    ),
    cloudProvider: Type.Optional(
      Type.String({ description: 'Cloud provider of the cluster, e.g. "external" (first node only).' }),
    ),
    nodeTaints: Type.Optional(
      Type.Array(Type.String(), {
        description: 'Taints for control plane nodes, e.g. "node-role.kubernetes.io/control-plane:NoSchedule".',
      }),
    ),
    datastoreType: Type.Optional(
      Type.String({
        description: 'Datastore of the cluster: empty or "etcd" for etcd managed by k8s, "external" for your own.',
      }),
    ),
    datastoreServersSecretRef: Type.Optional(
      Type.Object(SecretReference.properties, {
        description: 'Secret holding the comma-separated URLs of the external datastore servers.',
      }),
    ),
    etcdPort: Type.Optional(Type.Integer({ description: 'Client port of the managed etcd. Defaults to 2379.' })),
    etcdPeerPort: Type.Optional(Type.Integer({ description: 'Peer port of the managed etcd. Defaults to 2381.' })),
    microclusterAddress: Type.Optional(
      Type.String({
        description: 'Address or CIDR k8sd listens on. Empty means the address of the default interface.',
      }),
    ),
    microclusterPort: Type.Optional(Type.Integer({ description: 'Port k8sd listens on. Defaults to 2380.' })),
    extraKubeAPIServerArgs: Type.Optional(
      NullableStringMap({ description: 'Extra kube-apiserver arguments; a null value removes the argument.' }),
    ),
    extraKubeControllerManagerArgs: Type.Optional(
      NullableStringMap({
        description: 'Extra kube-controller-manager arguments; a null value removes the argument.',
      }),
    ),
    extraKubeSchedulerArgs: Type.Optional(
      NullableStringMap({ description: 'Extra kube-scheduler arguments; a null value removes the argument.' }),
    ),
  },
  { description: 'Settings used only on control plane nodes.' },
);
export type CK8sControlPlaneConfig = Static<typeof CK8sControlPlaneConfig>;

export const CK8sInitConfiguration = Type.Object(
  {
    annotations: Type.Optional(
      StringMap({ description: 'Annotations on the k8s cluster configuration that tune the built-in features.' }),
    ),
    enableDefaultDNS: Type.Optional(Type.Boolean({ description: 'Deploy the built-in DNS. Defaults to true.' })),
    enableDefaultNetwork: Type.Optional(
      Type.Boolean({ description: 'Deploy the built-in CNI. Defaults to true.' }),
    ),
    enableDefaultLoadBalancer: Type.Optional(
      Type.Boolean({ description: 'Deploy the built-in load balancer. Defaults to enableDefaultNetwork.' }),
    ),
    enableDefaultGateway: Type.Optional(
      Type.Boolean({ description: 'Deploy the built-in Gateway API support. Defaults to enableDefaultNetwork.' }),
    ),
    enableDefaultIngress: Type.Optional(
      Type.Boolean({ description: 'Deploy the built-in ingress. Defaults to enableDefaultNetwork.' }),
    ),
    enableDefaultLocalStorage: Type.Optional(
      Type.Boolean({ description: 'Deploy the built-in local storage. Defaults to true.' }),
    ),
    enableDefaultMetricsServer: Type.Optional(
      Type.Boolean({ description: 'Deploy the built-in metrics server. Defaults to true.' }),
    ),
  },
  { description: 'Cluster features set up by the first control plane node.' },
);
export type CK8sInitConfiguration = Static<typeof CK8sInitConfiguration>;

export const SnapstoreProxySchemes = ['http', 'https'] as const;

const ck8sConfigSpecProperties = {
  version: Type.Optional(
    Type.String({
      description: 'Kubernetes version, e.g. v1.33.2. Taken from the Machine when empty.',
    }),
  ),
  files: Type.Optional(Type.Array(File, { description: 'Extra files written on the machine by cloud-init.' })),
  bootstrapConfig: Type.Optional(BootstrapConfig),
  bootCommands: Type.Optional(
    Type.Array(Type.String(), { description: 'Commands cloud-init runs early in boot (bootcmd).' }),
  ),
  preRunCommands: Type.Optional(
    Type.Array(Type.String(), { description: 'Commands run before the k8s snap is installed.' }),
  ),
  postRunCommands: Type.Optional(
    Type.Array(Type.String(), { description: 'Commands run after the node has joined the cluster.' }),
  ),
  additionalUserData: Type.Optional(
    StringMap({
      description:
        'Extra top-level cloud-init keys; each value is parsed as YAML when possible. bootcmd, runcmd and ' +
        'write_files are managed by the provider and are rejected here.',
    }),
  ),
  airGapped: Type.Optional(
    Type.Boolean({ description: 'Do not install the k8s snap: the machine image or preRunCommands provide it.' }),
  ),
  snapstoreProxyScheme: Type.Optional(
    StringEnum(SnapstoreProxySchemes, {
      description: 'Scheme of the snap store proxy, "http" or "https" without "://". Defaults to http.',
      default: 'http',
    }),
  ),
  snapstoreProxyDomain: Type.Optional(
    Type.String({ description: 'Domain of the snap store proxy; used together with snapstoreProxyId.' }),
  ),
  snapstoreProxyId: Type.Optional(
    Type.String({ description: 'Store ID of the snap store proxy; used together with snapstoreProxyDomain.' }),
  ),
  httpsProxy: Type.Optional(Type.String({ description: 'HTTPS proxy URL for the node (https_proxy).' })),
  httpProxy: Type.Optional(Type.String({ description: 'HTTP proxy URL for the node (http_proxy).' })),
  noProxy: Type.Optional(Type.String({ description: 'Comma-separated hosts reached without proxy (no_proxy).' })),
  channel: Type.Optional(
    Type.String({
      description:
        'Snap channel to install k8s from, e.g. 1.33-classic/stable. Defaults to <major>.<minor>-classic/stable ' +
        'of the version. At most one of channel, revision and localPath.',
    }),
  ),
  revision: Type.Optional(
    Type.String({ description: 'Snap revision to install. At most one of channel, revision and localPath.' }),
  ),
  localPath: Type.Optional(
    Type.String({
      description:
        'Path on the machine of a k8s .snap file, or of a folder of .snap and .assert files. At most one of ' +
        'channel, revision and localPath.',
    }),
  ),
  controlPlane: Type.Optional(CK8sControlPlaneConfig),
  initConfig: Type.Optional(CK8sInitConfiguration),
  nodeName: Type.Optional(
    Type.String({
      description:
        'Node name (--name); empty means the hostname. Rendered by cloud-init jinja, so ' +
        '"{{ ds.meta_data.local_hostname }}" works.',
    }),
  ),
  extraKubeProxyArgs: Type.Optional(
    NullableStringMap({ description: 'Extra kube-proxy arguments; a null value removes the argument.' }),
  ),
  extraKubeletArgs: Type.Optional(
    NullableStringMap({ description: 'Extra kubelet arguments; a null value removes the argument.' }),
  ),
  extraContainerdArgs: Type.Optional(
    NullableStringMap({ description: 'Extra containerd arguments; a null value removes the argument.' }),
  ),
  ExtraK8sAPIServerProxyArgs: Type.Optional(
    NullableStringMap({
      description: 'Extra k8s-apiserver-proxy arguments (worker nodes only); a null value removes the argument.',
    }),
  ),
};

export const CK8sConfigSpec = Type.Object(ck8sConfigSpecProperties, {
  description: 'How a machine is installed and joined to the Canonical Kubernetes cluster.',
});
export type CK8sConfigSpec = Static<typeof CK8sConfigSpec>;

/** The same spec under another description, for the places that embed it. */
export function ck8sConfigSpecAs(description: string) {
  return Type.Object(ck8sConfigSpecProperties, { description });
}

export const CK8sConfigStatus = Type.Object(
  {
    initialization: Type.Optional(
      Type.Object(
        {
          dataSecretCreated: Type.Optional(
            Type.Boolean({ description: 'True once the bootstrap data secret exists (CAPI v1beta2 contract).' }),
          ),
        },
        { description: 'Provisioning milestones read by Cluster API.' },
      ),
    ),
    dataSecretName: Type.Optional(
      Type.String({ description: 'Name of the Secret holding the bootstrap data (key "value").' }),
    ),
    ready: Type.Optional(
      Type.Boolean({ description: 'True once the bootstrap data secret exists (CAPI v1beta1 contract).' }),
    ),
    observedGeneration: Type.Optional(
      Int64({ description: 'Latest metadata.generation the controller acted on.', minimum: 0 }),
    ),
    conditions: Type.Optional(Conditions('Current observations of the CK8sConfig state.')),
  },
  { description: 'Observed state of the CK8sConfig.' },
);
export type CK8sConfigStatus = Static<typeof CK8sConfigStatus>;

export const CK8sConfig = Type.Object(
  {
    ...typeMetaProperties,
    spec: Type.Optional(ck8sConfigSpecAs('How the owning machine is installed and joined to the cluster.')),
    status: Type.Optional(CK8sConfigStatus),
  },
  { description: 'Bootstrap configuration of one Canonical Kubernetes machine (cloud-init user data).' },
);
export type CK8sConfig = Static<typeof CK8sConfig>;

export const CK8sConfigTemplate = Type.Object(
  {
    ...typeMetaProperties,
    spec: Type.Optional(
      Type.Object(
        {
          template: Type.Object(
            {
              metadata: Type.Optional(
                PropagatedMetadata('Labels and annotations for the CK8sConfigs created from this template.'),
              ),
              spec: Type.Optional(ck8sConfigSpecAs('Spec of the CK8sConfigs created from this template.')),
            },
            { description: 'The CK8sConfig to create for each machine.' },
          ),
        },
        { description: 'Template for CK8sConfigs, e.g. of a MachineDeployment.' },
      ),
    ),
  },
  { description: 'Template of CK8sConfig used by MachineDeployments, MachineSets and MachinePools.' },
);
export type CK8sConfigTemplate = Static<typeof CK8sConfigTemplate>;
