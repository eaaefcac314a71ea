// Plain objects for unit tests of the pure decisions.
import { bootstrapApiVersion, clusterApiVersion, type CK8sConfigSpec } from '@capi-ck8s/api';
import type { CK8sConfigObject, ClusterObject, MachineObject } from '../kinds';
import type { ConfigOwner } from '../controllers/ck8sconfig/scope';

export function config(overrides: { spec?: CK8sConfigSpec; status?: CK8sConfigObject['status']; annotations?: Record<string, string>; owners?: CK8sConfigObject['metadata']['ownerReferences'] } = {}): CK8sConfigObject {
  return {
    apiVersion: bootstrapApiVersion,
    kind: 'CK8sConfig',
    metadata: {
      name: 'node-0',
      namespace: 'ns',
      uid: 'config-uid',
      generation: 2,
      resourceVersion: '10',
      ...(overrides.annotations ? { annotations: overrides.annotations } : {}),
      ...(overrides.owners ? { ownerReferences: overrides.owners } : {}),
    },
    spec: overrides.spec ?? { version: 'v1.33.2' },
    ...(overrides.status ? { status: overrides.status } : {}),
  };
}

export function cluster(overrides: { paused?: boolean; infrastructureProvisioned?: boolean; controlPlaneInitialized?: boolean } = {}): ClusterObject {
  return {
    apiVersion: clusterApiVersion,
    kind: 'Cluster',
    metadata: { name: 'alpha', namespace: 'ns', uid: 'cluster-uid' },
    spec: {
      ...(overrides.paused === undefined ? {} : { paused: overrides.paused }),
      infrastructureRef: { apiGroup: 'infrastructure.example', kind: 'ExampleCluster', name: 'alpha' },
      controlPlaneEndpoint: { host: '10.0.0.1', port: 6443 },
    },
    status: {
      initialization: {
        infrastructureProvisioned: overrides.infrastructureProvisioned ?? true,
        controlPlaneInitialized: overrides.controlPlaneInitialized ?? false,
      },
    },
  };
}

export function machine(overrides: { controlPlane?: boolean; version?: string; dataSecretName?: string; annotations?: Record<string, string> } = {}): MachineObject {
  return {
    apiVersion: clusterApiVersion,
    kind: 'Machine',
    metadata: {
      name: 'machine-0',
      namespace: 'ns',
      uid: 'machine-uid',
      labels: { 'cluster.x-k8s.io/cluster-name': 'alpha', ...(overrides.controlPlane ? { 'cluster.x-k8s.io/control-plane': '' } : {}) },
      ...(overrides.annotations ? { annotations: overrides.annotations } : {}),
    },
    spec: {
      clusterName: 'alpha',
      bootstrap: {
        configRef: { apiGroup: 'bootstrap.cluster.x-k8s.io', kind: 'CK8sConfig', name: 'node-0' },
        ...(overrides.dataSecretName ? { dataSecretName: overrides.dataSecretName } : {}),
      },
      infrastructureRef: { apiGroup: 'infrastructure.example', kind: 'ExampleMachine', name: 'machine-0' },
      ...(overrides.version ? { version: overrides.version } : {}),
    },
  };
}

export function owner(overrides: Partial<ConfigOwner> = {}): ConfigOwner {
  return {
    kind: 'Machine',
    name: 'machine-0',
    uid: 'machine-uid',
    clusterName: 'alpha',
    version: 'v1.33.2',
    controlPlane: true,
    dataSecretName: undefined,
    inPlaceUpgradeRelease: undefined,
    ...overrides,
  };
}
