// Validation results in the shape of Kubernetes' field.ErrorList, so the webhook server can return them as
// admission status causes and users see the same wording as for built-in resources.

export type FieldErrorType = 'Invalid' | 'Required' | 'Forbidden' | 'NotSupported' | 'Duplicate';

export interface FieldError {
  /** JSON path of the offending field, e.g. `spec.files[1].path`. */
  field: string;
  type: FieldErrorType;
  message: string;
  value?: unknown;
}

export const invalid = (field: string, value: unknown, message: string): FieldError => ({
  field,
  type: 'Invalid',
  message,
  value,
});

export const required = (field: string, message: string): FieldError => ({ field, type: 'Required', message });

export const forbidden = (field: string, message: string, value?: unknown): FieldError =>
  value === undefined ? { field, type: 'Forbidden', message } : { field, type: 'Forbidden', message, value };

export const notSupported = (field: string, value: unknown, supported: readonly string[]): FieldError => ({
  field,
  type: 'NotSupported',
  message: `supported values: ${supported.map((option) => JSON.stringify(option)).join(', ')}`,
  value,
});

export const duplicate = (field: string, value: unknown, message: string): FieldError => ({
  field,
  type: 'Duplicate',
  message,
  value,
});

const typeLabels: Record<FieldErrorType, string> = {
  Invalid: 'Invalid value',
  Required: 'Required value',
  Forbidden: 'Forbidden',
  NotSupported: 'Unsupported value',
  Duplicate: 'Duplicate value',
};

/** One error as Kubernetes prints it: `spec.replicas: Invalid value: 2: must be odd ...`. */
export function formatFieldError(error: FieldError): string {
  const value = error.value === undefined ? '' : `${JSON.stringify(error.value)}: `;
  return `${error.field}: ${typeLabels[error.type]}: ${value}${error.message}`;
}

/** All errors in one line, for an admission denial message. */
export function formatFieldErrors(errors: readonly FieldError[]): string {
  const lines = errors.map(formatFieldError);
  return lines.length === 1 ? (lines[0] ?? '') : `[${lines.join(', ')}]`;
}

const plainSegment = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `child('spec', 'files')` → `spec.files`; keys that are not identifiers become `[key]` like map keys. */
export function child(path: string, name: string): string {
  if (!plainSegment.test(name)) return `${path}[${name}]`;
  return path === '' ? name : `${path}.${name}`;
}

export function item(path: string, index: number): string {
  return `${path}[${index}]`;
}
