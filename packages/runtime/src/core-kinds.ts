// Core Kubernetes kinds every provider reads and writes, with the base64 handling their data needs.
import { type KubeObject, kindRef } from './objects';

export interface Secret extends KubeObject {
  type?: string;
  data?: Record<string, string>;
}

export interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

export const coreKinds = {
  secret: kindRef<Secret>('v1', 'Secret'),
  configMap: kindRef<ConfigMap>('v1', 'ConfigMap'),
} as const;

/** A Secret's value as text; undefined when the key is missing or empty. */
export function secretText(secret: Secret | undefined, key: string): string | undefined {
  const encoded = secret?.data?.[key];
  return encoded === undefined || encoded === '' ? undefined : Buffer.from(encoded, 'base64').toString('utf8');
}

/** Text encoded for a Secret's data. */
export function base64(text: string): string {
  return Buffer.from(text).toString('base64');
}
