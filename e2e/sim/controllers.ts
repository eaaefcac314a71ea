// SIMULATOR: the infrastructure provider's controllers, on our own runtime like a real provider. SimCluster: a
// loopback endpoint, provisioned. SimMachine: once its Machine has bootstrap data, a provider ID, provisioned, and a
// boot of that data in the simulated cloud; addresses and Ready follow the boot. Deletion stops what was started.
import { type FailureDomain, type MachineAddress } from '@capi-ck8s/api';
import {
  done,
  isBeingDeleted,
  isNotFound,
  type Reconciler,
  type Manager,
  type ObjectKey,
  requeueAfter,
  type Result,
  setCondition,
  type Condition,
  type KubeObject,
} from '@capi-ck8s/runtime';
import { freeLoopbackPort } from '@capi-ck8s/testenv';
import type { BootState, SimulatedCloud } from './cloud';
import {
  type ClusterObject,
  type MachineObject,
  type SimCluster,
  simClusterFinalizer,
  simKinds,
  type SimMachine,
  simMachineFinalizer,
  simProviderId,
} from './kinds';

const CLUSTER_NAME_LABEL = 'cluster.x-k8s.io/cluster-name';
const WAIT_FOR_CLUSTER_MS = 1000;

export interface MachineStatusDecision {
  provisioned: boolean;
  addresses: MachineAddress[] | undefined;
  ready: { status: 'True' | 'False'; reason: string; message?: string };
}

/** SimMachine status from its boot: provisioned as soon as the machine runs; addresses and Ready once booted. */
export function machineStatusFor(state: BootState, hostname: string): MachineStatusDecision {
  switch (state.phase) {
    case 'booting':
      return { provisioned: true, addresses: undefined, ready: { status: 'False', reason: 'Booting', message: 'running the bootstrap data' } };
    case 'booted':
      return {
        provisioned: true,
        addresses: [...(state.address ? [{ type: 'InternalIP' as const, address: state.address }] : []), { type: 'Hostname', address: hostname }],
        ready: { status: 'True', reason: 'Booted', message: `bootstrap data ran in ${state.durationMs} ms` },
      };
    case 'failed':
      return { provisioned: true, addresses: undefined, ready: { status: 'False', reason: 'BootFailed', message: state.message } };
    case 'lost':
      return {
        provisioned: true,
        addresses: undefined,
        ready: { status: 'False', reason: 'MachineLost', message: 'the simulator that ran this machine stopped; its node is gone' },
      };
  }
}

function withReady<T extends { conditions?: Condition[] }>(status: T | undefined, ready: MachineStatusDecision['ready'], generation: number | undefined): Condition[] {
  return setCondition(status?.conditions, { type: 'Ready', ...ready, ...(generation === undefined ? {} : { observedGeneration: generation }) }, Date.now());
}

function failureDomainsOf(simCluster: SimCluster): FailureDomain[] | undefined {
  return simCluster.spec.failureDomains?.length ? simCluster.spec.failureDomains : undefined;
}

/** Cluster API's owner reference of `kind`; controller or not, as core sets them differently per object. */
function ownerNamed(object: KubeObject, kind: string): string | undefined {
  return object.metadata.ownerReferences?.find((owner) => owner.kind === kind && owner.apiVersion.startsWith('cluster.x-k8s.io/'))?.name;
}

function clusterKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** An object deleted while its reconcile ran (a finalizer just removed, a stale cache) needs nothing more. */
function ignoringDeleted(reconcile: (request: ObjectKey) => Promise<Result>): Reconciler {
  return async (request) => {
    try {
      return await reconcile(request);
    } catch (error) {
      if (isNotFound(error)) return done;
      throw error;
    }
  };
}

interface Dependencies {
  manager: Manager;
  cloud: SimulatedCloud;
}

async function reconcileSimCluster({ manager, cloud }: Dependencies, request: ObjectKey): Promise<Result> {
  const { client, cache } = manager;
  const found = cache.informerFor(simKinds.simCluster).reader.get(request);
  if (!found) return done;
  const key = clusterKey(request.namespace ?? '', request.name);
  if (isBeingDeleted(found)) {
    await cloud.deleteCluster(key);
    await client.removeFinalizer(found, simClusterFinalizer);
    return done;
  }
  // The contract: wait until Cluster API has made the Cluster our owner.
  if (!ownerNamed(found, 'Cluster')) return done;
  let simCluster = await client.ensureFinalizer(found, simClusterFinalizer);
  const endpoint = simCluster.spec.controlPlaneEndpoint;
  if (!endpoint?.host || !endpoint.port) {
    const port = await freeLoopbackPort();
    simCluster = await client.patch(simCluster, { ...simCluster, spec: { ...simCluster.spec, controlPlaneEndpoint: { host: '127.0.0.1', port } } });
  }
  const { host = '', port = 0 } = simCluster.spec.controlPlaneEndpoint ?? {};
  cloud.ensureCluster(key, { host, port });
  const failureDomains = failureDomainsOf(simCluster);
  await client.patchStatus(simCluster, {
    ...simCluster,
    status: {
      ...simCluster.status,
      initialization: { provisioned: true },
      ...(failureDomains ? { failureDomains } : {}),
      conditions: withReady(simCluster.status, { status: 'True', reason: 'EndpointReserved', message: `${host}:${port}` }, simCluster.metadata.generation),
    },
  });
  return done;
}

interface MachineContext {
  machine: MachineObject;
  clusterName: string;
  /** namespace/name of the cluster's SimCluster. */
  clusterKey: string;
  dataSecretName: string;
}

/** The SimCluster of a Cluster whose infrastructure is provisioned and that is not paused. */
function provisionedInfrastructure(cluster: ClusterObject | undefined): string | undefined {
  if (!cluster || cluster.spec?.paused || !cluster.status?.initialization?.infrastructureProvisioned) return undefined;
  return cluster.spec?.infrastructureRef?.name;
}

/** What a SimMachine waits for before it boots: its Machine, a provisioned unpaused Cluster, bootstrap data. */
async function machineContext(manager: Manager, simMachine: SimMachine): Promise<MachineContext | Result> {
  const namespace = simMachine.metadata.namespace ?? '';
  const owner = ownerNamed(simMachine, 'Machine');
  const machine = owner ? manager.cache.informerFor(simKinds.machine).reader.get({ namespace, name: owner }) : undefined;
  const clusterName = simMachine.metadata.labels?.[CLUSTER_NAME_LABEL] ?? machine?.spec.clusterName;
  if (!machine || !clusterName) return done;
  const infrastructure = provisionedInfrastructure(await manager.client.find(simKinds.cluster, { namespace, name: clusterName }));
  // Cluster changes are not watched: poll until the infrastructure is provisioned.
  if (!infrastructure) return requeueAfter(WAIT_FOR_CLUSTER_MS);
  const dataSecretName = machine.spec.bootstrap.dataSecretName;
  if (!dataSecretName) return done;
  return { machine, clusterName, clusterKey: clusterKey(namespace, infrastructure), dataSecretName };
}

async function startBoot({ manager, cloud }: Dependencies, simMachine: SimMachine, context: MachineContext): Promise<SimMachine> {
  const namespace = simMachine.metadata.namespace ?? '';
  const machineName = context.machine.metadata.name ?? '';
  const secret = await manager.client.get(simKinds.secret, { namespace, name: context.dataSecretName });
  const providerID = simProviderId(context.clusterName, machineName);
  const updated =
    simMachine.spec.providerID === providerID ? simMachine : await manager.client.patch(simMachine, { ...simMachine, spec: { ...simMachine.spec, providerID } });
  cloud.boot({
    key: clusterKey(namespace, simMachine.metadata.name ?? ''),
    clusterKey: context.clusterKey,
    machineName,
    providerID,
    userData: Buffer.from(secret.data?.['value'] ?? '', 'base64').toString('utf8'),
    kubernetesVersion: context.machine.spec.version,
  });
  return updated;
}

async function reconcileSimMachine(dependencies: Dependencies, request: ObjectKey): Promise<Result> {
  const { manager, cloud } = dependencies;
  const found = manager.cache.informerFor(simKinds.simMachine).reader.get(request);
  if (!found) return done;
  const key = clusterKey(request.namespace ?? '', request.name);
  if (isBeingDeleted(found)) {
    await cloud.deleteMachine(key);
    await manager.client.removeFinalizer(found, simMachineFinalizer);
    return done;
  }
  const context = await machineContext(manager, found);
  if (!('machine' in context)) return context;
  let simMachine = await manager.client.ensureFinalizer(found, simMachineFinalizer);
  // Booting again what an earlier simulator run provisioned would run its bootstrap data twice; report it lost.
  const lost = !cloud.machineState(key) && found.status?.initialization?.provisioned === true;
  if (!cloud.machineState(key) && !lost) simMachine = await startBoot(dependencies, simMachine, context);
  const state: BootState = lost ? { phase: 'lost' } : (cloud.machineState(key) ?? { phase: 'booting' });
  const decision = machineStatusFor(state, context.machine.metadata.name ?? request.name);
  const failureDomain = context.machine.spec.failureDomain;
  await manager.client.patchStatus(simMachine, {
    ...simMachine,
    status: {
      ...simMachine.status,
      initialization: { provisioned: decision.provisioned },
      ...(decision.addresses ? { addresses: decision.addresses } : {}),
      ...(failureDomain ? { failureDomain } : {}),
      conditions: withReady(simMachine.status, decision.ready, simMachine.metadata.generation),
    },
  });
  return done;
}

export function registerSimControllers(manager: Manager, cloud: SimulatedCloud): void {
  const dependencies = { manager, cloud };
  manager
    .controller('simcluster')
    .for(simKinds.simCluster)
    .complete(ignoringDeleted((request) => reconcileSimCluster(dependencies, request)));
  const machines = manager
    .controller('simmachine')
    .for(simKinds.simMachine)
    // A Machine's bootstrap data appearing wakes its SimMachine.
    .watches(simKinds.machine, (machine) =>
      machine.spec.infrastructureRef.kind === 'SimMachine' ? [{ namespace: machine.metadata.namespace ?? '', name: machine.spec.infrastructureRef.name }] : [],
    )
    .complete(ignoringDeleted((request) => reconcileSimMachine(dependencies, request)));
  // A boot ending changes the SimMachine's status.
  cloud.onBootSettled((key) => {
    const [namespace = '', name = ''] = key.split('/');
    machines.enqueue({ namespace, name });
  });
}
