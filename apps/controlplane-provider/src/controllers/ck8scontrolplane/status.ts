// status of the CK8sControlPlane, recomputed from what this pass observed (never accumulated): the v1beta2 contract
// fields (selector, replica counters, version(s), initialization, conditions) and the v1beta1 fields upstream users
// and older Cluster API readers still use (initialized, ready, updatedReplicas, unavailableReplicas).
import {
  annotations,
  type CK8sControlPlaneStatus,
  ck8sControlPlaneConditions as types,
  ck8sControlPlaneReasons as reasons,
  labels,
  type VersionReplicas,
} from '@capi-ck8s/api';
import { type Condition, type ConditionInput, setCondition } from '@capi-ck8s/runtime';
import type { ControlPlaneObject } from '../../kinds';
import { observedLastRemediation, type NextStep } from './decide';
import { listNames } from './decide/verdict';
import type { PhaseWait } from './dependencies';
import type { ControlPlaneScope } from './scope';

/** What one pass found out, filled in by the phases in order; a missing part was not reached. */
export interface PassReport {
  paused?: string;
  certificates?: 'available' | PhaseWait;
  /** A phase before the decisions that ended the pass. */
  wait?: PhaseWait;
  scope?: ControlPlaneScope;
  step?: NextStep;
  /** The action of this pass failed; its condition says why. */
  actionFailure?: { condition: string; reason: string; message: string };
  deleting?: PhaseWait;
}

export function controlPlaneSelector(clusterName: string): string {
  return `${labels.clusterName}=${clusterName},${labels.controlPlane}`;
}

function versionParts(version: string): number[] {
  return version.replace(/^v/, '').split(/[.+-]/).map((part) => Number.parseInt(part, 10) || 0);
}

function compareVersions(a: string, b: string): number {
  const left = versionParts(a);
  const right = versionParts(b);
  for (let index = 0; index < Math.max(left.length, right.length); index++) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

function versionsOf(scope: ControlPlaneScope): VersionReplicas[] {
  const counts = new Map<string, number>();
  for (const machine of scope.machines) {
    const version = machine.machine.spec.version;
    if (version) counts.set(version, (counts.get(version) ?? 0) + 1);
  }
  return [...counts.entries()].sort(([a], [b]) => compareVersions(a, b)).map(([version, replicas]) => ({ version, replicas }));
}

function readyMachineCount(scope: ControlPlaneScope): number {
  const workload = scope.workload;
  if (!workload.reachable) return 0;
  const ready = new Set(workload.controlPlaneNodes.filter((node) => node.ready).map((node) => node.name));
  return scope.machines.filter((machine) => machine.nodeName !== undefined && ready.has(machine.nodeName)).length;
}

const withWait = (message: string, step: NextStep | undefined, phase: NextStep['phase']): string =>
  step?.phase === phase && step.action.kind === 'wait' ? `${message}; waiting: ${step.action.message}` : message;

interface Observed {
  scope: ControlPlaneScope;
  step: NextStep | undefined;
  ready: number;
}

function unreachableSuffix(scope: ControlPlaneScope): string {
  return scope.workload.reachable ? '' : ` (workload cluster unreachable: ${scope.workload.message})`;
}

function initializedCondition({ scope }: Observed): ConditionInput {
  if (scope.initialized) return { type: types.initialized, status: 'True', reason: reasons.initialized };
  return {
    type: types.initialized,
    status: 'False',
    reason: reasons.notInitialized,
    message: `waiting for the first control plane node to bootstrap the cluster (ConfigMap kube-system/k8sd-config in the workload cluster)${unreachableSuffix(scope)}`,
  };
}

/** Available: initialized, with enough Ready machines for the datastore quorum (one without a managed datastore). */
function availableCondition({ scope, ready }: Observed): ConditionInput {
  const count = scope.machines.length;
  const needed = scope.managedDatastore ? Math.floor(count / 2) + 1 : 1;
  if (scope.initialized && count > 0 && ready >= needed) {
    return { type: types.available, status: 'True', reason: reasons.available, message: `${ready} of ${count} control plane machines are Ready` };
  }
  if (!scope.initialized) {
    return { type: types.available, status: 'False', reason: reasons.waitingForCK8sServer, message: `the control plane is not initialized yet${unreachableSuffix(scope)}` };
  }
  const quorum = scope.managedDatastore ? ' for datastore quorum' : '';
  return { type: types.available, status: 'False', reason: reasons.notAvailable, message: `${ready} of ${count} control plane machines are Ready, ${needed} needed${quorum}${unreachableSuffix(scope)}` };
}

function machinesReadyCondition({ scope }: Observed): ConditionInput {
  const withProblems = scope.machinesWithProblems();
  if (scope.machines.length > 0 && withProblems.length === 0) return { type: types.machinesReady, status: 'True', reason: reasons.ready };
  const message =
    scope.machines.length === 0
      ? 'no control plane machine exists yet'
      : withProblems.map((machine) => `${machine.name}: ${machine.problems.map((problem) => problem.message).join(', ')}`).join('; ');
  return { type: types.machinesReady, status: 'False', reason: reasons.notReady, message };
}

function upToDateConditions({ scope, step }: Observed): ConditionInput[] {
  const outdated = scope.machinesNeedingRollout();
  if (outdated.length === 0) {
    return [
      { type: types.machinesUpToDate, status: 'True', reason: reasons.upToDate },
      { type: types.rollingOut, status: 'False', reason: reasons.notRollingOut },
    ];
  }
  return [
    {
      type: types.machinesUpToDate,
      status: 'False',
      reason: reasons.notUpToDate,
      message: outdated.map((machine) => `${machine.name}: ${machine.upToDate.reasons.map((reason) => reason.message).join(', ')}`).join('; '),
    },
    {
      type: types.rollingOut,
      status: 'True',
      reason: reasons.rollingOut,
      message: withWait(`replacing ${outdated.length} outdated machine(s): ${listNames(outdated.map((machine) => machine.name))}`, step, 'rollout'),
    },
  ];
}

function scalingConditions({ scope, step }: Observed): ConditionInput[] {
  const count = scope.machines.length;
  const desired = scope.desiredReplicas;
  return [
    count < desired
      ? { type: types.scalingUp, status: 'True', reason: reasons.scalingUp, message: withWait(`scaling up from ${count} to ${desired} machines`, step, count === 0 ? 'initialization' : 'scaleUp') }
      : { type: types.scalingUp, status: 'False', reason: reasons.notScalingUp },
    count > desired
      ? { type: types.scalingDown, status: 'True', reason: reasons.scalingDown, message: withWait(`scaling down from ${count} to ${desired} machines`, step, 'scaleDown') }
      : { type: types.scalingDown, status: 'False', reason: reasons.notScalingDown },
  ];
}

function remediatingCondition({ scope, step }: Observed): ConditionInput {
  const toRemediate = scope.machinesToBeRemediated();
  const inProgress = scope.controlPlane.metadata?.annotations?.[annotations.remediationInProgress];
  const remediation = step?.remediation.action;
  if (remediation?.kind === 'deferred') {
    return { type: types.remediating, status: 'True', reason: reasons.remediationBlocked, message: `remediation of ${remediation.machine ?? 'a machine'} waits: ${remediation.message}` };
  }
  if (inProgress !== undefined) {
    return { type: types.remediating, status: 'True', reason: reasons.remediating, message: `waiting for the replacement of the remediated machine (${inProgress})` };
  }
  if (toRemediate.length > 0) {
    return { type: types.remediating, status: 'True', reason: reasons.remediating, message: `remediating ${listNames(toRemediate.map((machine) => machine.name))}` };
  }
  return { type: types.remediating, status: 'False', reason: reasons.notRemediating };
}

function scopeConditions(observed: Observed): ConditionInput[] {
  return [
    initializedCondition(observed),
    availableCondition(observed),
    machinesReadyCondition(observed),
    ...upToDateConditions(observed),
    ...scalingConditions(observed),
    remediatingCondition(observed),
  ];
}

function lifecycleConditions(controlPlane: ControlPlaneObject, report: PassReport): ConditionInput[] {
  const inputs: ConditionInput[] = [
    report.paused
      ? { type: types.paused, status: 'True', reason: reasons.paused, message: report.paused }
      : { type: types.paused, status: 'False', reason: reasons.notPaused },
    controlPlane.metadata.deletionTimestamp
      ? { type: types.deleting, status: 'True', reason: report.deleting?.reason ?? reasons.deleting, message: report.deleting?.message ?? 'the control plane is being deleted' }
      : { type: types.deleting, status: 'False', reason: reasons.notDeleting },
  ];
  if (report.certificates === 'available') inputs.push({ type: types.certificatesAvailable, status: 'True', reason: reasons.certificatesAvailable });
  else if (report.certificates) inputs.push({ type: types.certificatesAvailable, status: 'False', reason: report.certificates.reason, message: report.certificates.message });
  return inputs;
}

/** What ended the pass early, or why its action failed, said in the condition it concerns. */
function outcomeConditions(report: PassReport): ConditionInput[] {
  const inputs: ConditionInput[] = [];
  if (report.wait && report.wait.condition !== types.certificatesAvailable) {
    inputs.push({ type: report.wait.condition, status: 'False', reason: report.wait.reason, message: report.wait.message });
  }
  // The operation is still wanted (its condition stays True); the message says why it does not progress.
  if (report.actionFailure) inputs.push({ type: report.actionFailure.condition, status: 'True', reason: report.actionFailure.reason, message: report.actionFailure.message });
  return inputs;
}

function counters(scope: ControlPlaneScope, ready: number, previous: CK8sControlPlaneStatus): Partial<CK8sControlPlaneStatus> {
  const replicas = scope.machines.length;
  const upToDate = scope.upToDateMachines().length;
  const versions = versionsOf(scope);
  const lastRemediation = observedLastRemediation(scope);
  return {
    replicas,
    readyReplicas: ready,
    availableReplicas: ready,
    upToDateReplicas: upToDate,
    updatedReplicas: upToDate,
    unavailableReplicas: Math.max(0, replicas - ready),
    ...(versions[0] ? { version: versions[0].version, versions } : {}),
    initialization: { ...previous.initialization, controlPlaneInitialized: scope.initialized },
    initialized: scope.initialized,
    ready: Boolean(previous.ready) || ready > 0,
    ...(lastRemediation ? { lastRemediation } : {}),
  };
}

export function nextStatus(controlPlane: ControlPlaneObject, report: PassReport, nowMs: number, clusterName: string): CK8sControlPlaneStatus {
  const previous = controlPlane.status ?? {};
  const generation = controlPlane.metadata.generation;
  const scope = report.scope;
  const ready = scope ? readyMachineCount(scope) : (previous.readyReplicas ?? 0);
  const inputs = [...lifecycleConditions(controlPlane, report), ...(scope ? scopeConditions({ scope, step: report.step, ready }) : []), ...outcomeConditions(report)];
  let conditions: Condition[] = previous.conditions ?? [];
  for (const input of inputs) {
    conditions = setCondition(conditions, { ...input, ...(generation === undefined ? {} : { observedGeneration: generation }) }, nowMs);
  }
  return {
    ...previous,
    ...(scope ? counters(scope, ready, previous) : {}),
    conditions,
    selector: controlPlaneSelector(clusterName),
    ...(generation === undefined ? {} : { observedGeneration: generation }),
  };
}
