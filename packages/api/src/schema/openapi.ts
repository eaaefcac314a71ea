// Building blocks for schemas that must be valid *structural* OpenAPI v3 schemas for a CRD (no `const`, no
// `patternProperties`, int-or-string and nullable expressed with the Kubernetes extensions) while still giving
// TypeBox static types and staying usable by ajv.
import { Type } from '@sinclair/typebox';
import type { TSchema, TUnsafe } from '@sinclair/typebox';

/** TypeBox keeps its bookkeeping in symbol keys; JSON drops them and leaves the plain OpenAPI schema. */
export function openApiSchemaOf(schema: TSchema): Record<string, unknown> {
  return JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
}

/** Options every schema node may carry; `description` is what `kubectl explain` prints. */
export interface Described {
  description: string;
}

/** A string restricted to a fixed set of values (`enum`, not TypeBox's `anyOf` of `const`s). */
export function StringEnum<const Values extends readonly string[]>(
  values: Values,
  options: Described & { default?: Values[number] },
): TUnsafe<Values[number]> {
  return Type.Unsafe<Values[number]>({ type: 'string', enum: [...values], ...options });
}

/** A map whose values are strings, or null to remove an argument the snap would otherwise set. */
export function NullableStringMap(options: Described): TUnsafe<Record<string, string | null>> {
  return Type.Unsafe<Record<string, string | null>>({
    type: 'object',
    additionalProperties: { type: 'string', nullable: true },
    ...options,
  });
}

/** A map of plain strings (labels, annotations, cloud-init keys). */
export function StringMap(options: Described): TUnsafe<Record<string, string>> {
  return Type.Unsafe<Record<string, string>>({ type: 'object', additionalProperties: { type: 'string' }, ...options });
}

/** Kubernetes IntOrString (`intstr.IntOrString`). */
export function IntOrString(options: Described): TUnsafe<number | string> {
  return Type.Unsafe<number | string>({
    anyOf: [{ type: 'integer' }, { type: 'string' }],
    'x-kubernetes-int-or-string': true,
    ...options,
  });
}

/** A Go `time.Duration` in its string form (`metav1.Duration`), e.g. `1h30m`. */
export function Duration(options: Described) {
  return Type.String(options);
}

/** A `metav1.Time`: RFC 3339 timestamp. */
export function Timestamp(options: Described) {
  return Type.String({ format: 'date-time', ...options });
}

export function Int32(options: Described & { minimum?: number; maximum?: number; default?: number }) {
  return Type.Integer({ format: 'int32', ...options });
}

export function Int64(options: Described & { minimum?: number }) {
  return Type.Integer({ format: 'int64', ...options });
}

/** Labels and annotations, the part of ObjectMeta CAPI propagates from templates (`clusterv1.ObjectMeta`). */
export const PropagatedMetadata = (description: string) =>
  Type.Object(
    {
      labels: Type.Optional(StringMap({ description: 'Labels to set on the objects created from this template.' })),
      annotations: Type.Optional(
        StringMap({ description: 'Annotations to set on the objects created from this template.' }),
      ),
    },
    { description },
  );

/** `corev1.ObjectReference`, an atomic reference to another object. */
export const ObjectReference = (description: string) =>
  Type.Object(
    {
      apiVersion: Type.Optional(Type.String({ description: 'API version of the referenced object.' })),
      kind: Type.Optional(Type.String({ description: 'Kind of the referenced object.' })),
      name: Type.Optional(Type.String({ description: 'Name of the referenced object.' })),
      namespace: Type.Optional(Type.String({ description: 'Namespace of the referenced object.' })),
      uid: Type.Optional(Type.String({ description: 'UID of the referenced object.' })),
      resourceVersion: Type.Optional(
        Type.String({ description: 'Specific resourceVersion of the referenced object, if any.' }),
      ),
      fieldPath: Type.Optional(
        Type.String({ description: 'Path of a field inside the referenced object, when only part of it is meant.' }),
      ),
    },
    { description, 'x-kubernetes-map-type': 'atomic' },
  );

/** `metav1.Condition`, the condition shape of the CAPI v1beta2 contract. */
export const Condition = Type.Object(
  {
    type: Type.String({
      description: 'Type of the condition in CamelCase, e.g. Ready or Available.',
      maxLength: 316,
      pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
    }),
    status: StringEnum(['True', 'False', 'Unknown'] as const, { description: 'Status of the condition.' }),
    observedGeneration: Type.Optional(
      Int64({ description: 'metadata.generation the condition was computed from.', minimum: 0 }),
    ),
    lastTransitionTime: Timestamp({ description: 'When the condition last changed from one status to another.' }),
    reason: Type.String({
      description: 'Machine-readable CamelCase reason for the last transition.',
      minLength: 1,
      maxLength: 1024,
      pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$',
    }),
    message: Type.String({ description: 'Human-readable details about the transition; may be empty.', maxLength: 32768 }),
  },
  { description: 'An observation of one aspect of the object state.' },
);

export const Conditions = (description: string) =>
  Type.Array(Condition, {
    description,
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['type'],
    maxItems: 32,
  });
