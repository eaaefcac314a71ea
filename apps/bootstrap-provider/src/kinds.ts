import {
  bootstrapApiVersion,
  type CK8sConfig,
  type CK8sConfigTemplate,
  type Cluster,
  clusterApiVersion,
  type Machine,
  type MachineDeployment,
  type MachinePool,
} from '@capi-ck8s/api';
import { type KubeObject, kindRef } from '@capi-ck8s/runtime';

// The api package's generated types leave metadata optional (it mirrors the CRD schema); objects read from the
// apiserver always carry it, which is what the runtime's KubeObject states.
export type CK8sConfigObject = CK8sConfig & KubeObject;
export type CK8sConfigTemplateObject = CK8sConfigTemplate & KubeObject;
export type ClusterObject = Cluster & KubeObject;
export type MachineObject = Machine & KubeObject;
export type MachinePoolObject = MachinePool & KubeObject;
export type MachineDeploymentObject = MachineDeployment & KubeObject;

export interface Secret extends KubeObject {
  type?: string;
  data?: Record<string, string>;
}

export interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

export interface Lease extends KubeObject {
  spec?: { holderIdentity?: string };
}

export const kinds = {
  config: kindRef<CK8sConfigObject>(bootstrapApiVersion, 'CK8sConfig'),
  configTemplate: kindRef<CK8sConfigTemplateObject>(bootstrapApiVersion, 'CK8sConfigTemplate'),
  cluster: kindRef<ClusterObject>(clusterApiVersion, 'Cluster'),
  machine: kindRef<MachineObject>(clusterApiVersion, 'Machine'),
  machinePool: kindRef<MachinePoolObject>(clusterApiVersion, 'MachinePool'),
  machineDeployment: kindRef<MachineDeploymentObject>(clusterApiVersion, 'MachineDeployment'),
  secret: kindRef<Secret>('v1', 'Secret'),
  configMap: kindRef<ConfigMap>('v1', 'ConfigMap'),
  lease: kindRef<Lease>('coordination.k8s.io/v1', 'Lease'),
} as const;

export function secretText(secret: Secret | undefined, key: string): string | undefined {
  const encoded = secret?.data?.[key];
  return encoded === undefined || encoded === '' ? undefined : Buffer.from(encoded, 'base64').toString('utf8');
}

export function base64(text: string): string {
  return Buffer.from(text).toString('base64');
}
