// Whether a control plane Machine still matches what the CK8sControlPlane asks for, and if not, why.
import { isDeepStrictEqual } from 'node:util';
import { defaultCK8sConfigSpec } from '@capi-ck8s/api';
import type { CK8sConfig, CK8sConfigSpec, CK8sControlPlaneMachineTemplate, Machine, ObjectMeta } from '@capi-ck8s/api';

/** Cluster API annotations written on an object cloned from a template (external.CreateFromTemplate). */
export const clonedFromAnnotations = {
  name: 'cluster.x-k8s.io/cloned-from-name',
  groupKind: 'cluster.x-k8s.io/cloned-from-groupkind',
} as const;

export type RolloutReasonCode = 'VersionChanged' | 'BootstrapConfigChanged' | 'InfrastructureTemplateChanged' | 'RolloutAfterPassed';

export interface RolloutReason {
  code: RolloutReasonCode;
  message: string;
}

export interface UpToDateResult {
  upToDate: boolean;
  /** Empty when up to date; otherwise every reason the Machine must be replaced. */
  reasons: readonly RolloutReason[];
}

/** What every control plane Machine should look like, taken from the CK8sControlPlane spec. */
export interface DesiredMachineState {
  version: string;
  configSpec: CK8sConfigSpec;
  infrastructureTemplate: CK8sControlPlaneMachineTemplate['infrastructureTemplate'];
  /** RFC 3339 time of spec.rolloutAfter. */
  rolloutAfter?: string;
}

/** The infrastructure machine as far as the decision needs it: its annotations. */
export interface InfrastructureMachine {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
}

export interface MachineParts {
  machine: Machine;
  config?: CK8sConfig;
  infrastructureMachine?: InfrastructureMachine;
}

/**
 * A Machine needs a rollout for each of these, all reported together:
 * 1. `spec.rolloutAfter` has passed and the Machine was created before it;
 * 2. its `spec.version` differs from the control plane's (a leading `v` is ignored on both sides);
 * 3. its CK8sConfig spec differs from `spec.spec` in what a joining control plane node reads (see comparableSpec;
 *    `version` is ignored as the bootstrap provider fills it from the Machine), missing/`{}`/`[]` being alike and
 *    CRD defaults counting as set on both sides;
 * 4. its infrastructure machine was cloned from another template than `machineTemplate.infrastructureTemplate`
 *    (the `cloned-from-name` / `cloned-from-groupkind` annotations).
 *
 * A CK8sConfig or infrastructure machine that is missing, or carries no cloned-from annotations, counts as
 * matching, as upstream and KCP do: a read that raced with creation must not cost a whole Machine.
 */
export function machineUpToDate(desired: DesiredMachineState, parts: MachineParts, nowMs: number): UpToDateResult {
  const reasons = [
    rolloutAfterReason(desired, parts.machine, nowMs),
    versionReason(desired, parts.machine),
    configReason(desired, parts.config),
    infrastructureReason(desired, parts.infrastructureMachine),
  ].filter((reason): reason is RolloutReason => reason !== undefined);
  return { upToDate: reasons.length === 0, reasons };
}

function rolloutAfterReason(desired: DesiredMachineState, machine: Machine, nowMs: number): RolloutReason | undefined {
  if (!desired.rolloutAfter) return undefined;
  const rolloutAfter = Date.parse(desired.rolloutAfter);
  const created = Date.parse(machine.metadata.creationTimestamp ?? '');
  if (Number.isNaN(rolloutAfter) || Number.isNaN(created)) return undefined;
  if (nowMs < rolloutAfter || created >= rolloutAfter) return undefined;
  return {
    code: 'RolloutAfterPassed',
    message: `created ${machine.metadata.creationTimestamp ?? ''}, before spec.rolloutAfter ${desired.rolloutAfter}`,
  };
}

const withoutV = (version: string) => version.replace(/^v/, '');

function versionReason(desired: DesiredMachineState, machine: Machine): RolloutReason | undefined {
  const actual = machine.spec.version;
  if (actual !== undefined && withoutV(actual) === withoutV(desired.version)) return undefined;
  return { code: 'VersionChanged', message: `version ${actual ?? '(none)'}, want ${desired.version}` };
}

function configReason(desired: DesiredMachineState, config: CK8sConfig | undefined): RolloutReason | undefined {
  if (!config) return undefined;
  const fields = differingFields(comparableSpec(desired.configSpec), comparableSpec(config.spec ?? {}), '');
  if (fields.length === 0) return undefined;
  return { code: 'BootstrapConfigChanged', message: `CK8sConfig differs from spec.spec at ${fields.join(', ')}` };
}

/**
 * The parts of a CK8sConfig spec a new control plane Machine is built from. Any Machine a rollout creates joins an
 * existing cluster, so settings only the first node reads (bootstrapConfig, initConfig, the cloud provider, taints
 * and datastore settings of the init configuration) and worker-only settings cannot change it; a difference there
 * would replace every Machine for nothing. The version comes from the Machine.
 */
function comparableSpec(spec: CK8sConfigSpec): Record<string, unknown> {
  const {
    version: _version,
    bootstrapConfig: _bootstrapConfig,
    initConfig: _initConfig,
    ExtraK8sAPIServerProxyArgs: _workerOnly,
    controlPlane,
    ...rest
  } = defaultCK8sConfigSpec(spec);
  const {
    cloudProvider: _cloudProvider,
    nodeTaints: _nodeTaints,
    datastoreType: _datastoreType,
    datastoreServersSecretRef: _datastoreServers,
    etcdPort: _etcdPort,
    etcdPeerPort: _etcdPeerPort,
    ...joinSettings
  } = controlPlane ?? {};
  return { ...rest, controlPlane: joinSettings };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isUnset(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  return isRecord(value) && Object.keys(value).length === 0;
}

/** Dotted paths of the leaves (or arrays) that differ, so the rollout reason says what changed. */
function differingFields(want: unknown, have: unknown, path: string): string[] {
  if (isUnset(want) && isUnset(have)) return [];
  if (isRecord(want) && isRecord(have)) {
    const keys = [...new Set([...Object.keys(want), ...Object.keys(have)])].sort();
    return keys.flatMap((key) => differingFields(want[key], have[key], path ? `${path}.${key}` : key));
  }
  return isDeepStrictEqual(want, have) ? [] : [path];
}

/** `Kind.group` as Cluster API writes it (just `Kind` for the core group). */
function groupKind(apiVersion: string | undefined, kind: string | undefined): string {
  const group = apiVersion?.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  return group ? `${kind ?? ''}.${group}` : (kind ?? '');
}

function infrastructureReason(
  desired: DesiredMachineState,
  infrastructureMachine: InfrastructureMachine | undefined,
): RolloutReason | undefined {
  const annotations = infrastructureMachine?.metadata.annotations ?? {};
  const clonedName = annotations[clonedFromAnnotations.name];
  const clonedGroupKind = annotations[clonedFromAnnotations.groupKind];
  if (clonedName === undefined || clonedGroupKind === undefined) return undefined;
  const template = desired.infrastructureTemplate;
  const wantGroupKind = groupKind(template.apiVersion, template.kind);
  if (clonedName === template.name && clonedGroupKind === wantGroupKind) return undefined;
  return {
    code: 'InfrastructureTemplateChanged',
    message: `cloned from ${clonedGroupKind} ${clonedName}, want ${wantGroupKind} ${template.name ?? ''}`,
  };
}
