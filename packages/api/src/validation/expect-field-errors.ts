// Test support: compares field errors by field and type in order, and message/value where the case names them.
import type { FieldError } from './field-errors';

export interface ExpectedFieldError {
  field: string;
  type: FieldError['type'];
  /** A part of the message that must appear. */
  message?: string;
  value?: unknown;
}

export function expectFieldErrors(errors: FieldError[], expected: ExpectedFieldError[]): void {
  expect(errors.map(({ field, type }) => ({ field, type }))).toEqual(expected.map(({ field, type }) => ({ field, type })));
  expected.forEach((wanted, index) => {
    const actual = errors[index];
    if (wanted.message !== undefined) expect(actual?.message).toContain(wanted.message);
    if (wanted.value !== undefined) expect(actual?.value).toEqual(wanted.value);
  });
}
