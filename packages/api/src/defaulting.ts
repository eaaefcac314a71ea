// Defaults the mutating webhooks apply, plus the CRD schema defaults so objects that never went through an
// apiserver (unit tests, tools) end up the same. Pure: each function returns a new object.
import type { CK8sConfig, CK8sConfigSpec, CK8sConfigTemplate } from './schema/ck8sconfig';
import type {
  CK8sControlPlane,
  CK8sControlPlaneTemplate,
  RolloutStrategy,
} from './schema/ck8scontrolplane';

export const defaultSnapstoreProxyScheme = 'http';
export const defaultMaxSurge = 1;
export const defaultControlPlaneReplicas = 1;

export function defaultCK8sConfigSpec(spec: CK8sConfigSpec): CK8sConfigSpec {
  return { ...structuredClone(spec), snapstoreProxyScheme: spec.snapstoreProxyScheme ?? defaultSnapstoreProxyScheme };
}

export function defaultCK8sConfig(config: CK8sConfig): CK8sConfig {
  const defaulted = structuredClone(config);
  defaulted.spec = defaultCK8sConfigSpec(config.spec ?? {});
  return defaulted;
}

export function defaultCK8sConfigTemplate(template: CK8sConfigTemplate): CK8sConfigTemplate {
  const defaulted = structuredClone(template);
  const resource = defaulted.spec?.template;
  if (resource) resource.spec = defaultCK8sConfigSpec(resource.spec ?? {});
  return defaulted;
}

/** maxSurge 1 unless set; upstream's webhook only filled it when rollingUpdate was missing, the controller assumed 1. */
export function defaultRolloutStrategy(strategy: RolloutStrategy | undefined): RolloutStrategy {
  return {
    ...strategy,
    rollingUpdate: { ...strategy?.rollingUpdate, maxSurge: strategy?.rollingUpdate?.maxSurge ?? defaultMaxSurge },
  };
}

/**
 * replicas 1, the infrastructure template in the control plane's namespace, maxSurge 1 and the spec defaults.
 * Objects without a spec are returned unchanged for validation to reject.
 */
export function defaultCK8sControlPlane(controlPlane: CK8sControlPlane): CK8sControlPlane {
  const defaulted = structuredClone(controlPlane);
  const spec = defaulted.spec;
  if (!spec) return defaulted;
  spec.replicas ??= defaultControlPlaneReplicas;
  spec.rolloutStrategy = defaultRolloutStrategy(spec.rolloutStrategy);
  spec.spec = defaultCK8sConfigSpec(spec.spec ?? {});
  const reference = spec.machineTemplate?.infrastructureTemplate;
  const namespace = controlPlane.metadata?.namespace;
  if (reference && !reference.namespace && namespace) reference.namespace = namespace;
  return defaulted;
}

/** maxSurge 1 and the spec defaults; replicas, version and namespaces come from the Cluster topology. */
export function defaultCK8sControlPlaneTemplate(template: CK8sControlPlaneTemplate): CK8sControlPlaneTemplate {
  const defaulted = structuredClone(template);
  const spec = defaulted.spec?.template.spec;
  if (!spec) return defaulted;
  spec.rolloutStrategy = defaultRolloutStrategy(spec.rolloutStrategy);
  spec.spec = defaultCK8sConfigSpec(spec.spec ?? {});
  return defaulted;
}
