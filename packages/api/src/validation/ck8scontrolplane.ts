// Validation of CK8sControlPlane (create, update, scale) and CK8sControlPlaneTemplate.
import { isEtcdManaged } from '../effective';
import { CK8sControlPlane, CK8sControlPlaneTemplate } from '../schema/ck8scontrolplane';
import type {
  CK8sControlPlaneMachineTemplate,
  RemediationStrategy,
  RolloutStrategy,
} from '../schema/ck8scontrolplane';
import { validateCK8sConfigSpec, validateKubernetesVersion } from './ck8sconfig-spec';
import { child, forbidden, invalid, required } from './field-errors';
import type { FieldError } from './field-errors';
import { parseGoDuration, parseKubernetesVersion } from './formats';
import { changedImmutableFields, templateChangeErrors } from './immutability';
import type { Mutability, TemplateValidationOptions } from './immutability';
import { validateObject } from './validate-object';

/** Defaulted by the mutating webhook; validation of an undefaulted object assumes the same value. */
const defaultReplicas = 1;

export function validateReplicas(replicas: number, etcdManaged: boolean, field: string): FieldError[] {
  if (replicas < 1) return [invalid(field, replicas, 'must be at least 1')];
  if (etcdManaged && replicas % 2 === 0) {
    return [
      invalid(
        field,
        replicas,
        'must be odd when the control plane runs the etcd datastore (datastoreType empty or "etcd"), ' +
          'so that etcd keeps its quorum when a member is lost',
      ),
    ];
  }
  return [];
}

function validateRolloutStrategy(
  strategy: RolloutStrategy | undefined,
  replicas: number | undefined,
  path: string,
): FieldError[] {
  const maxSurge = strategy?.rollingUpdate?.maxSurge;
  if (maxSurge === undefined) return [];
  const field = child(child(path, 'rollingUpdate'), 'maxSurge');
  if (maxSurge !== 0 && maxSurge !== 1) return [invalid(field, maxSurge, 'must be 0 or 1')];
  if (maxSurge === 0 && replicas !== undefined && replicas < 3) {
    return [
      forbidden(
        field,
        `may be 0 only with at least 3 replicas (have ${replicas}): with fewer, deleting a machine before its ` +
          'replacement exists takes the control plane down',
        maxSurge,
      ),
    ];
  }
  return [];
}

function validateDuration(value: string | undefined, field: string): FieldError[] {
  if (value === undefined) return [];
  const milliseconds = parseGoDuration(value);
  if (milliseconds === undefined || milliseconds < 0) {
    return [invalid(field, value, 'must be a non-negative duration such as 30s, 10m or 1h30m')];
  }
  return [];
}

function validateRemediationStrategy(strategy: RemediationStrategy | undefined, path: string): FieldError[] {
  if (!strategy) return [];
  return [
    ...validateDuration(strategy.retryPeriod, child(path, 'retryPeriod')),
    ...validateDuration(strategy.minHealthyPeriod, child(path, 'minHealthyPeriod')),
  ];
}

/** The reference may name another namespace: ClusterClass users keep shared templates in the class's namespace. */
function validateMachineTemplate(template: CK8sControlPlaneMachineTemplate | undefined, path: string): FieldError[] {
  const refPath = child(path, 'infrastructureTemplate');
  if (!template) return [required(refPath, 'must reference the infrastructure machine template to clone')];
  const ref = template.infrastructureTemplate;
  const errors: FieldError[] = [];
  for (const field of ['apiVersion', 'kind', 'name'] as const) {
    if (!ref[field]) errors.push(required(child(refPath, field), 'must be set'));
  }
  for (const field of ['nodeDrainTimeout', 'nodeVolumeDetachTimeout', 'nodeDeletionTimeout'] as const) {
    errors.push(...validateDuration(template[field], child(path, field)));
  }
  return errors;
}

function validateVersionChange(oldVersion: string, newVersion: string, field: string): FieldError[] {
  const before = parseKubernetesVersion(oldVersion);
  const after = parseKubernetesVersion(newVersion);
  if (!before || !after || oldVersion === newVersion) return [];
  if (after.compare(before) < 0) {
    return [forbidden(field, `cannot downgrade from ${oldVersion}: Kubernetes does not support downgrades`, newVersion)];
  }
  if (after.major !== before.major || after.minor > before.minor + 1) {
    return [
      forbidden(
        field,
        `cannot upgrade from ${oldVersion} by more than one minor version: upgrade to ` +
          `v${before.major}.${before.minor + 1} first`,
        newVersion,
      ),
    ];
  }
  return [];
}

function specErrors(controlPlane: CK8sControlPlane): FieldError[] {
  const spec = controlPlane.spec;
  if (!spec) return [required('spec', 'must be set')];
  const replicas = spec.replicas ?? defaultReplicas;
  return [
    ...validateKubernetesVersion(spec.version, 'spec.version'),
    ...validateReplicas(replicas, isEtcdManaged(spec.spec), 'spec.replicas'),
    ...validateRolloutStrategy(spec.rolloutStrategy, replicas, 'spec.rolloutStrategy'),
    ...validateRemediationStrategy(spec.remediationStrategy, 'spec.remediationStrategy'),
    ...validateMachineTemplate(spec.machineTemplate, 'spec.machineTemplate'),
    ...(spec.spec ? validateCK8sConfigSpec(spec.spec, 'spec.spec') : []),
  ];
}

/** CK8sConfigSpec fields whose change rolls out new machines; the rest only matter when the cluster is set up. */
export const mutableControlPlaneConfigFields = {
  version: true,
  files: true,
  bootCommands: true,
  preRunCommands: true,
  postRunCommands: true,
  additionalUserData: true,
  airGapped: true,
  snapstoreProxyScheme: true,
  snapstoreProxyDomain: true,
  snapstoreProxyId: true,
  httpsProxy: true,
  httpProxy: true,
  noProxy: true,
  channel: true,
  revision: true,
  localPath: true,
  nodeName: true,
  extraKubeProxyArgs: true,
  extraKubeletArgs: true,
  extraContainerdArgs: true,
  ExtraK8sAPIServerProxyArgs: true,
  controlPlane: {
    extraSANs: true,
    extraKubeAPIServerArgs: true,
    extraKubeControllerManagerArgs: true,
    extraKubeSchedulerArgs: true,
    microclusterAddress: true,
  },
} as const satisfies Record<string, Mutability>;

/** Fields of CK8sControlPlane.spec that may change after creation; everything else is immutable, as in KCP. */
export const mutableControlPlaneSpecFields = {
  replicas: true,
  version: true,
  machineTemplate: true,
  rolloutAfter: true,
  rolloutStrategy: true,
  remediationStrategy: true,
  spec: mutableControlPlaneConfigFields,
} as const satisfies Record<string, Mutability>;

export const immutableControlPlaneFieldMessage =
  'cannot be changed after creation: the cluster was set up with the current value (mutable fields: replicas, ' +
  'version, machineTemplate, rolloutAfter, rolloutStrategy, remediationStrategy and the per-node settings of spec)';

/** All errors of a CK8sControlPlane create (no `oldControlPlane`) or update request. */
export function validateCK8sControlPlane(controlPlane: unknown, oldControlPlane?: unknown): FieldError[] {
  return validateObject(CK8sControlPlane, controlPlane, oldControlPlane, {
    errors: specErrors,
    changeErrors: (old, object) => [
      ...validateVersionChange(old.spec?.version ?? '', object.spec?.version ?? '', 'spec.version'),
      ...changedImmutableFields(
        old.spec,
        object.spec,
        'spec',
        mutableControlPlaneSpecFields,
        immutableControlPlaneFieldMessage,
      ),
    ],
  });
}

/** A request to the scale subresource: the new replica count against the control plane it would apply to. */
export function validateCK8sControlPlaneScale(replicas: number, controlPlane: CK8sControlPlane): FieldError[] {
  return [
    ...validateReplicas(replicas, isEtcdManaged(controlPlane.spec?.spec), 'spec.replicas'),
    ...validateRolloutStrategy(controlPlane.spec?.rolloutStrategy, replicas, 'spec.rolloutStrategy'),
  ];
}

function templateSpecErrors(template: CK8sControlPlaneTemplate): FieldError[] {
  const spec = template.spec?.template.spec;
  if (!spec) return [required('spec.template', 'must be set')];
  const path = 'spec.template.spec';
  return [
    ...validateRolloutStrategy(spec.rolloutStrategy, undefined, child(path, 'rolloutStrategy')),
    ...validateRemediationStrategy(spec.remediationStrategy, child(path, 'remediationStrategy')),
    ...(spec.machineTemplate ? validateMachineTemplate(spec.machineTemplate, child(path, 'machineTemplate')) : []),
    ...(spec.spec ? validateCK8sConfigSpec(spec.spec, child(path, 'spec')) : []),
  ];
}

/** All errors of a CK8sControlPlaneTemplate create (no `oldTemplate`) or update request. */
export function validateCK8sControlPlaneTemplate(
  template: unknown,
  oldTemplate?: unknown,
  options: TemplateValidationOptions = {},
): FieldError[] {
  return validateObject(CK8sControlPlaneTemplate, template, oldTemplate, {
    errors: templateSpecErrors,
    changeErrors: (old, object) => templateChangeErrors(old, object, options),
  });
}
