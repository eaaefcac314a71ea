// Update rules shared by the resources: which fields may change, ClusterClass dry runs, and ratcheting.
import { isDeepStrictEqual } from 'node:util';
import { annotations } from '../constants';
import type { ObjectMeta } from '../schema/meta';
import { child, forbidden } from './field-errors';
import type { FieldError } from './field-errors';

/** `true`: the field and everything below it may change; an object: only the listed children may. */
export type Mutability = true | { readonly [field: string]: Mutability };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isUnset(value: unknown): boolean {
  if (value === undefined) return true;
  if (Array.isArray(value)) return value.length === 0;
  return isRecord(value) && Object.keys(value).length === 0;
}

/** Equal, treating a missing field, `{}` and `[]` alike: clients and server-side apply differ in which they send. */
export function sameValue(left: unknown, right: unknown): boolean {
  return (isUnset(left) && isUnset(right)) || isDeepStrictEqual(left, right);
}

/** A Forbidden error for each field below `path` that changed although `mutable` does not allow it. */
export function changedImmutableFields(
  oldValue: unknown,
  newValue: unknown,
  path: string,
  mutable: { readonly [field: string]: Mutability },
  message: string,
): FieldError[] {
  const before = isRecord(oldValue) ? oldValue : {};
  const after = isRecord(newValue) ? newValue : {};
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return fields.flatMap((field) => {
    const rule = mutable[field];
    if (rule === true) return [];
    if (rule !== undefined && (isRecord(before[field]) || isRecord(after[field]))) {
      return changedImmutableFields(before[field], after[field], child(path, field), rule, message);
    }
    return sameValue(before[field], after[field]) ? [] : [forbidden(child(path, field), message)];
  });
}

export const immutableTemplateMessage =
  'templates are immutable: create a new template and point the objects using it (MachineDeployment, ' +
  'ClusterClass) at the new one';

export interface TemplateValidationOptions {
  /** The request is a ClusterClass topology dry run (see isTopologyDryRunRequest); immutability is not enforced. */
  topologyDryRun?: boolean;
}

interface TemplateObject {
  spec?: { template?: unknown };
}

/** Templates are immutable, except for ClusterClass topology dry runs. */
export function templateChangeErrors(
  old: TemplateObject,
  object: TemplateObject,
  options: TemplateValidationOptions,
): FieldError[] {
  if (options.topologyDryRun) return [];
  return changedImmutableFields(old.spec?.template, object.spec?.template, 'spec.template', {}, immutableTemplateMessage);
}

/**
 * Cluster API's topology controller checks its planned changes with server-side-apply dry runs carrying the
 * topology dry-run annotation; immutability rules must let those through (CAPI `topology.IsDryRunRequest`).
 */
export function isTopologyDryRunRequest(
  dryRun: boolean | undefined,
  object: { metadata?: ObjectMeta } | undefined,
): boolean {
  return dryRun === true && object?.metadata?.annotations?.[annotations.topologyDryRun] !== undefined;
}

const pathSegment = /([A-Za-z_][A-Za-z0-9_]*)|\[([^\]]*)\]/g;

/** The value a field error points at: `spec.files[0].path`, `spec.extraKubeletArgs[--v]`. */
export function valueAtField(object: unknown, field: string): unknown {
  let value: unknown = object;
  for (const [, name, bracketed] of field.matchAll(pathSegment)) {
    const key = name ?? bracketed ?? '';
    if (Array.isArray(value) && /^\d+$/.test(key)) value = value[Number(key)];
    else if (isRecord(value)) value = value[key];
    else return undefined;
  }
  return value;
}

function sameError(left: FieldError, right: FieldError): boolean {
  return left.field === right.field && left.type === right.type && left.message === right.message;
}

/**
 * Validation ratcheting, as the apiserver does for CRD schemas: on update, an error the stored object already had
 * is not held against the request as long as the field it points at is unchanged, so objects created before a rule
 * existed (or by upstream, which validated nothing) stay editable.
 */
export function newErrorsOnly(
  errors: FieldError[],
  errorsOfOldObject: FieldError[],
  oldObject: unknown,
  object: unknown,
): FieldError[] {
  return errors.filter(
    (error) =>
      !errorsOfOldObject.some((old) => sameError(old, error)) ||
      !sameValue(valueAtField(oldObject, error.field), valueAtField(object, error.field)),
  );
}
