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
import { coreKinds, type KubeObject, kindRef } from '@capi-ck8s/runtime';

export { base64, type ConfigMap, type Secret, secretText } from '@capi-ck8s/runtime';

// The api package's generated types leave metadata optional (it mirrors the CRD schema); objects read from the
// apiserver always carry it, which is what the runtime's KubeObject states.
export type CK8sConfigObject = CK8sConfig & KubeObject;
export type CK8sConfigTemplateObject = CK8sConfigTemplate & KubeObject;
export type ClusterObject = Cluster & KubeObject;
export type MachineObject = Machine & KubeObject;
export type MachinePoolObject = MachinePool & KubeObject;
export type MachineDeploymentObject = MachineDeployment & KubeObject;

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
  ...coreKinds,
  lease: kindRef<Lease>('coordination.k8s.io/v1', 'Lease'),
} as const;
