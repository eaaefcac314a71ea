export * from './constants';
export * from './conditions';
export * from './capi';
export type { ObjectMeta, OwnerReference } from './schema/meta';
export { Condition as ConditionSchema, openApiSchemaOf } from './schema/openapi';
export * from './schema/ck8sconfig';
export * from './schema/ck8scontrolplane';
export * from './effective';
export * from './defaulting';
export * from './validation/field-errors';
export { parseGoDuration, parseKubernetesVersion, isSnapChannel, snapRisks } from './validation/formats';
export { schemaErrors, withSchemaDefaults } from './validation/schema-validation';
export { managedCloudInitKeys, validateCK8sConfigSpec } from './validation/ck8sconfig-spec';
export { isCreatedByControlPlane, validateCK8sConfig, validateCK8sConfigTemplate } from './validation/ck8sconfig';
export {
  validateCK8sControlPlane,
  validateCK8sControlPlaneScale,
  validateCK8sControlPlaneTemplate,
  mutableControlPlaneSpecFields,
} from './validation/ck8scontrolplane';
export { isTopologyDryRunRequest, type TemplateValidationOptions } from './validation/immutability';
export { providerCrds, type CustomResourceDefinition, type ProviderCrd } from './crds/definitions';
export { renderCrdFiles, type RenderedFile } from './crds/render';
