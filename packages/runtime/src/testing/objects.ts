import type { KubeObject, OwnerReference } from '../objects';

/** A ConfigMap-like object for tests. */
export function object(name: string, options: { namespace?: string; resourceVersion?: string; labels?: Record<string, string>; owners?: OwnerReference[]; generation?: number; annotations?: Record<string, string> } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name,
      namespace: options.namespace ?? 'ns',
      uid: `uid-${name}`,
      resourceVersion: options.resourceVersion ?? '1',
      ...(options.generation === undefined ? {} : { generation: options.generation }),
      ...(options.labels ? { labels: options.labels } : {}),
      ...(options.annotations ? { annotations: options.annotations } : {}),
      ...(options.owners ? { ownerReferences: options.owners } : {}),
    },
  };
}
