// What the demo shows while a cluster comes up, as pure functions of a snapshot of the management cluster's objects:
// a compact tree like `clusterctl describe cluster`, whether the cluster has reached Ready, and what is still missing.
import type { CK8sControlPlane, Cluster, Condition, Machine, MachineDeployment } from '@capi-ck8s/api';

export interface ClusterSnapshot {
  cluster: Cluster | undefined;
  controlPlane: CK8sControlPlane | undefined;
  machineDeployments: MachineDeployment[];
  machines: Machine[];
}

export interface ClusterShape {
  controlPlanes: number;
  workers: number;
}

/** One line of the tree: its depth (0 = the Cluster) and what it says. */
export interface TreeRow {
  depth: number;
  last: boolean;
  text: string;
}

const CONTROL_PLANE_LABEL = 'cluster.x-k8s.io/control-plane';
const DEPLOYMENT_LABEL = 'cluster.x-k8s.io/deployment-name';

/** Conditions where True means "something is going on" rather than "fine" (CAPI v1beta2 negative polarity). */
const ACTIVITY_CONDITIONS = new Set(['Paused', 'Deleting', 'ScalingUp', 'ScalingDown', 'Remediating', 'RollingOut', 'Updating']);

/** The condition that sums up each kind, as `clusterctl describe` shows it. */
const SUMMARY_CONDITION = { cluster: 'Available', controlPlane: 'Available', machineDeployment: 'Available', machine: 'Ready' } as const;

/** The order in which a non-ready object's conditions explain it best: earliest cause first. */
const CAUSE_ORDER = [
  'BootstrapConfigReady',
  'InfrastructureReady',
  'ControlPlaneInitialized',
  'Initialized',
  'CertificatesAvailable',
  'NodeHealthy',
  'NodeReady',
  'ControlPlaneAvailable',
  'EtcdClusterHealthy',
  'ControlPlaneComponentsHealthy',
  'MachinesReady',
  'WorkersAvailable',
  'RemoteConnectionProbe',
];

function conditionOf(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((condition) => condition.type === type);
}

function isTrue(conditions: readonly Condition[] | undefined, type: string): boolean {
  return conditionOf(conditions, type)?.status === 'True';
}

/** Cluster API's multi-line messages ("* Machine x:\n  * NodeHealthy: ...") on one line, shortened. */
export function oneLine(text: string | undefined, limit = 90): string {
  const line = (text ?? '')
    .split('\n')
    .map((part) => part.trim().replace(/^\*\s*/, ''))
    .filter((part) => part.length > 0)
    .join(' ');
  return line.length > limit ? `${line.slice(0, limit - 1)}…` : line;
}

function causeRank(type: string): number {
  const index = CAUSE_ORDER.indexOf(type);
  return index === -1 ? CAUSE_ORDER.length : index;
}

/** Conditions that say something is not fine yet or is under way, the likeliest cause first. */
export function notableConditions(conditions: readonly Condition[] | undefined, summaryType: string): Condition[] {
  return (conditions ?? [])
    .filter((condition) => condition.type !== summaryType)
    .filter((condition) => (ACTIVITY_CONDITIONS.has(condition.type) ? condition.status === 'True' : condition.status !== 'True'))
    .sort((a, b) => causeRank(a.type) - causeRank(b.type));
}

function describeCondition(condition: Condition): string {
  const message = oneLine(condition.message);
  const reason = condition.reason ? ` ${condition.reason}` : '';
  return `${condition.type}=${condition.status}${reason}${message ? `: ${message}` : ''}`;
}

/** "Available" when the summary condition holds, else the summary and the likeliest cause. */
function conditionSummary(conditions: readonly Condition[] | undefined, summaryType: string): string {
  const summary = conditionOf(conditions, summaryType);
  const notable = notableConditions(conditions, summaryType)[0];
  if (summary?.status === 'True') return notable && ACTIVITY_CONDITIONS.has(notable.type) ? `${summaryType} · ${describeCondition(notable)}` : summaryType;
  const head = `${summaryType}=${summary?.status ?? 'Unknown'}`;
  return notable ? `${head} · ${describeCondition(notable)}` : summary?.message ? `${head}: ${oneLine(summary.message)}` : head;
}

function replicaText(status: { replicas?: number; readyReplicas?: number; upToDateReplicas?: number } | undefined, desired: number | undefined): string {
  return `${status?.readyReplicas ?? 0}/${desired ?? 0} ready`;
}

function machineText(machine: Machine): string {
  const parts = [`Machine/${machine.metadata.name ?? ''}`, machine.status?.phase ?? 'Pending'];
  if (machine.spec.version) parts.push(machine.spec.version);
  if (machine.status?.nodeRef) parts.push(`node ${machine.status.nodeRef.name}`);
  parts.push(conditionSummary(machine.status?.conditions, SUMMARY_CONDITION.machine));
  return parts.join('  ');
}

function byName<T extends { metadata: { name?: string } }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
}

function isControlPlaneMachine(machine: Machine): boolean {
  return machine.metadata.labels?.[CONTROL_PLANE_LABEL] !== undefined;
}

function rowsUnder(depth: number, texts: readonly string[]): TreeRow[] {
  return texts.map((text, index) => ({ depth, last: index === texts.length - 1, text }));
}

/** The tree: Cluster → control plane → its Machines, then each MachineDeployment → its Machines. */
export function clusterTree(snapshot: ClusterSnapshot, clusterName: string): TreeRow[] {
  const { cluster, controlPlane } = snapshot;
  const rows: TreeRow[] = [
    {
      depth: 0,
      last: true,
      text: cluster
        ? `Cluster/${clusterName}  ${cluster.status?.phase ?? 'Pending'}  ${conditionSummary(cluster.status?.conditions, SUMMARY_CONDITION.cluster)}`
        : `Cluster/${clusterName}  (not created yet)`,
    },
  ];
  const groups: { text: string; children: string[] }[] = [];
  const controlPlaneMachines = byName(snapshot.machines.filter(isControlPlaneMachine));
  if (controlPlane) {
    const status = controlPlane.status;
    groups.push({
      text: `ControlPlane CK8sControlPlane/${controlPlane.metadata?.name ?? ''}  ${replicaText(status, controlPlane.spec?.replicas)}  ${conditionSummary(status?.conditions, SUMMARY_CONDITION.controlPlane)}`,
      children: controlPlaneMachines.map(machineText),
    });
  }
  for (const deployment of byName(snapshot.machineDeployments)) {
    const name = deployment.metadata.name ?? '';
    const machines = byName(snapshot.machines.filter((machine) => machine.metadata.labels?.[DEPLOYMENT_LABEL] === name));
    groups.push({
      text: `Workers MachineDeployment/${name}  ${replicaText(deployment.status, deployment.spec.replicas)}  ${conditionSummary(deployment.status?.conditions, SUMMARY_CONDITION.machineDeployment)}`,
      children: machines.map(machineText),
    });
  }
  groups.forEach((group, index) => {
    rows.push({ depth: 1, last: index === groups.length - 1, text: group.text });
    rows.push(...rowsUnder(2, group.children));
  });
  return rows;
}

/** Draws tree rows with box-drawing guides, as `clusterctl describe cluster` does. */
export function drawTree(rows: readonly TreeRow[]): string[] {
  const openAtDepth: boolean[] = [];
  return rows.map((row) => {
    openAtDepth[row.depth] = !row.last;
    if (row.depth === 0) return row.text;
    const guides = openAtDepth.slice(1, row.depth).map((open) => (open ? '│ ' : '  ')).join('');
    return `${guides}${row.last ? '└─' : '├─'}${row.text}`;
  });
}

function machineIsReady(machine: Machine): boolean {
  return machine.status?.phase === 'Running' && machine.status.nodeRef !== undefined && isTrue(machine.status.conditions, SUMMARY_CONDITION.machine);
}

/** Aggregates (Cluster, control plane, MachineDeployment) repeat their Machines' conditions: they show one cause. */
const AGGREGATE_CAUSES = 1;

function explainObject(label: string, phase: string | undefined, conditions: readonly Condition[] | undefined, summaryType: string, causesShown = Infinity): string {
  const summary = conditionOf(conditions, summaryType);
  const causes = [summary, ...notableConditions(conditions, summaryType).slice(0, causesShown)].filter((condition): condition is Condition => condition !== undefined);
  const described = causes.map((condition) => `    ${condition.type}=${condition.status}${condition.reason ? ` (${condition.reason})` : ''}${condition.message ? `: ${oneLine(condition.message, 240)}` : ''}`);
  return [`  ${label}${phase ? ` phase ${phase}` : ''}`, ...(described.length > 0 ? described : ['    no conditions reported yet'])].join('\n');
}

export interface Readiness {
  ready: boolean;
  /** One entry per object that keeps the cluster from Ready, with its conditions. */
  waitingFor: string[];
}

function clusterWait(cluster: Cluster | undefined, clusterName: string): string[] {
  if (!cluster) return [`  Cluster/${clusterName} does not exist`];
  if (isTrue(cluster.status?.conditions, SUMMARY_CONDITION.cluster)) return [];
  return [explainObject(`Cluster/${clusterName}`, cluster.status?.phase, cluster.status?.conditions, SUMMARY_CONDITION.cluster, AGGREGATE_CAUSES)];
}

function controlPlaneWait(controlPlane: CK8sControlPlane | undefined, shape: ClusterShape, clusterName: string): string[] {
  if (!controlPlane) return [`  the CK8sControlPlane of ${clusterName} does not exist`];
  const status = controlPlane.status;
  if ((status?.readyReplicas ?? 0) >= shape.controlPlanes && isTrue(status?.conditions, SUMMARY_CONDITION.controlPlane)) return [];
  const label = `CK8sControlPlane/${controlPlane.metadata?.name ?? ''} (${replicaText(status, shape.controlPlanes)})`;
  return [explainObject(label, undefined, status?.conditions, SUMMARY_CONDITION.controlPlane, AGGREGATE_CAUSES)];
}

function deploymentWaits(deployments: readonly MachineDeployment[]): string[] {
  return deployments
    .filter((deployment) => (deployment.status?.readyReplicas ?? 0) < (deployment.spec.replicas ?? 0))
    .map((deployment) =>
      explainObject(
        `MachineDeployment/${deployment.metadata.name ?? ''} (${replicaText(deployment.status, deployment.spec.replicas)})`,
        deployment.status?.phase,
        deployment.status?.conditions,
        SUMMARY_CONDITION.machineDeployment,
        AGGREGATE_CAUSES,
      ),
    );
}

function machineWaits(machines: readonly Machine[], shape: ClusterShape): string[] {
  const waits: string[] = [];
  const roles = [
    ['control plane', machines.filter(isControlPlaneMachine), shape.controlPlanes],
    ['worker', machines.filter((machine) => !isControlPlaneMachine(machine)), shape.workers],
  ] as const;
  for (const [role, members, expected] of roles) {
    const ready = members.filter(machineIsReady).length;
    if (ready < expected) waits.push(`  ${ready}/${expected} ${role} Machines running with a Ready Node`);
  }
  for (const machine of byName(machines).filter((candidate) => !machineIsReady(candidate))) {
    waits.push(explainObject(`Machine/${machine.metadata.name ?? ''}`, machine.status?.phase, machine.status?.conditions, SUMMARY_CONDITION.machine));
  }
  return waits;
}

/**
 * Ready: the Cluster is Available, the control plane and every MachineDeployment have all their replicas ready, and
 * the expected number of Machines run with a Node that is Ready.
 */
export function clusterReadiness(snapshot: ClusterSnapshot, shape: ClusterShape, clusterName: string): Readiness {
  const waitingFor = [
    ...clusterWait(snapshot.cluster, clusterName),
    ...controlPlaneWait(snapshot.controlPlane, shape, clusterName),
    ...deploymentWaits(snapshot.machineDeployments),
    ...machineWaits(snapshot.machines, shape),
  ];
  return { ready: waitingFor.length === 0, waitingFor };
}
