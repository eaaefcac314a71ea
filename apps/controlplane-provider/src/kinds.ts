// Typed kinds the control plane provider reads and writes.
import {
  bootstrapApiVersion,
  type CK8sConfig,
  type CK8sControlPlane,
  type Cluster,
  clusterApiVersion,
  controlPlaneApiVersion,
  type Machine,
  type MachinePool,
} from '@capi-ck8s/api';
import { coreKinds, type KubeObject, kindRef } from '@capi-ck8s/runtime';

export { base64, type ConfigMap, type Secret, secretText } from '@capi-ck8s/runtime';

// The api package's types leave metadata optional (they mirror the CRD schema); objects read from the apiserver
// always carry it, which is what the runtime's KubeObject states.
export type ControlPlaneObject = CK8sControlPlane & KubeObject;
export type CK8sConfigObject = CK8sConfig & KubeObject;
export type ClusterObject = Cluster & KubeObject;
export type MachineObject = Machine & KubeObject;
export type MachinePoolObject = MachinePool & KubeObject;

/** An infrastructure machine or template: only metadata and spec are read, everything else passes through. */
export interface InfrastructureObject extends KubeObject {
  spec?: Record<string, unknown>;
}

export const kinds = {
  controlPlane: kindRef<ControlPlaneObject>(controlPlaneApiVersion, 'CK8sControlPlane'),
  config: kindRef<CK8sConfigObject>(bootstrapApiVersion, 'CK8sConfig'),
  cluster: kindRef<ClusterObject>(clusterApiVersion, 'Cluster'),
  machine: kindRef<MachineObject>(clusterApiVersion, 'Machine'),
  machinePool: kindRef<MachinePoolObject>(clusterApiVersion, 'MachinePool'),
  ...coreKinds,
  node: kindRef<KubeObject & { status?: { conditions?: { type: string; status: string }[] } }>('v1', 'Node'),
} as const;
