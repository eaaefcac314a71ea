import type { Condition } from '../conditions';
import { kindRef, type KubeObject } from '../objects';

/** A small namespaced CRD with a status subresource, for integration tests of controllers and status writes. */
export type Widget = KubeObject & {
  spec: { size: number };
  status?: { observedGeneration?: number; configMapName?: string; conditions?: Condition[] };
};

export const WIDGET = kindRef<Widget>('widgets.runtime-test.capi-ck8s.io/v1', 'Widget');

export const widgetCrd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.widgets.runtime-test.capi-ck8s.io' },
  spec: {
    group: 'widgets.runtime-test.capi-ck8s.io',
    names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: { type: 'object', properties: { size: { type: 'integer' } } },
              status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            },
          },
        },
      },
    ],
  },
};
