// Everything one reconcile of a CK8sControlPlane knows, gathered once before any decision: the objects read from
// the management cluster, what was observed in the workload cluster, and the reconciliation time. Building it does
// no I/O and it never changes afterwards, so every decision taken in the same pass sees the same world.
import { defaultControlPlaneReplicas, isEtcdManaged, machineCoreConditions } from '@capi-ck8s/api';
import type { CK8sConfig, CK8sControlPlane, CK8sConfigSpec, Cluster, Condition, Machine } from '@capi-ck8s/api';
import { machineUpToDate } from './decide/up-to-date';
import type { DesiredMachineState, InfrastructureMachine, MachineParts, UpToDateResult } from './decide/up-to-date';

export type { InfrastructureMachine } from './decide/up-to-date';

/** An owned control plane Machine with the objects it references, as read by the controller. */
export interface OwnedMachineInput {
  machine: Machine;
  /** Missing when the CK8sConfig could not be found (being created or deleted). */
  config?: CK8sConfig;
  /** Missing when the infrastructure machine could not be found. */
  infrastructureMachine?: InfrastructureMachine;
}

/** A Node of the workload cluster labelled node-role.kubernetes.io/control-plane. */
export interface ControlPlaneNode {
  name: string;
  ready: boolean;
}

/** The datastores k8s-snap runs on its control plane nodes. */
export type DatastoreKind = 'etcd' | 'k8s-dqlite';

/**
 * `voter` counts for quorum. `learner` is an etcd member still catching up before its promotion: a membership change
 * is in flight. `standby` and `spare` are dqlite's non-voting replicas, a steady state.
 */
export type DatastoreMemberRole = 'voter' | 'learner' | 'standby' | 'spare';

/** A datastore member; k8s-snap names members after their node. */
export interface DatastoreMember {
  name: string;
  role: DatastoreMemberRole;
  healthy: boolean;
}

export type DatastoreObservation =
  | { known: true; kind: DatastoreKind; members: readonly DatastoreMember[] }
  | { known: false; message: string };

export type WorkloadObservation =
  | { reachable: false; message: string }
  | {
      reachable: true;
      /** `kube-system/k8sd-config` exists. */
      initialized: boolean;
      controlPlaneNodes: readonly ControlPlaneNode[];
      /** Membership of the managed datastore; ignored with an external datastore. */
      datastore: DatastoreObservation;
    };

export interface ControlPlaneScopeInput {
  controlPlane: CK8sControlPlane;
  cluster: Cluster;
  machines: readonly OwnedMachineInput[];
  workload: WorkloadObservation;
  now: Date;
}

/** Which part of a machine is unwell, in the order remediation cares about: a missing node is the worst. */
export type MachineProblemCategory = 'node' | 'datastore' | 'components';

export interface MachineProblem {
  category: MachineProblemCategory;
  message: string;
}

export interface ControlPlaneMachine extends MachineParts {
  readonly name: string;
  readonly createdAtMs: number;
  readonly deleting: boolean;
  readonly failureDomain: string | undefined;
  readonly nodeName: string | undefined;
  readonly upToDate: UpToDateResult;
  /** Empty when the node is Ready and (managed datastore) its member is a healthy voter. */
  readonly problems: readonly MachineProblem[];
}

/** datastoreType values that put the datastore on the control plane nodes; k8s-dqlite predates upstream v0.6. */
export function isDatastoreManaged(spec: CK8sConfigSpec | undefined): boolean {
  return isEtcdManaged(spec) || spec?.controlPlane?.datastoreType === 'k8s-dqlite';
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function required<T>(value: T | undefined, field: string): T {
  if (value === undefined || value === '') throw new Error(`${field}: must be set to build the control plane scope`);
  return value;
}

function conditionStatus(machine: Machine, type: string): Condition['status'] | undefined {
  return machine.status?.conditions?.find((condition) => condition.type === type)?.status;
}

export class ControlPlaneScope {
  readonly controlPlane: CK8sControlPlane;
  readonly cluster: Cluster;
  readonly workload: WorkloadObservation;
  readonly nowMs: number;
  readonly name: string;
  readonly version: string;
  readonly desiredReplicas: number;
  readonly managedDatastore: boolean;
  /** Control plane failure domains of the Cluster, sorted by name. */
  readonly failureDomains: readonly string[];
  /** Once true, never false again (upstream reads `k8sd-config`; status keeps the memory). */
  readonly initialized: boolean;
  /** Every owned Machine, deleting ones included, sorted by name. */
  readonly machines: readonly ControlPlaneMachine[];

  constructor(input: ControlPlaneScopeInput) {
    const controlPlane = deepFreeze(structuredClone(input.controlPlane));
    const spec = required(controlPlane.spec, 'spec');
    this.controlPlane = controlPlane;
    this.cluster = deepFreeze(structuredClone(input.cluster));
    this.workload = deepFreeze(structuredClone(input.workload));
    this.nowMs = input.now.getTime();
    this.name = required(controlPlane.metadata?.name, 'metadata.name');
    this.version = required(spec.version, 'spec.version');
    this.desiredReplicas = spec.replicas ?? defaultControlPlaneReplicas;
    this.managedDatastore = isDatastoreManaged(spec.spec);
    this.failureDomains = [
      ...new Set((this.cluster.status?.failureDomains ?? []).filter((fd) => fd.controlPlane).map((fd) => fd.name)),
    ].sort();
    const status = controlPlane.status;
    this.initialized = Boolean(
      status?.initialization?.controlPlaneInitialized ||
        status?.initialized ||
        (this.workload.reachable && this.workload.initialized),
    );
    const desired: DesiredMachineState = {
      version: this.version,
      configSpec: spec.spec ?? {},
      infrastructureTemplate: required(spec.machineTemplate?.infrastructureTemplate, 'spec.machineTemplate.infrastructureTemplate'),
      ...(spec.rolloutAfter ? { rolloutAfter: spec.rolloutAfter } : {}),
    };
    this.machines = Object.freeze(
      input.machines
        .map((parts) => this.describeMachine(deepFreeze(structuredClone(parts)), desired))
        .sort((a, b) => a.name.localeCompare(b.name)),
    );
    Object.freeze(this);
  }

  private describeMachine(parts: OwnedMachineInput, desired: DesiredMachineState): ControlPlaneMachine {
    const { machine } = parts;
    const name = required(machine.metadata.name, 'machine metadata.name');
    const createdAtMs = Date.parse(required(machine.metadata.creationTimestamp, `machine ${name}: metadata.creationTimestamp`));
    if (Number.isNaN(createdAtMs)) throw new Error(`machine ${name}: metadata.creationTimestamp must be an RFC 3339 time`);
    const nodeName = machine.status?.nodeRef?.name;
    return Object.freeze({
      ...parts,
      name,
      createdAtMs,
      deleting: Boolean(machine.metadata.deletionTimestamp),
      failureDomain: machine.spec.failureDomain || undefined,
      nodeName,
      upToDate: machineUpToDate(desired, parts, this.nowMs),
      problems: Object.freeze(this.problemsOf(nodeName)),
    });
  }

  private problemsOf(nodeName: string | undefined): MachineProblem[] {
    if (!nodeName) return [{ category: 'node', message: 'has no node yet' }];
    const workload = this.workload;
    if (!workload.reachable) {
      return [{ category: 'components', message: `health unknown: workload cluster unreachable (${workload.message})` }];
    }
    const node = workload.controlPlaneNodes.find((candidate) => candidate.name === nodeName);
    if (!node) return [{ category: 'node', message: `node ${nodeName} is not among the control plane nodes` }];
    const problems: MachineProblem[] = [];
    if (this.managedDatastore) problems.push(...this.datastoreProblemsOf(nodeName, workload.datastore));
    if (!node.ready) problems.push({ category: 'components', message: `node ${nodeName} is not Ready` });
    return problems;
  }

  private datastoreProblemsOf(nodeName: string, datastore: DatastoreObservation): MachineProblem[] {
    if (!datastore.known) {
      return [{ category: 'datastore', message: `datastore membership unknown (${datastore.message})` }];
    }
    const member = datastore.members.find((candidate) => candidate.name === nodeName);
    const kind = datastore.kind;
    if (!member) return [{ category: 'datastore', message: `node ${nodeName} is not a member of the ${kind} datastore` }];
    if (!member.healthy) return [{ category: 'datastore', message: `${kind} member ${nodeName} is unhealthy` }];
    if (member.role === 'learner') {
      return [{ category: 'datastore', message: `${kind} member ${nodeName} is still a learner (joining)` }];
    }
    return [];
  }

  machine(name: string): ControlPlaneMachine | undefined {
    return this.machines.find((machine) => machine.name === name);
  }

  /** Machines not being deleted. */
  activeMachines(): ControlPlaneMachine[] {
    return this.machines.filter((machine) => !machine.deleting);
  }

  deletingMachines(): ControlPlaneMachine[] {
    return this.machines.filter((machine) => machine.deleting);
  }

  hasDeletingMachine(): boolean {
    return this.machines.some((machine) => machine.deleting);
  }

  upToDateMachines(): ControlPlaneMachine[] {
    return this.activeMachines().filter((machine) => machine.upToDate.upToDate);
  }

  /** Active Machines that no longer match the spec; `upToDate.reasons` says why for each. */
  machinesNeedingRollout(): ControlPlaneMachine[] {
    return this.activeMachines().filter((machine) => !machine.upToDate.upToDate);
  }

  /** Machines a MachineHealthCheck found unhealthy (`HealthCheckSucceeded=False`). */
  unhealthyMachines(): ControlPlaneMachine[] {
    return this.machines.filter(
      (machine) => conditionStatus(machine.machine, machineCoreConditions.healthCheckSucceeded) === 'False',
    );
  }

  /** Unhealthy Machines whose remediation the MachineHealthCheck left to their owner (`OwnerRemediated=False`). */
  machinesToBeRemediated(): ControlPlaneMachine[] {
    return this.unhealthyMachines().filter(
      (machine) => conditionStatus(machine.machine, machineCoreConditions.ownerRemediated) === 'False',
    );
  }

  /** Machines whose `OwnerRemediated=False` is left over although the health check passes again. */
  machinesRecoveredBeforeRemediation(): ControlPlaneMachine[] {
    return this.machines.filter(
      (machine) =>
        conditionStatus(machine.machine, machineCoreConditions.healthCheckSucceeded) === 'True' &&
        conditionStatus(machine.machine, machineCoreConditions.ownerRemediated) === 'False',
    );
  }

  /** Active Machines with a workload-side problem (no node, node not Ready, datastore member missing/unhealthy). */
  machinesWithProblems(): ControlPlaneMachine[] {
    return this.activeMachines().filter((machine) => machine.problems.length > 0);
  }

  /** Active Machines without a node that no health check has flagged: still coming up. */
  provisioningMachines(): ControlPlaneMachine[] {
    const unhealthy = new Set(this.unhealthyMachines().map((machine) => machine.name));
    return this.activeMachines().filter((machine) => !machine.nodeName && !unhealthy.has(machine.name));
  }

  /** Name of the datastore for messages: what was observed, else etcd (the default). */
  datastoreKind(): DatastoreKind {
    const workload = this.workload;
    return workload.reachable && workload.datastore.known ? workload.datastore.kind : 'etcd';
  }
}
