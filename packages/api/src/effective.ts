// Values that upstream derives when a field is left empty. They are computed when read rather than written into
// objects, exactly as upstream does, so stored objects stay what the user applied.
import type { CK8sConfigSpec, CK8sControlPlaneConfig, CK8sInitConfiguration } from './schema/ck8sconfig';
import { parseKubernetesVersion } from './validation/formats';

export const defaultPorts = { etcdPort: 2379, etcdPeerPort: 2381, microclusterPort: 2380 } as const;

/** Datastore types with a meaning; upstream treats anything other than "" and "etcd" as external. */
export const datastoreTypes = ['etcd', 'external'] as const;

/** Managed etcd unless the control plane config names another datastore. */
export function isEtcdManaged(spec: CK8sConfigSpec | undefined): boolean {
  const type = spec?.controlPlane?.datastoreType ?? '';
  return type === '' || type === 'etcd';
}

export interface ControlPlanePorts {
  etcdPort: number;
  etcdPeerPort: number;
  microclusterPort: number;
}

export function effectivePorts(controlPlane: CK8sControlPlaneConfig | undefined): ControlPlanePorts {
  return {
    etcdPort: controlPlane?.etcdPort || defaultPorts.etcdPort,
    etcdPeerPort: controlPlane?.etcdPeerPort || defaultPorts.etcdPeerPort,
    microclusterPort: controlPlane?.microclusterPort || defaultPorts.microclusterPort,
  };
}

export type EffectiveInitConfiguration = Required<Omit<CK8sInitConfiguration, 'annotations'>> & {
  annotations: Record<string, string>;
};

/** Feature toggles of the first control plane node; load balancer, gateway and ingress follow the network. */
export function effectiveInitConfiguration(init: CK8sInitConfiguration | undefined): EffectiveInitConfiguration {
  const network = init?.enableDefaultNetwork ?? true;
  const {
    annotations = {},
    enableDefaultDNS = true,
    enableDefaultLoadBalancer = network,
    enableDefaultGateway = network,
    enableDefaultIngress = network,
    enableDefaultLocalStorage = true,
    enableDefaultMetricsServer = true,
  } = init ?? {};
  return {
    annotations: { ...annotations },
    enableDefaultDNS,
    enableDefaultNetwork: network,
    enableDefaultLoadBalancer,
    enableDefaultGateway,
    enableDefaultIngress,
    enableDefaultLocalStorage,
    enableDefaultMetricsServer,
  };
}

export type SnapInstallOption = 'channel' | 'revision' | 'localPath';

export interface SnapInstallSource {
  option: SnapInstallOption;
  value: string;
}

export const snapInstallOptions: readonly SnapInstallOption[] = ['channel', 'revision', 'localPath'];

/** The snap install options a spec sets explicitly (valid specs set at most one). */
export function explicitSnapInstallOptions(spec: CK8sConfigSpec): SnapInstallSource[] {
  return snapInstallOptions.flatMap((option) => {
    const value = spec[option];
    return value ? [{ option, value }] : [];
  });
}

/**
 * How the k8s snap is installed: the one explicit option, else `<major>.<minor>-classic/stable` of the version.
 * Undefined when neither exists (the version is filled from the Machine before rendering).
 */
export function snapInstallSource(spec: CK8sConfigSpec): SnapInstallSource | undefined {
  const [explicit] = explicitSnapInstallOptions(spec);
  if (explicit) return explicit;
  const version = spec.version ? parseKubernetesVersion(spec.version) : undefined;
  return version ? { option: 'channel', value: `${version.major}.${version.minor}-classic/stable` } : undefined;
}
