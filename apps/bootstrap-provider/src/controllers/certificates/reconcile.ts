// Node certificates: the expiry is read from k8sd into machine.cluster.x-k8s.io/certificates-expiry, and
// v1beta2.k8sd.io/refresh-certificates=<TTL> renews them (control plane nodes on their own; workers through CSRs a
// control plane node approves).
import { annotations, labels, upgradeStatuses } from '@capi-ck8s/api';
import type { K8sdClient } from '@capi-ck8s/k8sd';
import {
  type Cache,
  type Clock,
  done,
  type EventRecorder,
  formatTime,
  isBeingDeleted,
  type ObjectClient,
  type ObjectKey,
  type ReconcileContext,
  type Reconciler,
  sleep,
} from '@capi-ck8s/runtime';
import { kinds, type ClusterObject, type CK8sConfigObject, type MachineObject } from '../../kinds';
import type { NodeK8sdAccess } from '../../workload/node-k8sd';
import { annotateObject, recordOnObject } from '../annotations';
import { configOfMachine } from '../ck8sconfig/watches';
import { nextCertificatesStep } from './decide';

export interface CertificatesDependencies {
  cache: Cache;
  clock: Clock;
  client: ObjectClient;
  events: EventRecorder;
  nodes: NodeK8sdAccess;
}

interface NodeContext {
  machine: MachineObject;
  cluster: ClusterObject;
  config: CK8sConfigObject | undefined;
  nodeName: string;
}

export function certificatesReconciler(deps: CertificatesDependencies): Reconciler {
  return async (key: ObjectKey, context: ReconcileContext) => {
    const machine = deps.cache.get(kinds.machine, key);
    if (!machine || isBeingDeleted(machine)) return done;
    const nodeName = machine.status?.nodeRef?.name;
    const step = nextCertificatesStep(machine.metadata.annotations, nodeName !== undefined);
    // A Machine getting its node is an update event: no timer needed while waiting for one.
    if (step.kind === 'idle' || step.kind === 'wait-for-node' || !nodeName) return done;
    if (step.kind === 'clear-status') {
      await annotateObject(deps.client, machine, { [annotations.refreshCertificatesStatus]: null });
      return done;
    }
    if (step.kind === 'invalid-ttl') {
      deps.events.event(machine, 'Warning', 'CertificatesRefreshFailed', `${step.message}; fix the annotation to refresh`);
      return done;
    }
    const node = nodeContext(deps.cache, machine, nodeName);
    if (!node) return done;
    if (step.kind === 'read-expiry') return readExpiry(deps, node);
    return refresh(deps, node, step.ttlSeconds, context.signal);
  };
}

/** The Machine's Cluster (undefined when missing or paused) and CK8sConfig. */
function nodeContext(cache: Cache, machine: MachineObject, nodeName: string): NodeContext | undefined {
  const cluster = cache.get(kinds.cluster, { namespace: machine.metadata.namespace ?? '', name: machine.spec.clusterName });
  if (!cluster || cluster.spec?.paused) return undefined;
  const [configKey] = configOfMachine(machine);
  return { machine, cluster, nodeName, config: configKey ? cache.get(kinds.config, configKey) : undefined };
}

async function nodeClient(deps: CertificatesDependencies, node: NodeContext): Promise<K8sdClient> {
  return deps.nodes.forNode({ cluster: node.cluster, config: node.config, machineName: node.machine.metadata.name ?? '', nodeName: node.nodeName });
}

async function readExpiry(deps: CertificatesDependencies, node: NodeContext) {
  const k8sd = await nodeClient(deps, node);
  try {
    const expiry = await k8sd.certificatesExpiry();
    await recordOnObject(deps.client, node.machine, { [annotations.certificatesExpiry]: formatTime(expiry.getTime()) });
    return done;
  } finally {
    k8sd.close();
  }
}

async function refresh(deps: CertificatesDependencies, node: NodeContext, ttlSeconds: number, signal: AbortSignal) {
  const { machine } = node;
  // Claimed under the optimistic lock before the node is asked, so a stale Machine never starts a second refresh.
  const inProgress = await annotateObject(deps.client, machine, { [annotations.refreshCertificatesStatus]: upgradeStatuses.inProgress });
  deps.events.event(machine, 'Normal', 'CertificatesRefreshInProgress', `refreshing the node certificates for ${ttlSeconds} s`);
  try {
    const notAfter = machine.metadata.labels?.[labels.controlPlane] === undefined ? await refreshWorker(deps, node, ttlSeconds, signal) : await refreshControlPlane(deps, node, ttlSeconds, signal);
    await recordOnObject(deps.client, inProgress, {
      [annotations.refreshCertificates]: null,
      [annotations.refreshCertificatesStatus]: upgradeStatuses.done,
      [annotations.certificatesExpiry]: formatTime(notAfter.getTime()),
    });
    deps.events.event(machine, 'Normal', 'CertificatesRefreshDone', `the node certificates were refreshed; they expire at ${formatTime(notAfter.getTime())}`);
    return done;
  } catch (error) {
    // A run cut short by the provider shutting down is resumed by the next provider (the status stays in progress).
    if (signal.aborted) return done;
    await recordOnObject(deps.client, inProgress, { [annotations.refreshCertificatesStatus]: upgradeStatuses.failed });
    deps.events.event(machine, 'Warning', 'CertificatesRefreshFailed', `refreshing the node certificates failed: ${(error as Error).message}; retrying`);
    throw error;
  }
}

/** A control plane node renews its own certificates, keeping the SANs it was bootstrapped with. */
async function refreshControlPlane(deps: CertificatesDependencies, node: NodeContext, ttlSeconds: number, signal: AbortSignal): Promise<Date> {
  const k8sd = await nodeClient(deps, node);
  try {
    const { seed } = await k8sd.refreshCertificatesPlan({ signal });
    const endpoint = node.cluster.spec?.controlPlaneEndpoint?.host;
    const extraSans = [...(node.config?.spec?.controlPlane?.extraSANs ?? []), ...(endpoint ? [endpoint] : [])];
    return await k8sd.refreshCertificatesRun({ seed, expirationSeconds: ttlSeconds, extraSans }, { signal });
  } finally {
    k8sd.close();
  }
}

/** A worker asks for new certificates through CSRs, which a control plane node approves while the worker waits. */
async function refreshWorker(deps: CertificatesDependencies, node: NodeContext, ttlSeconds: number, signal: AbortSignal): Promise<Date> {
  const worker = await nodeClient(deps, node);
  try {
    const { seed } = await worker.refreshCertificatesPlan({ signal });
    const controlPlane = await deps.nodes.forControlPlane({ cluster: node.cluster, config: node.config }, signal);
    try {
      const run = worker.refreshCertificatesRun({ seed, expirationSeconds: ttlSeconds }, { signal });
      const [notAfter] = await Promise.all([run, approveOnceRequested(deps, controlPlane, seed, run, signal)]);
      return notAfter;
    } finally {
      controlPlane.close();
    }
  } finally {
    worker.close();
  }
}

/** The run creates the CSRs only once it has started on the node; approval is tried until they exist. */
const APPROVAL_RETRY_MS = 250;
const APPROVAL_ATTEMPTS = 40;

async function approveOnceRequested(deps: CertificatesDependencies, controlPlane: K8sdClient, seed: number, run: Promise<Date>, signal: AbortSignal): Promise<void> {
  let runSettled = false;
  void run.then(
    () => (runSettled = true),
    () => (runSettled = true),
  );
  for (let attempt = 1; ; attempt++) {
    try {
      await controlPlane.approveWorkerCertificates(seed, { signal });
      return;
    } catch (error) {
      if (runSettled || attempt >= APPROVAL_ATTEMPTS || !/not found/.test((error as Error).message)) throw error;
      await sleep(deps.clock, APPROVAL_RETRY_MS, signal);
    }
  }
}
