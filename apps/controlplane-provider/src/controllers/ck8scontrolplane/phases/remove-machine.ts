// Taking a control plane Machine away: its node leaves the cluster through k8sd remove-node (Kubernetes Node,
// datastore member, microcluster member), asked of another control plane node's k8sd and bounded in time, then the
// Machine is deleted and Cluster API drains it and deletes its infrastructure. A failed removal keeps the Machine
// (deleting it would leave a member the datastore still counts on) and is reported for the user to act on.
import { annotations, clusterObjectNames, effectivePorts, machineCoreConditions, secretValueKey } from '@capi-ck8s/api';
import { mutableCopy, setCondition } from '@capi-ck8s/runtime';
import { kinds, secretText } from '../../../kinds';
import { formatRemediationData, type RemediationData } from '../decide';
import type { Pass, ReconcileDependencies } from '../dependencies';
import type { ControlPlaneMachine } from '../scope';

export const NODE_REMOVAL_RETRY_MS = 30_000;

export class NodeRemovalFailed extends Error {
  constructor(
    readonly machine: string,
    readonly node: string,
    cause: unknown,
  ) {
    super(
      `removing node ${node} of machine ${machine} from the cluster through k8sd failed: ${(cause as Error).message}; ` +
        `the machine is kept and removal retried every ${NODE_REMOVAL_RETRY_MS / 1000}s. If the node is gone for good, ` +
        `remove it from the datastore by hand (k8s remove-node ${node} --force on another control plane node), then delete machine ${machine}`,
      { cause },
    );
    this.name = 'NodeRemovalFailed';
  }
}

async function removeNode(deps: ReconcileDependencies, pass: Pass, machine: ControlPlaneMachine): Promise<void> {
  if (!machine.nodeName) return;
  const workload = await deps.workloads.get({ namespace: pass.namespace, name: pass.clusterName });
  const tokens = await deps.client.find(kinds.secret, { namespace: pass.namespace, name: clusterObjectNames.token(pass.clusterName) });
  const authToken = secretText(tokens, secretValueKey);
  try {
    if (!workload) throw new Error(`Secret ${clusterObjectNames.kubeconfig(pass.clusterName)} is missing`);
    if (!authToken) throw new Error(`Secret ${clusterObjectNames.token(pass.clusterName)} has no cluster token`);
    const microclusterPort = effectivePorts(machine.config?.spec?.controlPlane ?? pass.controlPlane.spec?.spec?.controlPlane).microclusterPort;
    await workload.removeNode(machine.nodeName, { authToken, microclusterPort });
  } catch (error) {
    throw new NodeRemovalFailed(machine.name, machine.nodeName, error);
  }
}

async function deleteMachine(deps: ReconcileDependencies, pass: Pass, name: string): Promise<void> {
  await deps.client.delete(kinds.machine, { namespace: pass.namespace, name });
}

export async function scaleDownMachine(deps: ReconcileDependencies, pass: Pass, machine: ControlPlaneMachine): Promise<void> {
  await removeNode(deps, pass, machine);
  await deleteMachine(deps, pass, machine.name);
}

/**
 * Remediation as KCP: the control plane records the remediation first (remediation-in-progress), so the replacement
 * inherits the retry count even if this pass stops halfway; then the node leaves and the Machine is deleted.
 */
export async function remediateMachine(deps: ReconcileDependencies, pass: Pass, machine: ControlPlaneMachine, data: RemediationData): Promise<void> {
  await deps.client.mergePatch(kinds.controlPlane, { namespace: pass.namespace, name: pass.controlPlane.metadata.name ?? '' }, {
    metadata: { annotations: { [annotations.remediationInProgress]: formatRemediationData(data) } },
  });
  await removeNode(deps, pass, machine);
  const current = await deps.client.find(kinds.machine, { namespace: pass.namespace, name: machine.name });
  if (current) {
    const marked = mutableCopy(current);
    marked.status = {
      ...marked.status,
      conditions: setCondition(
        current.status?.conditions,
        { type: machineCoreConditions.ownerRemediated, status: 'False', reason: 'RemediationInProgress', message: 'the control plane is deleting this machine; a replacement follows' },
        deps.clock.now(),
      ),
    };
    await deps.client.patchStatus(current, marked);
  }
  await deleteMachine(deps, pass, machine.name);
}
