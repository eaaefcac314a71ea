import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';

export interface KubernetesManifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

function isManifest(value: unknown): value is KubernetesManifest {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<KubernetesManifest>;
  return typeof candidate.apiVersion === 'string' && typeof candidate.kind === 'string';
}

/** Reads every YAML document from a file, or from each *.yaml / *.yml / *.json file of a folder (sorted). */
export function readManifests(path: string): KubernetesManifest[] {
  if (statSync(path).isDirectory()) {
    return readdirSync(path)
      .filter((entry) => /\.(ya?ml|json)$/.test(entry))
      .sort()
      .flatMap((entry) => readManifests(join(path, entry)));
  }
  return loadAll(readFileSync(path, 'utf8')).filter(isManifest);
}
