// In-place upgrades of single Machines: `v1beta2.k8sd.io/in-place-upgrade-to` asks k8sd on the Machine's node to
// refresh the k8s snap; progress, the change id and the resulting release are recorded in annotations.
import type { K8sdClient } from '@capi-ck8s/k8sd';
import { annotations } from '@capi-ck8s/api';
import {
  type Cache,
  type Clock,
  done,
  type EventRecorder,
  isBeingDeleted,
  type ObjectClient,
  type ObjectKey,
  type ReconcileContext,
  type Reconciler,
  requeueAfter,
  type Result,
} from '@capi-ck8s/runtime';
import { kinds, type MachineObject } from '../../kinds';
import type { NodeK8sdAccess } from '../../workload/node-k8sd';
import { type AnnotationChanges, annotateObject, recordOnObject } from '../annotations';
import { configOfMachine } from '../ck8sconfig/watches';
import {
  backoffAfter,
  doneChanges,
  failedAttemptsAnnotation,
  failedChanges,
  finishedChanges,
  nextUpgradeStep,
  claimedChanges,
  type UpgradePolicy,
  type UpgradeStep,
  upgradeState,
} from './state';

export interface InPlaceUpgradeDependencies {
  cache: Cache;
  client: ObjectClient;
  clock: Clock;
  events: EventRecorder;
  nodes: NodeK8sdAccess;
  policy: UpgradePolicy;
}

/** A Machine without a node yet is looked at again after this long (nodeRef changes also enqueue it). */
const NODE_RETRY_MS = 10_000;

export function inPlaceUpgradeReconciler(deps: InPlaceUpgradeDependencies): Reconciler {
  return async (key: ObjectKey, context: ReconcileContext) => {
    const machine = deps.cache.get(kinds.machine, key);
    if (!machine || isBeingDeleted(machine)) return done;
    const step = nextUpgradeStep(upgradeState(machine.metadata.annotations), deps.clock.now(), deps.policy);
    switch (step.kind) {
      case 'idle':
        return done;
      case 'invalid':
        deps.events.event(machine, 'Warning', 'InPlaceUpgradeInvalid', `${step.message}; fix the annotation to upgrade`);
        return done;
      case 'exhausted':
        deps.events.event(
          machine,
          'Warning',
          'InPlaceUpgradeFailed',
          `giving up after ${step.attempts} failed attempts; delete the annotation ${failedAttemptsAnnotation} to try again`,
        );
        return done;
      case 'backoff':
        return requeueAfter(step.delayMs);
      case 'finish':
        await annotateObject(deps.client, machine, finishedChanges(step.release));
        return done;
      case 'lost':
        // Locked: a Machine read before its change id was recorded conflicts here rather than failing a running change.
        return fail(deps, machine, step.attempt, `the upgrade cannot be followed: ${step.reason}`, annotateObject);
      default:
        return callK8sd(deps, machine, step, context);
    }
  };
}

async function callK8sd(
  deps: InPlaceUpgradeDependencies,
  machine: MachineObject,
  step: Extract<UpgradeStep, { kind: 'start' | 'poll' }>,
  context: ReconcileContext,
): Promise<Result> {
  const nodeName = machine.status?.nodeRef?.name;
  const cluster = deps.cache.get(kinds.cluster, { namespace: machine.metadata.namespace ?? '', name: machine.spec.clusterName });
  if (!cluster || cluster.spec?.paused) return done;
  if (!nodeName) {
    context.logger.debug('the Machine has no node yet');
    return requeueAfter(NODE_RETRY_MS);
  }
  const [configKey] = configOfMachine(machine);
  const config = configKey ? deps.cache.get(kinds.config, configKey) : undefined;
  let k8sd: K8sdClient | undefined;
  try {
    k8sd = await deps.nodes.forNode({ cluster, machineName: machine.metadata.name ?? '', nodeName, config });
    return step.kind === 'start' ? await start(deps, machine, k8sd, step, context.signal) : await poll(deps, machine, k8sd, step, context.signal);
  } catch (error) {
    // A call cut short by the provider shutting down says nothing about the node: the next provider resumes.
    if (context.signal.aborted) return done;
    return fail(deps, machine, step.attempt, (error as Error).message);
  } finally {
    k8sd?.close();
  }
}

async function start(
  deps: InPlaceUpgradeDependencies,
  machine: MachineObject,
  k8sd: K8sdClient,
  step: Extract<UpgradeStep, { kind: 'start' }>,
  signal: AbortSignal,
): Promise<Result> {
  // Claimed under the optimistic lock before k8sd is asked, so a decision taken on a stale Machine never starts a
  // second refresh: it conflicts here instead.
  await annotateObject(deps.client, machine, claimedChanges());
  const changeId = await k8sd.snapRefresh({ [step.target.option]: step.target.value }, { signal });
  await recordOnObject(deps.client, machine, { [annotations.inPlaceUpgradeChangeId]: changeId });
  deps.events.event(machine, 'Normal', 'InPlaceUpgradeInProgress', `refreshing the k8s snap to ${step.target.option}=${step.target.value} (attempt ${step.attempt}, change ${changeId})`);
  return requeueAfter(deps.policy.pollMs);
}

async function poll(
  deps: InPlaceUpgradeDependencies,
  machine: MachineObject,
  k8sd: K8sdClient,
  step: Extract<UpgradeStep, { kind: 'poll' }>,
  signal: AbortSignal,
): Promise<Result> {
  const status = await k8sd.snapRefreshStatus(step.changeId, { signal });
  if (!status.completed) return requeueAfter(deps.policy.pollMs);
  if (status.status !== 'Done') {
    return fail(deps, machine, step.attempt, `snap refresh change ${step.changeId} ended ${status.status}: ${status.errorMessage || '(no message)'}`);
  }
  await recordOnObject(deps.client, machine, doneChanges());
  deps.events.event(machine, 'Normal', 'InPlaceUpgradeDone', `the k8s snap was refreshed (change ${step.changeId})`);
  return done;
}

type Write = (client: ObjectClient, machine: MachineObject, changes: AnnotationChanges) => Promise<unknown>;

async function fail(deps: InPlaceUpgradeDependencies, machine: MachineObject, attempt: number, message: string, write: Write = recordOnObject): Promise<Result> {
  await write(deps.client, machine, failedChanges(deps.clock.now(), attempt, machine.metadata.annotations?.[annotations.inPlaceUpgradeTo] ?? ''));
  const retry = attempt < deps.policy.maxAttempts ? `; retrying in ${Math.round(backoffAfter(attempt, deps.policy) / 1000)} s` : '; no attempts left';
  deps.events.event(machine, 'Warning', 'InPlaceUpgradeFailed', `attempt ${attempt} of ${deps.policy.maxAttempts} failed: ${message}${retry}`);
  return attempt < deps.policy.maxAttempts ? requeueAfter(backoffAfter(attempt, deps.policy)) : done;
}
