// Typed views of the Cluster API core objects (cluster.x-k8s.io/v1beta2) the providers read and write. Only the
// fields the providers use are listed; everything else passes through untouched as the objects are patched, not
// rebuilt.
import type { Condition } from './conditions';
import type { ObjectMeta } from './schema/meta';

/** v1beta2 reference to a template or an object in the same namespace. */
export interface ContractVersionedObjectReference {
  apiGroup: string;
  kind: string;
  name: string;
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}

export interface APIEndpoint {
  host?: string;
  port?: number;
}

export interface FailureDomain {
  name: string;
  controlPlane?: boolean;
  attributes?: Record<string, string>;
}

export interface Cluster {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: {
    paused?: boolean;
    clusterNetwork?: {
      apiServerPort?: number;
      services?: { cidrBlocks?: string[] };
      pods?: { cidrBlocks?: string[] };
      serviceDomain?: string;
    };
    controlPlaneEndpoint?: APIEndpoint;
    controlPlaneRef?: ContractVersionedObjectReference;
    infrastructureRef?: ContractVersionedObjectReference;
    topology?: { version?: string; classRef?: { name: string; namespace?: string } };
  };
  status?: {
    initialization?: { infrastructureProvisioned?: boolean; controlPlaneInitialized?: boolean };
    conditions?: Condition[];
    failureDomains?: FailureDomain[];
    phase?: string;
  };
}

export interface MachineDeletionSpec {
  nodeDrainTimeoutSeconds?: number;
  nodeVolumeDetachTimeoutSeconds?: number;
  nodeDeletionTimeoutSeconds?: number;
}

export interface MachineSpec {
  clusterName: string;
  bootstrap: { configRef?: ContractVersionedObjectReference; dataSecretName?: string };
  infrastructureRef: ContractVersionedObjectReference;
  version?: string;
  providerID?: string;
  failureDomain?: string;
  minReadySeconds?: number;
  readinessGates?: { conditionType: string; polarity?: 'Positive' | 'Negative' }[];
  deletion?: MachineDeletionSpec;
}

export interface MachineAddress {
  type: 'Hostname' | 'ExternalIP' | 'InternalIP' | 'ExternalDNS' | 'InternalDNS';
  address: string;
}

export interface Machine {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec: MachineSpec;
  status?: {
    nodeRef?: { name: string };
    addresses?: MachineAddress[];
    conditions?: Condition[];
    phase?: string;
    initialization?: { bootstrapDataSecretCreated?: boolean; infrastructureProvisioned?: boolean };
    certificatesExpiryDate?: string;
    observedGeneration?: number;
  };
}

export interface MachineTemplateSpec {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: MachineSpec;
}

interface ReplicaCounts {
  replicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  upToDateReplicas?: number;
  observedGeneration?: number;
  conditions?: Condition[];
}

export interface MachineSet {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec: { clusterName: string; replicas?: number; selector: LabelSelector; template: MachineTemplateSpec };
  status?: ReplicaCounts;
}

export interface MachineDeployment {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec: {
    clusterName: string;
    replicas?: number;
    selector: LabelSelector;
    template: MachineTemplateSpec;
    paused?: boolean;
  };
  status?: ReplicaCounts & { phase?: string };
}

export interface MachinePool {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec: { clusterName: string; replicas?: number; template: MachineTemplateSpec };
  status?: ReplicaCounts & {
    nodeRefs?: { name: string }[];
    initialization?: { bootstrapDataSecretCreated?: boolean; infrastructureProvisioned?: boolean };
  };
}

export interface MachineHealthCheck {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec: {
    clusterName: string;
    selector: LabelSelector;
    checks?: {
      nodeStartupTimeoutSeconds?: number;
      unhealthyNodeConditions?: { type: string; status: string; timeoutSeconds: number }[];
    };
    remediation?: { triggerIf?: { unhealthyLessThanOrEqualTo?: number | string } };
  };
  status?: { expectedMachines?: number; currentHealthy?: number; remediationsAllowed?: number };
}

/** Machine conditions Cluster API sets that the providers read. */
export const machineCoreConditions = {
  ready: 'Ready',
  available: 'Available',
  upToDate: 'UpToDate',
  nodeHealthy: 'NodeHealthy',
  healthCheckSucceeded: 'HealthCheckSucceeded',
  ownerRemediated: 'OwnerRemediated',
  bootstrapConfigReady: 'BootstrapConfigReady',
  infrastructureReady: 'InfrastructureReady',
} as const;

/** Cluster conditions Cluster API sets that the providers read. */
export const clusterCoreConditions = {
  infrastructureReady: 'InfrastructureReady',
  controlPlaneInitialized: 'ControlPlaneInitialized',
  controlPlaneAvailable: 'ControlPlaneAvailable',
} as const;
