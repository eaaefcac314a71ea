// The shape every resource validator shares: schema check, resource rules, and on update ratcheting plus the rules
// about what may change.
import type { Static, TSchema } from '@sinclair/typebox';
import type { FieldError } from './field-errors';
import { newErrorsOnly } from './immutability';
import { schemaErrors } from './schema-validation';

export interface ResourceRules<T> {
  /** Rules on the object alone. */
  errors(object: T): FieldError[];
  /** Rules on an update: what changed and how. */
  changeErrors(oldObject: T, object: T): FieldError[];
}

/**
 * All errors of a create (`oldObject` undefined) or update request. Structural errors against the CRD schema are
 * returned alone, since the other rules need a well-formed object.
 */
export function validateObject<S extends TSchema>(
  schema: S,
  object: unknown,
  oldObject: unknown,
  rules: ResourceRules<Static<S>>,
): FieldError[] {
  const structural = schemaErrors(schema, object);
  if (structural.length > 0) return structural;
  const current = object as Static<S>;
  const errors = rules.errors(current);
  if (oldObject === undefined || schemaErrors(schema, oldObject).length > 0) return errors;
  const old = oldObject as Static<S>;
  return [...newErrorsOnly(errors, rules.errors(old), old, current), ...rules.changeErrors(old, current)];
}
