import type { KubeObject } from '../objects';

export interface ConversionReview {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'ConversionReview';
  request?: { uid: string; desiredAPIVersion: string; objects: KubeObject[] };
  response?: {
    uid: string;
    result: { status: 'Success' | 'Failure'; message?: string };
    convertedObjects?: KubeObject[];
  };
}

/** Converts one object to `desiredApiVersion` (hub-and-spoke lives in the app; this only sees objects). */
export type Converter = (object: KubeObject, desiredApiVersion: string) => KubeObject | Promise<KubeObject>;

/** Checks the rules the apiserver enforces on converted objects, so a broken converter fails loudly here. */
function checkConverted(original: KubeObject, converted: KubeObject, desiredApiVersion: string): string | undefined {
  if (converted.apiVersion !== desiredApiVersion) return `converted apiVersion is ${String(converted.apiVersion)}, want ${desiredApiVersion}`;
  if (converted.kind !== original.kind) return `kind changed from ${String(original.kind)} to ${String(converted.kind)}`;
  for (const field of ['name', 'namespace', 'uid'] as const) {
    if (converted.metadata[field] !== original.metadata[field]) return `metadata.${field} changed during conversion`;
  }
  return undefined;
}

/**
 * Answers a ConversionReview: every object converted, in the same order, with the same identity; if any one
 * fails, the whole review fails naming the object and the reason (the apiserver accepts nothing partial).
 */
export async function review(request: NonNullable<ConversionReview['request']>, converter: Converter): Promise<ConversionReview> {
  const convertedObjects: KubeObject[] = [];
  for (const [index, object] of request.objects.entries()) {
    const label = `object ${index} (${String(object.kind)} ${object.metadata.namespace ?? ''}/${object.metadata.name ?? ''})`;
    try {
      const converted = object.apiVersion === request.desiredAPIVersion ? object : await converter(structuredClone(object), request.desiredAPIVersion);
      const problem = checkConverted(object, converted, request.desiredAPIVersion);
      if (problem) return failure(request.uid, `${label}: ${problem}`);
      convertedObjects.push(converted);
    } catch (error) {
      return failure(request.uid, `${label}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', response: { uid: request.uid, result: { status: 'Success' }, convertedObjects } };
}

function failure(uid: string, message: string): ConversionReview {
  return { apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', response: { uid, result: { status: 'Failure', message } } };
}
