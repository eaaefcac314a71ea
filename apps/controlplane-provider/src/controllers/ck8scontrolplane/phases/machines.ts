// The control plane Machines of the cluster with the objects they reference, read uncached so that a Machine created
// by the previous pass is always seen (a stale list would create a second one). Standalone control plane Machines of
// the cluster (no controller, a CK8sConfig as bootstrap) are adopted first, as KCP does.
import { ck8sControlPlaneConditions, labels } from '@capi-ck8s/api';
import { controllerOf, groupOf, isBeingDeleted, isControlledBy, kindRef, type RestClient, withControllerReference, withOwnerReference } from '@capi-ck8s/runtime';
import { type CK8sConfigObject, type InfrastructureObject, kinds, type MachineObject } from '../../../kinds';
import type { Pass, PhaseWait, ReconcileDependencies } from '../dependencies';
import type { OwnedMachineInput } from '../scope';

const ADOPTION_RETRY_MS = 1_000;
const MIXED_MANAGEMENT_RETRY_MS = 60_000;

const preferredVersions = new Map<string, string>();

/** `group/version` to read objects of an API group referenced only by group (v1beta2 references). */
export async function apiVersionOfGroup(rest: RestClient, group: string, hint?: string): Promise<string> {
  if (hint && groupOf(hint) === group) return hint;
  const known = preferredVersions.get(group);
  if (known) return known;
  const answer = await rest.request<{ preferredVersion?: { groupVersion?: string } }>({ method: 'GET', path: `/apis/${group}` });
  const groupVersion = answer.preferredVersion?.groupVersion;
  if (!groupVersion) throw new Error(`API group ${group} has no preferred version`);
  preferredVersions.set(group, groupVersion);
  return groupVersion;
}

export function controlPlaneMachineSelector(clusterName: string): string {
  return `${labels.clusterName}=${clusterName},${labels.controlPlane}`;
}

async function listControlPlaneMachines(deps: ReconcileDependencies, pass: Pass): Promise<MachineObject[]> {
  return deps.client.list(kinds.machine, { namespace: pass.namespace, labelSelector: controlPlaneMachineSelector(pass.clusterName) });
}

function adoptable(machine: MachineObject): boolean {
  return !controllerOf(machine) && !isBeingDeleted(machine) && machine.spec.bootstrap.configRef?.kind === 'CK8sConfig';
}

/** Adopts standalone control plane Machines; a PhaseWait when it did (look again) or when others control some. */
export async function adoptMachines(deps: ReconcileDependencies, pass: Pass): Promise<PhaseWait | undefined> {
  const machines = await listControlPlaneMachines(deps, pass);
  const foreign = machines.filter((machine) => controllerOf(machine) && !isControlledBy(machine, pass.controlPlane));
  if (foreign.length > 0) {
    return {
      condition: ck8sControlPlaneConditions.machinesReady,
      reason: 'MixedManagement',
      message: `control plane machine(s) ${foreign.map((machine) => machine.metadata.name ?? '').join(', ')} of cluster ${pass.clusterName} are controlled by another object; refusing to manage a control plane shared with another controller`,
      retryAfterMs: MIXED_MANAGEMENT_RETRY_MS,
    };
  }
  const candidates = machines.filter(adoptable);
  if (candidates.length === 0) return undefined;
  // An uncached read: adopting Machines into a control plane that is being deleted would orphan them again.
  const current = await deps.client.get(kinds.controlPlane, { namespace: pass.namespace, name: pass.controlPlane.metadata.name ?? '' });
  if (isBeingDeleted(current)) return undefined;
  for (const machine of candidates) {
    const adopted = withControllerReference(machine, current);
    adopted.metadata.labels = { ...adopted.metadata.labels, [labels.controlPlaneName]: pass.controlPlane.metadata.name ?? '' };
    await deps.client.patch(machine, adopted, { optimisticLock: true });
    const configName = machine.spec.bootstrap.configRef?.name;
    const config = configName ? await deps.client.find(kinds.config, { namespace: pass.namespace, name: configName }) : undefined;
    if (config) await deps.client.patch(config, withOwnerReference(config, current));
    deps.events.event(current, 'Normal', 'AdoptedMachine', `adopted standalone control plane Machine ${machine.metadata.name ?? ''}`);
  }
  return {
    condition: ck8sControlPlaneConditions.machinesReady,
    reason: 'AdoptedMachines',
    message: `adopted ${candidates.length} standalone control plane machine(s)`,
    retryAfterMs: ADOPTION_RETRY_MS,
  };
}

async function infrastructureMachineOf(deps: ReconcileDependencies, machine: MachineObject, templateApiVersion: string | undefined): Promise<InfrastructureObject | undefined> {
  const reference = machine.spec.infrastructureRef;
  const apiVersion = await apiVersionOfGroup(deps.rest, reference.apiGroup, templateApiVersion);
  return deps.client.find(kindRef<InfrastructureObject>(apiVersion, reference.kind), { namespace: machine.metadata.namespace ?? '', name: reference.name });
}

/** The Machines this control plane controls, alone (deletion needs no more). */
export async function ownedMachineObjects(deps: ReconcileDependencies, pass: Pass): Promise<MachineObject[]> {
  return (await listControlPlaneMachines(deps, pass)).filter((machine) => isControlledBy(machine, pass.controlPlane));
}

/** The Machines this control plane controls, each with its CK8sConfig and infrastructure machine when they exist. */
export async function ownedMachines(deps: ReconcileDependencies, pass: Pass): Promise<OwnedMachineInput[]> {
  const machines = await ownedMachineObjects(deps, pass);
  const templateApiVersion = pass.controlPlane.spec?.machineTemplate?.infrastructureTemplate.apiVersion;
  return Promise.all(
    machines.map(async (machine) => {
      const configName = machine.spec.bootstrap.configRef?.name;
      const [config, infrastructureMachine] = await Promise.all([
        configName ? deps.client.find(kinds.config, { namespace: pass.namespace, name: configName }) : Promise.resolve<CK8sConfigObject | undefined>(undefined),
        infrastructureMachineOf(deps, machine, templateApiVersion),
      ]);
      return { machine, ...(config ? { config } : {}), ...(infrastructureMachine ? { infrastructureMachine } : {}) };
    }),
  );
}
