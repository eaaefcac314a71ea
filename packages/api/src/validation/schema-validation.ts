// Checks an object against the same OpenAPI schema the CRD carries, so callers outside the apiserver (unit tests,
// tools, webhook requests that bypassed nothing) get the structural errors the apiserver would report.
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { TSchema } from '@sinclair/typebox';
import { openApiSchemaOf } from '../schema/openapi';
import { child, invalid, item, notSupported, required } from './field-errors';
import type { FieldError } from './field-errors';

const kubernetesKeywords = [
  'x-kubernetes-int-or-string',
  'x-kubernetes-map-type',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-preserve-unknown-fields',
];

function createAjv(useDefaults: boolean): Ajv {
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictTypes: false, useDefaults });
  ajv.addVocabulary(kubernetesKeywords);
  addFormats(ajv, ['date-time', 'int32', 'int64']);
  return ajv;
}

/** Compiles each schema once per mode: checking only, or checking and filling `default`s. */
class ValidatorCache {
  private ajv: Ajv | undefined;
  private readonly compiled = new WeakMap<TSchema, ValidateFunction>();

  constructor(private readonly useDefaults: boolean) {}

  validatorFor(schema: TSchema): ValidateFunction {
    const known = this.compiled.get(schema);
    if (known) return known;
    this.ajv ??= createAjv(this.useDefaults);
    const validate = this.ajv.compile(openApiSchemaOf(schema));
    this.compiled.set(schema, validate);
    return validate;
  }
}

const checking = new ValidatorCache(false);
const defaulting = new ValidatorCache(true);

function fieldPathOf(instancePath: string, root: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, segment) => (/^\d+$/.test(segment) ? item(path, Number(segment)) : child(path, segment)), root);
}

function toFieldError(error: ErrorObject, root: string): FieldError {
  const field = fieldPathOf(error.instancePath, root);
  const value: unknown = error.data;
  switch (error.keyword) {
    case 'required': {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      return required(fieldPathOf(`${error.instancePath}/${missing}`, root), 'must be set');
    }
    case 'enum':
      return notSupported(field, value, (error.params as { allowedValues: string[] }).allowedValues);
    case 'anyOf':
      return invalid(field, value, 'must be an integer or a string');
    case 'type':
      return invalid(field, value, `must be of type ${(error.params as { type: string }).type}`);
    case 'format':
      return invalid(field, value, `must be a valid ${(error.params as { format: string }).format}`);
    default:
      return invalid(field, value, error.message ?? `fails the ${error.keyword} rule of the schema`);
  }
}

/**
 * Structural errors of `value` against `schema`, as field errors rooted at `root` ('' for a whole object).
 * The branches of an int-or-string `anyOf` are folded into the one anyOf error.
 */
export function schemaErrors(schema: TSchema, value: unknown, root = ''): FieldError[] {
  const validate = checking.validatorFor(schema);
  if (validate(value)) return [];
  return (validate.errors ?? [])
    .filter((error) => !error.schemaPath.includes('/anyOf/'))
    .map((error) => toFieldError(error, root));
}

/**
 * A copy of `value` with the schema's `default`s filled in where the field is missing and its parent exists: what
 * the apiserver's structural defaulting does on create and on read.
 */
export function withSchemaDefaults<T>(schema: TSchema, value: T): T {
  const copy = structuredClone(value);
  defaulting.validatorFor(schema)(copy);
  return copy;
}
