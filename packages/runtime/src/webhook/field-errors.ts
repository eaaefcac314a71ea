import type { StatusBody } from '../client/errors';

export type FieldErrorType =
  | 'FieldValueNotFound'
  | 'FieldValueRequired'
  | 'FieldValueDuplicate'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'InternalError';

/** One problem with one field, as k8s.io/apimachinery's field.Error. */
export interface FieldError {
  type: FieldErrorType;
  /** Dotted path with indexes, e.g. "spec.files[2].path". */
  field: string;
  value?: unknown;
  detail?: string;
}

/**
 * The same error in the short spelling validation code outside the runtime uses (the api package's rules): the
 * type without its "FieldValue" prefix and `message` for the detail. Validators may return either form.
 */
export interface ShortFieldError {
  type: 'NotFound' | 'Required' | 'Duplicate' | 'Invalid' | 'NotSupported' | 'Forbidden' | 'TooLong' | 'TooMany';
  field: string;
  value?: unknown;
  message?: string;
}

export type AnyFieldError = FieldError | ShortFieldError;

function isShortFieldError(error: AnyFieldError): error is ShortFieldError {
  return !error.type.startsWith('FieldValue') && error.type !== 'InternalError';
}

/** One field error in apimachinery's spelling, whichever form it came in. */
export function toFieldError(error: AnyFieldError): FieldError {
  if (!isShortFieldError(error)) return error;
  const type: FieldErrorType = `FieldValue${error.type}`;
  return {
    type,
    field: error.field,
    ...(WITHOUT_VALUE.has(type) || error.value === undefined ? {} : { value: error.value }),
    ...(error.message ? { detail: error.message } : {}),
  };
}

const TYPE_TEXT: Record<FieldErrorType, string> = {
  FieldValueNotFound: 'Not found',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  InternalError: 'Internal error',
};

/** Types whose message omits the offending value. */
const WITHOUT_VALUE: ReadonlySet<FieldErrorType> = new Set(['FieldValueRequired', 'FieldValueForbidden', 'FieldValueTooLong', 'FieldValueTooMany', 'InternalError']);

export const fieldErrors = {
  required: (field: string, detail?: string): FieldError => ({ type: 'FieldValueRequired', field, ...(detail ? { detail } : {}) }),
  invalid: (field: string, value: unknown, detail: string): FieldError => ({ type: 'FieldValueInvalid', field, value, detail }),
  forbidden: (field: string, detail: string): FieldError => ({ type: 'FieldValueForbidden', field, detail }),
  duplicate: (field: string, value: unknown): FieldError => ({ type: 'FieldValueDuplicate', field, value }),
  notFound: (field: string, value: unknown): FieldError => ({ type: 'FieldValueNotFound', field, value }),
  notSupported: (field: string, value: unknown, supported: readonly string[]): FieldError => ({
    type: 'FieldValueNotSupported',
    field,
    value,
    detail: `supported values: ${supported.map((entry) => JSON.stringify(entry)).join(', ')}`,
  }),
  tooMany: (field: string, actual: number, max: number): FieldError => ({
    type: 'FieldValueTooMany',
    field,
    detail: `must have at most ${max} items (has ${actual})`,
  }),
};

/** The text after "field: " — "Invalid value: \"x\": must be ..." — as ErrorBody in apimachinery. */
export function fieldErrorBody(anyError: AnyFieldError): string {
  const error = toFieldError(anyError);
  let body = TYPE_TEXT[error.type];
  if (!WITHOUT_VALUE.has(error.type)) body += `: ${error.value === undefined ? 'null' : JSON.stringify(error.value)}`;
  if (error.detail) body += `: ${error.detail}`;
  return body;
}

export function formatFieldError(error: AnyFieldError): string {
  return `${error.field}: ${fieldErrorBody(error)}`;
}

/**
 * The 422 Invalid status apimachinery's NewInvalid builds: the message names the object and lists every field
 * error (bracketed when there are several), and each error is also a structured cause.
 */
export function invalidStatus(kind: { group: string; kind: string }, name: string, anyErrors: readonly AnyFieldError[]): StatusBody {
  const errors = anyErrors.map(toFieldError);
  const qualifiedKind = kind.group ? `${kind.kind}.${kind.group}` : kind.kind;
  const listed = errors.map(formatFieldError);
  const summary = listed.length === 0 ? '' : `: ${listed.length === 1 ? listed[0] : `[${listed.join(', ')}]`}`;
  return {
    kind: 'Status',
    status: 'Failure',
    code: 422,
    reason: 'Invalid',
    message: `${qualifiedKind} ${JSON.stringify(name)} is invalid${summary}`,
    details: {
      name,
      group: kind.group,
      kind: kind.kind,
      causes: errors.map((error) => ({ reason: error.type, message: fieldErrorBody(error), field: error.field })),
    },
  };
}
