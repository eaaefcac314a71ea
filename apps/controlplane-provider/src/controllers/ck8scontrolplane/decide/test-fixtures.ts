// Test fixtures: a compact description of a control plane and its workload cluster, turned into a
// ControlPlaneScope. Defaults describe a healthy initialized cluster, so each test states only what differs.
import type { CK8sConfigSpec, CK8sControlPlane, Cluster, Condition, Machine, RemediationStrategy } from '@capi-ck8s/api';
import { ControlPlaneScope } from '../scope';
import type { DatastoreKind, DatastoreMember, OwnedMachineInput, WorkloadObservation } from '../scope';
import { clonedFromAnnotations } from './up-to-date';

export const now = new Date('2026-11-25T12:00:00Z');
export const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000).toISOString();

export const infrastructureTemplate = {
  apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1',
  kind: 'DockerMachineTemplate',
  name: 'cp-template',
  namespace: 'default',
};
export const templateGroupKind = 'DockerMachineTemplate.infrastructure.cluster.x-k8s.io';

export type MemberState = 'healthy' | 'unhealthy' | 'missing' | 'learner' | 'standby';

export interface TestMachine {
  name: string;
  /** Default: listed first is older (600, 590, 580… minutes). */
  ageMinutes?: number;
  version?: string;
  failureDomain?: string;
  /** false: no nodeRef yet. Default: a node named after the machine. */
  node?: boolean;
  nodeReady?: boolean;
  /** The node is no longer in the workload cluster. */
  nodeGone?: boolean;
  member?: MemberState;
  deleting?: boolean;
  annotations?: Record<string, string>;
  healthCheckSucceeded?: 'True' | 'False';
  ownerRemediated?: 'True' | 'False';
  /** null: the CK8sConfig is missing. Default: the control plane's spec.spec. */
  config?: CK8sConfigSpec | null;
  /** null: the infrastructure machine has no cloned-from annotations. Default: the control plane's template. */
  clonedFrom?: { name: string; groupKind: string } | null;
}

export interface TestWorld {
  machines: TestMachine[];
  replicas?: number;
  version?: string;
  maxSurge?: number | string;
  spec?: CK8sConfigSpec;
  rolloutAfter?: string;
  remediationStrategy?: RemediationStrategy;
  controlPlaneAnnotations?: Record<string, string>;
  status?: NonNullable<CK8sControlPlane['status']>;
  failureDomains?: string[];
  /** Default true (recorded in status). */
  initialized?: boolean;
  /** A message makes the workload cluster unreachable. */
  workloadUnreachable?: string;
  /** A message makes the datastore membership unknown. */
  membershipUnknown?: string;
  datastoreKind?: DatastoreKind;
  /** Members that belong to no machine (orphans). */
  extraMembers?: DatastoreMember[];
}

const version = 'v1.34.1';

function ageOf(machine: TestMachine, index: number): number {
  return machine.ageMinutes ?? 600 - index * 10;
}

function conditionsOf(machine: TestMachine): Condition[] {
  const at = minutesAgo(1);
  const conditions: Condition[] = [];
  if (machine.healthCheckSucceeded) {
    conditions.push({ type: 'HealthCheckSucceeded', status: machine.healthCheckSucceeded, reason: 'Test', message: '', lastTransitionTime: at });
  }
  if (machine.ownerRemediated) {
    conditions.push({ type: 'OwnerRemediated', status: machine.ownerRemediated, reason: 'Test', message: '', lastTransitionTime: at });
  }
  return conditions;
}

function ownedMachine(world: TestWorld, machine: TestMachine, index: number): OwnedMachineInput {
  const hasNode = machine.node ?? true;
  const built: Machine = {
    metadata: {
      name: machine.name,
      namespace: 'default',
      creationTimestamp: minutesAgo(ageOf(machine, index)),
      ...(machine.deleting ? { deletionTimestamp: minutesAgo(0) } : {}),
      ...(machine.annotations ? { annotations: machine.annotations } : {}),
    },
    spec: {
      clusterName: 'test',
      bootstrap: { configRef: { apiGroup: 'bootstrap.cluster.x-k8s.io', kind: 'CK8sConfig', name: machine.name } },
      infrastructureRef: { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'DockerMachine', name: machine.name },
      version: machine.version ?? world.version ?? version,
      ...(machine.failureDomain ? { failureDomain: machine.failureDomain } : {}),
    },
    status: {
      ...(hasNode ? { nodeRef: { name: machine.name } } : {}),
      conditions: conditionsOf(machine),
    },
  };
  const clonedFrom = machine.clonedFrom === undefined ? { name: infrastructureTemplate.name, groupKind: templateGroupKind } : machine.clonedFrom;
  return {
    machine: built,
    ...(machine.config === null ? {} : { config: { metadata: { name: machine.name }, spec: machine.config ?? world.spec ?? {} } }),
    infrastructureMachine: {
      metadata: {
        name: machine.name,
        ...(clonedFrom
          ? { annotations: { [clonedFromAnnotations.name]: clonedFrom.name, [clonedFromAnnotations.groupKind]: clonedFrom.groupKind } }
          : {}),
      },
    },
  };
}

function memberOf(machine: TestMachine): DatastoreMember[] {
  const state = machine.member ?? 'healthy';
  if (machine.node === false || state === 'missing') return [];
  if (state === 'learner') return [{ name: machine.name, role: 'learner', healthy: true }];
  if (state === 'standby') return [{ name: machine.name, role: 'standby', healthy: true }];
  return [{ name: machine.name, role: 'voter', healthy: state === 'healthy' }];
}

function workloadOf(world: TestWorld): WorkloadObservation {
  if (world.workloadUnreachable) return { reachable: false, message: world.workloadUnreachable };
  const withNodes = world.machines.filter((machine) => machine.node !== false && !machine.nodeGone);
  return {
    reachable: true,
    initialized: world.initialized ?? true,
    controlPlaneNodes: withNodes.map((machine) => ({ name: machine.name, ready: machine.nodeReady ?? true })),
    datastore: world.membershipUnknown
      ? { known: false, message: world.membershipUnknown }
      : {
          known: true,
          kind: world.datastoreKind ?? 'etcd',
          members: [...world.machines.flatMap(memberOf), ...(world.extraMembers ?? [])],
        },
  };
}

export function testControlPlane(world: TestWorld): CK8sControlPlane {
  return {
    metadata: { name: 'test-cp', namespace: 'default', ...(world.controlPlaneAnnotations ? { annotations: world.controlPlaneAnnotations } : {}) },
    spec: {
      replicas: world.replicas ?? 3,
      version: world.version ?? version,
      machineTemplate: { infrastructureTemplate },
      ...(world.spec ? { spec: world.spec } : {}),
      ...(world.rolloutAfter ? { rolloutAfter: world.rolloutAfter } : {}),
      ...(world.remediationStrategy ? { remediationStrategy: world.remediationStrategy } : {}),
      ...(world.maxSurge === undefined ? {} : { rolloutStrategy: { rollingUpdate: { maxSurge: world.maxSurge } } }),
    },
    status: world.status ?? { initialization: { controlPlaneInitialized: world.initialized ?? true } },
  };
}

export function testCluster(world: TestWorld): Cluster {
  return {
    metadata: { name: 'test', namespace: 'default' },
    status: { failureDomains: (world.failureDomains ?? []).map((name) => ({ name, controlPlane: true })) },
  };
}

export function scopeOf(world: TestWorld): ControlPlaneScope {
  return new ControlPlaneScope({
    controlPlane: testControlPlane(world),
    cluster: testCluster(world),
    machines: world.machines.map((machine, index) => ownedMachine(world, machine, index)),
    workload: workloadOf(world),
    now,
  });
}

/** `count` healthy machines m1…mN, oldest first. */
export function healthyMachines(count: number, extra: Partial<TestMachine> = {}): TestMachine[] {
  return Array.from({ length: count }, (_, index) => ({ name: `m${index + 1}`, ...extra }));
}
