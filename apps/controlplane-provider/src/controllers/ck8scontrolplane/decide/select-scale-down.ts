// Which Machine leaves the control plane when it shrinks (scale down, or the second half of a rollout step).
import { annotations } from '@capi-ck8s/api';
import type { ControlPlaneMachine, ControlPlaneScope } from '../scope';
import { failureDomainForScaleDown } from './failure-domain';

export interface ScaleDownChoice {
  machine: ControlPlaneMachine;
  /** Each narrowing step that led to this Machine, for logs and conditions. */
  why: readonly string[];
}

const hasDeleteAnnotation = (machine: ControlPlaneMachine) =>
  machine.machine.metadata.annotations?.[annotations.deleteMachine] !== undefined;
const isOutdated = (machine: ControlPlaneMachine) => !machine.upToDate.upToDate;
const hasProblems = (machine: ControlPlaneMachine) => machine.problems.length > 0;

const preferences: readonly { why: string; accepts: (machine: ControlPlaneMachine) => boolean }[] = [
  {
    why: `outdated and marked with ${annotations.deleteMachine}`,
    accepts: (machine) => isOutdated(machine) && hasDeleteAnnotation(machine),
  },
  { why: `marked with ${annotations.deleteMachine}`, accepts: hasDeleteAnnotation },
  { why: 'outdated and unhealthy', accepts: (machine) => isOutdated(machine) && hasProblems(machine) },
  { why: 'outdated', accepts: isOutdated },
  { why: 'any machine', accepts: () => true },
];

/**
 * Picks among the active (not deleting) Machines, like KCP:
 * 1. the first non-empty set of: outdated Machines with the `cluster.x-k8s.io/delete-machine` annotation; any
 *    Machine with that annotation; outdated Machines with a health problem; outdated Machines; all Machines;
 * 2. within it, Machines outside the Cluster's failure domains, else those in the failure domain with the most
 *    Machines (see failureDomainForScaleDown);
 * 3. then the oldest, ties broken by name.
 * Undefined when there is no active Machine.
 */
export function selectMachineForScaleDown(scope: ControlPlaneScope): ScaleDownChoice | undefined {
  const active = scope.activeMachines();
  for (const preference of preferences) {
    const set = active.filter(preference.accepts);
    if (set.length === 0) continue;
    const narrowed = failureDomainForScaleDown(scope, set);
    const [oldest] = narrowed.machines.sort((a, b) => a.createdAtMs - b.createdAtMs || a.name.localeCompare(b.name));
    if (oldest) return { machine: oldest, why: [preference.why, narrowed.why, 'oldest'] };
  }
  return undefined;
}
