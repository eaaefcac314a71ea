import { type Cluster, clusterApiVersion, type FailureDomain, type Machine, type MachineAddress } from '@capi-ck8s/api';
import { type Condition, type KubeObject, kindRef } from '@capi-ck8s/runtime';
import { simApiVersion } from './crds';

export interface SimCluster extends KubeObject {
  spec: {
    controlPlaneEndpoint?: { host?: string; port?: number };
    failureDomains?: FailureDomain[];
  };
  status?: {
    initialization?: { provisioned?: boolean };
    failureDomains?: FailureDomain[];
    conditions?: Condition[];
  };
}

export interface SimMachine extends KubeObject {
  spec: { providerID?: string; failureDomain?: string };
  status?: {
    initialization?: { provisioned?: boolean };
    addresses?: MachineAddress[];
    failureDomain?: string;
    conditions?: Condition[];
  };
}

export type ClusterObject = Cluster & KubeObject;
export type MachineObject = Machine & KubeObject;

export interface Secret extends KubeObject {
  type?: string;
  data?: Record<string, string>;
}

export const simKinds = {
  simCluster: kindRef<SimCluster>(simApiVersion, 'SimCluster'),
  simMachine: kindRef<SimMachine>(simApiVersion, 'SimMachine'),
  cluster: kindRef<ClusterObject>(clusterApiVersion, 'Cluster'),
  machine: kindRef<MachineObject>(clusterApiVersion, 'Machine'),
  secret: kindRef<Secret>('v1', 'Secret'),
} as const;

export const simClusterFinalizer = 'simcluster.infrastructure.cluster.x-k8s.io';
export const simMachineFinalizer = 'simmachine.infrastructure.cluster.x-k8s.io';

/** `sim://<cluster>/<machine>`: unique within a workload cluster, which is all Cluster API matches Nodes in. */
export function simProviderId(clusterName: string, machineName: string): string {
  return `sim://${clusterName}/${machineName}`;
}
