import { testCrd } from '@capi-ck8s/testenv';
import type { Condition } from '../conditions';
import { kindRef, type KubeObject } from '../objects';

/** A small namespaced CRD with a status subresource, for integration tests of controllers and status writes. */
export type Widget = KubeObject & {
  spec: { size: number };
  status?: { observedGeneration?: number; configMapName?: string; conditions?: Condition[] };
};

export const WIDGET = kindRef<Widget>('widgets.runtime-test.capi-ck8s.io/v1', 'Widget');

export const widgetCrd = testCrd({
  group: 'widgets.runtime-test.capi-ck8s.io',
  kind: 'Widget',
  versions: [
    {
      name: 'v1',
      schema: {
        type: 'object',
        properties: {
          spec: { type: 'object', properties: { size: { type: 'integer' } } },
          status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        },
      },
    },
  ],
});
