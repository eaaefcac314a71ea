// The k8s bootstrap and join configurations written to /capi/etc/config.yaml. Key names are those of the
// k8s-snap-api v1 structs (BootstrapConfig, ControlPlaneJoinConfig, WorkerNodeJoinConfig). Upstream marshals them
// through JSON, so keys come out sorted; we sort too, which also makes the output deterministic.
import { effectiveInitConfiguration, effectivePorts, isEtcdManaged } from '@capi-ck8s/api';
import type { CK8sConfigSpec } from '@capi-ck8s/api';
import { RenderInputError } from './errors';
import { toYaml, withSortedKeys } from './yaml';
import type { ClusterFacts, ExternalDatastore, InitControlPlaneInput, JoinControlPlaneInput } from './input';

type ArgumentMap = Readonly<Record<string, string | null>> | undefined;
type ConfigDocument = Record<string, unknown>;

/** Sets key to value unless value is empty (undefined, '', [] or {}), like omitempty in the Go structs. */
function setIfPresent(target: ConfigDocument, key: string, value: unknown): void {
  if (value === undefined || value === '') return;
  if (Array.isArray(value) && value.length === 0) return;
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0) return;
  target[key] = value;
}

/** Extra component arguments; a null value tells k8s to delete the argument it would otherwise set. */
function setExtraArguments(target: ConfigDocument, spec: CK8sConfigSpec, components: readonly string[]): void {
  const sources: Record<string, ArgumentMap> = {
    'kube-apiserver': spec.controlPlane?.extraKubeAPIServerArgs,
    'kube-controller-manager': spec.controlPlane?.extraKubeControllerManagerArgs,
    'kube-scheduler': spec.controlPlane?.extraKubeSchedulerArgs,
    'kube-proxy': spec.extraKubeProxyArgs,
    kubelet: spec.extraKubeletArgs,
    containerd: spec.extraContainerdArgs,
    'k8s-apiserver-proxy': spec.ExtraK8sAPIServerProxyArgs,
  };
  for (const component of components) {
    setIfPresent(target, `extra-node-${component}-args`, sources[component]);
  }
}

const controlPlaneComponents = [
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kube-proxy',
  'kubelet',
  'containerd',
] as const;

function extraSans(spec: CK8sConfigSpec, cluster: ClusterFacts, additional: readonly string[] = []): string[] {
  const host = cluster.controlPlaneEndpointHost;
  return [...(spec.controlPlane?.extraSANs ?? []), ...additional, ...(host ? [host] : [])];
}

function clusterConfig(spec: CK8sConfigSpec, cluster: ClusterFacts): ConfigDocument {
  const features = effectiveInitConfiguration(spec.initConfig);
  const dns: ConfigDocument = { enabled: features.enableDefaultDNS };
  setIfPresent(dns, 'cluster-domain', cluster.serviceDomain);
  const config: ConfigDocument = {
    annotations: features.annotations,
    dns,
    gateway: { enabled: features.enableDefaultGateway },
    ingress: { enabled: features.enableDefaultIngress },
    'load-balancer': { enabled: features.enableDefaultLoadBalancer },
    'local-storage': { enabled: features.enableDefaultLocalStorage },
    'metrics-server': { enabled: features.enableDefaultMetricsServer },
    network: { enabled: features.enableDefaultNetwork },
  };
  setIfPresent(config, 'cloud-provider', spec.controlPlane?.cloudProvider);
  return config;
}

function datastoreSettings(spec: CK8sConfigSpec, external: ExternalDatastore | undefined): ConfigDocument {
  if (isEtcdManaged(spec)) {
    const ports = effectivePorts(spec.controlPlane);
    return { 'datastore-type': 'etcd', 'etcd-port': ports.etcdPort, 'etcd-peer-port': ports.etcdPeerPort };
  }
  if (!external) {
    throw new RenderInputError(
      'spec.controlPlane.datastoreType',
      `${JSON.stringify(spec.controlPlane?.datastoreType)} selects an external datastore, whose servers, CA and ` +
        'client certificate must be supplied',
    );
  }
  return {
    'datastore-type': 'external',
    'datastore-servers': [...external.servers],
    'datastore-ca-crt': external.caCertPem,
    'datastore-client-crt': external.client.certPem,
    'datastore-client-key': external.client.keyPem,
  };
}

/** Configuration of `k8s bootstrap` on the first control plane node. */
export function bootstrapConfig(input: InitControlPlaneInput): ConfigDocument {
  const { spec, cluster } = input;
  const config: ConfigDocument = {
    'ca-crt': input.ca.certPem,
    'ca-key': input.ca.keyPem,
    'client-ca-crt': input.clientCa.certPem,
    'client-ca-key': input.clientCa.keyPem,
    'cluster-config': clusterConfig(spec, cluster),
    ...datastoreSettings(spec, input.externalDatastore),
  };
  setIfPresent(config, 'secure-port', cluster.apiServerPort);
  setIfPresent(config, 'pod-cidr', cluster.podCidrs?.join(','));
  setIfPresent(config, 'service-cidr', cluster.serviceCidrs?.join(','));
  setIfPresent(config, 'extra-sans', extraSans(spec, cluster));
  setIfPresent(config, 'control-plane-taints', spec.controlPlane?.nodeTaints);
  setExtraArguments(config, spec, controlPlaneComponents);
  return config;
}

/** Configuration of `k8s join-cluster` on a joining control plane node. */
export function controlPlaneJoinConfig(input: JoinControlPlaneInput): ConfigDocument {
  // The join token is issued for the CK8sConfig name, which may differ from the kubelet's name, and k8s checks
  // the token name against the certificate (k8s-snap #629), hence the extra SAN.
  const config: ConfigDocument = {};
  setIfPresent(config, 'extra-sans', extraSans(input.spec, input.cluster, [input.configName]));
  setExtraArguments(config, input.spec, controlPlaneComponents);
  return config;
}

/** Configuration of `k8s join-cluster` on a worker node. */
export function workerJoinConfig(spec: CK8sConfigSpec): ConfigDocument {
  const config: ConfigDocument = {};
  setExtraArguments(config, spec, ['kube-proxy', 'kubelet', 'containerd', 'k8s-apiserver-proxy']);
  return config;
}

export function configYaml(config: ConfigDocument): string {
  return toYaml(withSortedKeys(config));
}
