// Everything one reconcile of a CK8sConfig knows before acting, read once, and the plain questions asked of it.
// Nothing here does I/O.
import {
  annotations,
  type CK8sConfigSpec,
  clusterApiGroup,
  clusterCoreConditions,
  labels,
} from '@capi-ck8s/api';
import { findCondition, groupOf, type OwnerReference } from '@capi-ck8s/runtime';
import type { CK8sConfigObject, ClusterObject, MachineObject, MachinePoolObject } from '../../kinds';

export type OwnerKind = 'Machine' | 'MachinePool';

/** The Machine or MachinePool a config bootstraps, reduced to what the bootstrap decisions need. */
export interface ConfigOwner {
  kind: OwnerKind;
  name: string;
  uid: string | undefined;
  clusterName: string;
  version: string | undefined;
  controlPlane: boolean;
  /** spec.bootstrap.dataSecretName: set when the owner already has bootstrap data (e.g. after a move). */
  dataSecretName: string | undefined;
  /** The release an in-place upgrade installed, so a replacement comes up at it. */
  inPlaceUpgradeRelease: string | undefined;
}

export interface Scope {
  config: CK8sConfigObject;
  /** The config's spec with `version` taken from the owner when the config leaves it empty. */
  spec: CK8sConfigSpec;
  owner: ConfigOwner;
  cluster: ClusterObject;
  namespace: string;
  clusterName: string;
}

/** The Machine or MachinePool reference among the config's owners (Cluster API sets it), if any. */
export function ownerReferenceOf(config: CK8sConfigObject): (OwnerReference & { kind: OwnerKind }) | undefined {
  const candidates = (config.metadata.ownerReferences ?? []).filter(
    (reference): reference is OwnerReference & { kind: OwnerKind } =>
      (reference.kind === 'Machine' || reference.kind === 'MachinePool') && groupOf(reference.apiVersion) === clusterApiGroup,
  );
  return candidates.find((reference) => reference.controller === true) ?? candidates[0];
}

export function machineOwner(machine: MachineObject): ConfigOwner {
  return {
    kind: 'Machine',
    name: machine.metadata.name ?? '',
    uid: machine.metadata.uid,
    clusterName: machine.spec.clusterName,
    version: machine.spec.version,
    controlPlane: machine.metadata.labels?.[labels.controlPlane] !== undefined,
    dataSecretName: machine.spec.bootstrap.dataSecretName,
    inPlaceUpgradeRelease: machine.metadata.annotations?.[annotations.inPlaceUpgradeRelease],
  };
}

/** Every instance of a pool boots from the same data, so a pool is always a group of workers. */
export function machinePoolOwner(pool: MachinePoolObject): ConfigOwner {
  return {
    kind: 'MachinePool',
    name: pool.metadata.name ?? '',
    uid: pool.metadata.uid,
    clusterName: pool.spec.clusterName,
    version: pool.spec.template.spec.version,
    controlPlane: false,
    dataSecretName: pool.spec.template.spec.bootstrap.dataSecretName,
    inPlaceUpgradeRelease: pool.metadata.annotations?.[annotations.inPlaceUpgradeRelease],
  };
}

/** The spec the node data is rendered from: the owner's version fills an empty one, as upstream does. */
export function effectiveSpec(config: CK8sConfigObject, owner: ConfigOwner): CK8sConfigSpec {
  const spec = config.spec ?? {};
  return spec.version || !owner.version ? spec : { ...spec, version: owner.version };
}

/** Why reconciliation is paused, or undefined when it is not. */
export function pausedBecause(cluster: ClusterObject, config: CK8sConfigObject): string | undefined {
  if (cluster.spec?.paused === true) return `Cluster ${cluster.metadata.name ?? ''} has spec.paused set`;
  if (config.metadata.annotations?.[annotations.paused] !== undefined) return `the CK8sConfig carries the ${annotations.paused} annotation`;
  return undefined;
}

export function infrastructureProvisioned(cluster: ClusterObject): boolean {
  return (
    cluster.status?.initialization?.infrastructureProvisioned === true ||
    findCondition(cluster.status?.conditions, clusterCoreConditions.infrastructureReady)?.status === 'True'
  );
}

export function controlPlaneInitialized(cluster: ClusterObject): boolean {
  return (
    cluster.status?.initialization?.controlPlaneInitialized === true ||
    findCondition(cluster.status?.conditions, clusterCoreConditions.controlPlaneInitialized)?.status === 'True'
  );
}

/** The config's status already records bootstrap data: it is never generated again. */
export function hasBootstrapData(config: CK8sConfigObject): boolean {
  const status = config.status;
  return Boolean(status?.dataSecretName && (status.initialization?.dataSecretCreated || status.ready));
}

export type BootstrapRole = 'init-control-plane' | 'join-control-plane' | 'worker';

/**
 * What the owner becomes: before the control plane is initialised a control plane machine may initialise it (under
 * the init lock) and anything else waits; afterwards control plane machines join as control plane, the rest as
 * workers.
 */
export function bootstrapRole(owner: ConfigOwner, clusterInitialized: boolean): BootstrapRole | 'wait-for-control-plane' {
  if (clusterInitialized) return owner.controlPlane ? 'join-control-plane' : 'worker';
  return owner.controlPlane ? 'init-control-plane' : 'wait-for-control-plane';
}
