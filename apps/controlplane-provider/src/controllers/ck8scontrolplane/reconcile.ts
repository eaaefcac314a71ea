// The CK8sControlPlane reconcile: an ordered list of phases, any of which may end the pass, then one status write.
import { ck8sControlPlaneConditions as conditionTypes, clusterApiVersion, controlPlaneFinalizer } from '@capi-ck8s/api';
import { done, hasFinalizer, isBeingDeleted, type ObjectKey, type ReconcileContext, type Reconciler, requeueAfter, type Result } from '@capi-ck8s/runtime';
import { kinds, type ClusterObject, type ControlPlaneObject } from '../../kinds';
import { decideNextStep, type NextAction, type NextStep } from './decide';
import { isPhaseWait, type Pass, type PhaseWait, type ReconcileDependencies } from './dependencies';
import { clusterAuthorities } from './phases/certificates';
import { createMachine } from './phases/create-machine';
import { reconcileDelete } from './phases/delete';
import { infrastructureTemplate } from './phases/infrastructure-template';
import { controlPlaneEndpoint, reconcileKubeconfig } from './phases/kubeconfig';
import { adoptMachines, ownedMachineObjects, ownedMachines } from './phases/machines';
import { pausedBecause } from './phases/pause';
import { infrastructureWait } from './phases/wait-infrastructure';
import { applyRemediationBookkeeping } from './phases/remediation-bookkeeping';
import { NODE_REMOVAL_RETRY_MS, NodeRemovalFailed, remediateMachine, scaleDownMachine } from './phases/remove-machine';
import { syncMachines } from './phases/sync-machines';
import { clusterAuthToken } from './phases/token';
import { ControlPlaneScope } from './scope';
import { nextStatus, type PassReport } from './status';
import type { InfrastructureObject } from '../../kinds';

function ownerClusterName(controlPlane: ControlPlaneObject): string | undefined {
  return controlPlane.metadata.ownerReferences?.find((reference) => reference.kind === 'Cluster' && reference.apiVersion.startsWith('cluster.x-k8s.io/'))?.name;
}

/**
 * The owner Cluster. A control plane being deleted still needs its cluster's name (its Machines carry it) when the
 * Cluster object is already gone; without any owner it never created a Machine.
 */
function ownerCluster(deps: ReconcileDependencies, controlPlane: ControlPlaneObject): ClusterObject | undefined {
  const namespace = controlPlane.metadata.namespace ?? '';
  const name = ownerClusterName(controlPlane);
  const cluster = name ? deps.cache.get(kinds.cluster, { namespace, name }) : undefined;
  if (cluster || !isBeingDeleted(controlPlane)) return cluster;
  return { apiVersion: clusterApiVersion, kind: 'Cluster', metadata: { namespace, name: name ?? controlPlane.metadata.name ?? '' } };
}

export function controlPlaneReconciler(deps: ReconcileDependencies): Reconciler {
  return async (key: ObjectKey, context: ReconcileContext) => {
    const controlPlane = deps.cache.get(kinds.controlPlane, key);
    if (!controlPlane) return done;
    // Cluster API sets the owner reference once the Cluster points at this control plane.
    const cluster = ownerCluster(deps, controlPlane);
    if (!cluster) {
      context.logger.debug('no owner Cluster yet');
      return done;
    }
    const pass: Pass = { controlPlane, cluster, namespace: key.namespace ?? '', clusterName: cluster.metadata.name ?? '' };
    const report: PassReport = {};
    report.paused = pausedBecause(cluster, controlPlane);
    if (report.paused) return finish(deps, pass, report, done);
    if (!isBeingDeleted(controlPlane) && !hasFinalizer(controlPlane, controlPlaneFinalizer)) {
      // Added alone and first: a control plane deleted before it has its finalizer leaves nothing behind.
      await deps.client.ensureFinalizer(controlPlane, controlPlaneFinalizer);
      return done;
    }
    try {
      const result = isBeingDeleted(controlPlane) ? await deletionPhases(deps, pass, report) : await phases(deps, pass, report, context);
      return await finish(deps, pass, report, result);
    } catch (error) {
      await finish(deps, pass, report, done).catch((statusError: unknown) => context.logger.warn({ err: statusError }, 'could not write status'));
      throw error;
    }
  };
}

async function deletionPhases(deps: ReconcileDependencies, pass: Pass, report: PassReport): Promise<Result> {
  const wait = await reconcileDelete(deps, pass, await ownedMachineObjects(deps, pass));
  if (!wait) return done;
  report.deleting = wait;
  return requeueAfter(wait.retryAfterMs);
}

function waited(report: PassReport, wait: PhaseWait): Result {
  report.wait = wait;
  return requeueAfter(wait.retryAfterMs);
}

/**
 * In order: infrastructure template, the cluster's infrastructure, cluster CAs, cluster token, control plane
 * endpoint, kubeconfig, adoption, the owned Machines, syncMachines, the workload cluster, then the one action
 * decideNextStep picks.
 */
async function phases(deps: ReconcileDependencies, pass: Pass, report: PassReport, context: ReconcileContext): Promise<Result> {
  const template = await infrastructureTemplate(deps, pass);
  if (isPhaseWait(template)) return waited(report, template);
  const infrastructure = infrastructureWait(pass);
  if (infrastructure) return waited(report, infrastructure);

  const authorities = await clusterAuthorities(deps, pass);
  if (isPhaseWait(authorities)) {
    report.certificates = authorities;
    return waited(report, authorities);
  }
  report.certificates = 'available';
  await clusterAuthToken(deps, pass);

  const endpoint = controlPlaneEndpoint(pass);
  if (isPhaseWait(endpoint)) return waited(report, endpoint);
  const kubeconfig = await reconcileKubeconfig(deps, pass, authorities, endpoint);
  if (kubeconfig === 'rotated' || kubeconfig === 'adopted') {
    deps.events.event(pass.controlPlane, 'Normal', kubeconfig === 'rotated' ? 'KubeconfigRotated' : 'KubeconfigAdopted', `Secret ${pass.clusterName}-kubeconfig ${kubeconfig}`);
  }

  const adoption = await adoptMachines(deps, pass);
  if (adoption) return waited(report, adoption);
  const machines = await ownedMachines(deps, pass);
  if ((await syncMachines(deps, pass, machines)) > 0) return requeueAfter(1_000);

  const workload = await deps.workloads.get({ namespace: pass.namespace, name: pass.clusterName });
  const observation = workload ? await workload.observe() : { reachable: false as const, message: `Secret ${pass.clusterName}-kubeconfig does not exist yet` };
  const scope = new ControlPlaneScope({ controlPlane: pass.controlPlane, cluster: pass.cluster, machines, workload: observation, now: new Date(deps.clock.now()) });
  report.scope = scope;
  const step = decideNextStep(scope);
  report.step = step;
  await applyRemediationBookkeeping(deps, pass, scope, step.remediation);
  context.logger.debug({ phase: step.phase, action: step.action }, 'next step');
  return act(deps, { pass, report, scope, step, template });
}

function conditionOf(step: NextStep): string {
  switch (step.phase) {
    case 'remediation':
      return conditionTypes.remediating;
    case 'rollout':
      return conditionTypes.rollingOut;
    case 'scaleDown':
      return conditionTypes.scalingDown;
    default:
      return conditionTypes.scalingUp;
  }
}

interface Decided {
  pass: Pass;
  report: PassReport;
  scope: ControlPlaneScope;
  step: NextStep;
  template: InfrastructureObject;
}

/** Runs the one action of the pass; a failed node removal is reported on the operation's condition and retried. */
async function act(deps: ReconcileDependencies, { pass, report, scope, step, template }: Decided): Promise<Result> {
  const action: NextAction = step.action;
  const settle = requeueAfter(deps.pollIntervalMs);
  try {
    switch (action.kind) {
      case 'initialize':
      case 'scaleUp': {
        const name = await createMachine(deps, pass, template, { failureDomain: action.failureDomain, remediationFor: action.remediationFor });
        deps.events.event(pass.controlPlane, 'Normal', action.kind === 'initialize' ? 'InitializingControlPlane' : 'ScalingUp', `created control plane machine ${name}: ${action.why.join('; ')}`);
        return settle;
      }
      case 'scaleDown': {
        const machine = scope.machine(action.machine);
        if (machine) await scaleDownMachine(deps, pass, machine);
        deps.events.event(pass.controlPlane, 'Normal', 'ScalingDown', `deleted control plane machine ${action.machine}: ${action.why.join('; ')}`);
        return settle;
      }
      case 'remediate': {
        const machine = scope.machine(action.machine);
        if (machine) await remediateMachine(deps, pass, machine, action.data);
        deps.events.event(pass.controlPlane, 'Warning', 'MachineRemediated', `remediated control plane machine ${action.machine}: ${action.why.join('; ')}`);
        return settle;
      }
      case 'wait':
        return requeueAfter(Math.min(action.retryAfterSeconds * 1000, deps.pollIntervalMs));
      case 'steady':
        return scope.initialized && scope.workload.reachable ? requeueAfter(deps.steadyIntervalMs) : settle;
    }
  } catch (error) {
    if (!(error instanceof NodeRemovalFailed)) {
      report.actionFailure = { condition: conditionOf(step), reason: 'ActionFailed', message: (error as Error).message };
      throw error;
    }
    report.actionFailure = { condition: conditionOf(step), reason: 'NodeRemovalFailed', message: error.message };
    deps.events.event(pass.controlPlane, 'Warning', step.phase === 'remediation' ? 'FailedRemediation' : 'FailedScaleDown', error.message);
    return requeueAfter(NODE_REMOVAL_RETRY_MS);
  }
}

async function finish(deps: ReconcileDependencies, pass: Pass, report: PassReport, result: Result): Promise<Result> {
  // Phases may have patched the object (annotations, finalizer): write status onto what is stored now.
  const current = await deps.client.find(kinds.controlPlane, { namespace: pass.namespace, name: pass.controlPlane.metadata.name ?? '' });
  if (!current) return done;
  const status = nextStatus(current, report, deps.clock.now(), pass.clusterName);
  await deps.client.patchStatus(current, { ...current, status });
  return result;
}
