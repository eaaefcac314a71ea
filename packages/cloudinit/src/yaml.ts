import { dump } from 'js-yaml';

// js-yaml's default dump schema quotes every string that any YAML 1.1 or 1.2 resolver would read as something
// else (yes, 0400, 1:20, ~), which matters because cloud-init reads the document with PyYAML (YAML 1.1).
// No folding (lineWidth -1) so scripts and PEM blocks stay byte-identical; no anchors (noRefs).
export function toYaml(value: unknown): string {
  return dump(value, { lineWidth: -1, noRefs: true });
}

/** Same value with the keys of every mapping in code-point order, for output that must not depend on input order. */
export function withSortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withSortedKeys);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, withSortedKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}
