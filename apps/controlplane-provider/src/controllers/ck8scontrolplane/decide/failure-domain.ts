// Where control plane Machines go, and from where they are taken. Only the Cluster's failure domains flagged
// `controlPlane: true` count; without any, Machines get no failure domain.
import type { ControlPlaneMachine, ControlPlaneScope } from '../scope';

export interface FailureDomainChoice {
  /** Undefined when the Cluster lists no control plane failure domain. */
  failureDomain: string | undefined;
  why: string;
}

function countBy(machines: readonly ControlPlaneMachine[], failureDomain: string): number {
  return machines.filter((machine) => machine.failureDomain === failureDomain).length;
}

/**
 * Failure domain for a new Machine, in priority order:
 * 1. the fewest up-to-date Machines that are not being deleted (a rollout refills the domains it emptied first);
 * 2. then the fewest Machines of any kind (outdated and deleting ones still occupy the domain);
 * 3. then the name, so the choice is stable from one reconcile to the next.
 */
export function failureDomainForScaleUp(scope: ControlPlaneScope): FailureDomainChoice {
  const upToDate = scope.upToDateMachines();
  const [chosen] = scope.failureDomains
    .map((name) => ({ name, upToDate: countBy(upToDate, name), all: countBy(scope.machines, name) }))
    .sort((a, b) => a.upToDate - b.upToDate || a.all - b.all || a.name.localeCompare(b.name));
  if (!chosen) return { failureDomain: undefined, why: 'the Cluster lists no control plane failure domain' };
  return {
    failureDomain: chosen.name,
    why: `failure domain ${chosen.name} has the fewest up-to-date machines (${chosen.upToDate}) and ${chosen.all} in all`,
  };
}

/**
 * The Machines a scale down should choose from, narrowed by failure domain:
 * 1. if some candidates sit outside the Cluster's control plane failure domains (a domain was removed, or the
 *    Machine never had one while the Cluster now lists some), those go first;
 * 2. otherwise the candidates in the failure domain holding the most Machines (counting every Machine, so the
 *    spread evens out), ties broken by name.
 */
export function failureDomainForScaleDown(
  scope: ControlPlaneScope,
  candidates: readonly ControlPlaneMachine[],
): { machines: ControlPlaneMachine[]; why: string } {
  const known = new Set(scope.failureDomains);
  const outside = candidates.filter((machine) => machine.failureDomain === undefined || !known.has(machine.failureDomain));
  if (outside.length > 0) {
    return {
      machines: outside,
      why:
        scope.failureDomains.length === 0
          ? 'failure domains are not in use'
          : 'outside the control plane failure domains of the Cluster',
    };
  }
  const domains = [...new Set(candidates.map((machine) => machine.failureDomain ?? ''))]
    .map((name) => ({ name, all: countBy(scope.machines, name) }))
    .sort((a, b) => b.all - a.all || a.name.localeCompare(b.name));
  const chosen = domains[0];
  if (!chosen) return { machines: [], why: 'no candidate' };
  return {
    machines: candidates.filter((machine) => machine.failureDomain === chosen.name),
    why: `failure domain ${chosen.name} has the most machines (${chosen.all})`,
  };
}
