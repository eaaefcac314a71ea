import { type AnyFieldError, fieldErrors, formatFieldError, invalidStatus, toFieldError } from './field-errors';

describe('field errors in the short spelling (type without "FieldValue", message as detail)', () => {
  it.each<[AnyFieldError, string]>([
    [{ field: 'spec.a', type: 'Invalid', message: 'must be x', value: 3 }, 'spec.a: Invalid value: 3: must be x'],
    [{ field: 'spec.b', type: 'Required', message: 'must be set' }, 'spec.b: Required value: must be set'],
    [{ field: 'spec.c', type: 'Forbidden', message: 'no', value: 'v' }, 'spec.c: Forbidden: no'],
    [{ field: 'spec.d', type: 'NotSupported', message: 'supported values: "http"', value: 'ftp' }, 'spec.d: Unsupported value: "ftp": supported values: "http"'],
    [{ field: 'spec.e', type: 'Duplicate', message: 'once', value: '/a' }, 'spec.e: Duplicate value: "/a": once'],
    [{ field: 'spec.f', type: 'Invalid', message: 'must be set to something' }, 'spec.f: Invalid value: null: must be set to something'],
  ])('%j prints as apimachinery does', (error, text) => {
    expect(formatFieldError(error)).toBe(text);
  });

  it('leaves the apimachinery spelling untouched', () => {
    const error = fieldErrors.invalid('spec.g', 'x', 'bad');
    expect(toFieldError(error)).toBe(error);
  });

  it('mixes both spellings in one Invalid status with causes in apimachinery\'s reasons', () => {
    const status = invalidStatus({ group: 'example.com', kind: 'Widget' }, 'w', [
      { field: 'spec.a', type: 'Required', message: 'must be set', value: 'ignored' },
      fieldErrors.forbidden('spec.b', 'immutable'),
    ]);
    expect(status.message).toBe('Widget.example.com "w" is invalid: [spec.a: Required value: must be set, spec.b: Forbidden: immutable]');
    expect(status.details?.causes).toEqual([
      { reason: 'FieldValueRequired', message: 'Required value: must be set', field: 'spec.a' },
      { reason: 'FieldValueForbidden', message: 'Forbidden: immutable', field: 'spec.b' },
    ]);
  });
});
