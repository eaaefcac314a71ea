export * from './constants';
export * from './conditions';
export * from './capi';
export type { ObjectMeta, OwnerReference } from './schema/meta';
export * from './schema/ck8sconfig';
export * from './schema/ck8scontrolplane';
export { Condition as ConditionSchema } from './schema/openapi';
