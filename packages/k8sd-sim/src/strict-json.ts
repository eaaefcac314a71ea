// Decodes request bodies the way k8sd's strict Go decoder does: unknown fields are rejected, JSON null and missing
// fields leave Go's zero value, and a value of the wrong type is an error naming the field.

export type FieldType = 'string' | 'bool' | 'int' | 'string-list';

export type Schema = Record<string, FieldType>;

type Decoded<S extends Schema> = {
  [K in keyof S]: S[K] extends 'string' ? string : S[K] extends 'bool' ? boolean : S[K] extends 'int' ? number : string[] | null;
};

export class StrictJsonError extends Error {}

const zeroValues: Record<FieldType, string | boolean | number | null> = { string: '', bool: false, int: 0, 'string-list': null };

function goTypeName(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}

function accepts(type: FieldType, value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'bool':
      return typeof value === 'boolean';
    case 'int':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'string-list':
      return Array.isArray(value) && value.every((item) => typeof item === 'string');
  }
}

export function decodeStrict<S extends Schema>(body: string, schema: S, goStruct: string): Decoded<S> {
  if (body.trim() === '') throw new StrictJsonError('EOF');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new StrictJsonError(`invalid character in JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new StrictJsonError(`json: cannot unmarshal ${goTypeName(parsed)} into Go value of type ${goStruct}`);
  }
  const decoded: Record<string, unknown> = Object.fromEntries(Object.entries(schema).map(([field, type]) => [field, zeroValues[type]]));
  for (const [field, value] of Object.entries(parsed)) {
    const type = schema[field];
    if (type === undefined) throw new StrictJsonError(`json: unknown field "${field}"`);
    if (value === null) continue;
    if (!accepts(type, value)) {
      throw new StrictJsonError(`json: cannot unmarshal ${goTypeName(value)} into Go struct field ${goStruct}.${field} of type ${type}`);
    }
    decoded[field] = value;
  }
  return decoded as Decoded<S>;
}
