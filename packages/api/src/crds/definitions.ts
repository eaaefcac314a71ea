// CustomResourceDefinitions built from the same TypeBox schemas the TypeScript types and ajv validators come from.
import type { TSchema } from '@sinclair/typebox';
import {
  apiVersionName,
  bootstrapProviderLabelValue,
  ck8sConfigResource,
  ck8sConfigTemplateResource,
  ck8sControlPlaneResource,
  ck8sControlPlaneTemplateResource,
  controlPlaneProviderLabelValue,
  labels,
} from '../constants';
import type { ResourceNames } from '../constants';
import { CK8sConfig, CK8sConfigTemplate } from '../schema/ck8sconfig';
import { CK8sControlPlane, CK8sControlPlaneTemplate } from '../schema/ck8scontrolplane';
import { openApiSchemaOf } from '../schema/openapi';

export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'boolean' | 'date' | 'number';
  jsonPath: string;
  description: string;
  priority?: number;
}

export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    group: string;
    names: { kind: string; listKind: string; plural: string; singular: string; categories: string[] };
    scope: 'Namespaced';
    versions: {
      name: string;
      served: true;
      storage: true;
      schema: { openAPIV3Schema: Record<string, unknown> };
      subresources?: {
        status?: Record<string, never>;
        scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath: string };
      };
      additionalPrinterColumns: PrinterColumn[];
    }[];
  };
}

export type ProviderKind = 'bootstrap' | 'controlplane';

interface CrdSource {
  provider: ProviderKind;
  names: ResourceNames;
  schema: TSchema;
  status: boolean;
  scale: boolean;
  columns: PrinterColumn[];
}

const ageColumn: PrinterColumn = {
  name: 'Age',
  type: 'date',
  jsonPath: '.metadata.creationTimestamp',
  description: 'Time since the object was created',
};

const clusterColumn: PrinterColumn = {
  name: 'Cluster',
  type: 'string',
  jsonPath: `.metadata.labels['${labels.clusterName.replace(/\./g, '\\.')}']`,
  description: 'Cluster the object belongs to',
};

const sources: CrdSource[] = [
  {
    provider: 'bootstrap',
    names: ck8sConfigResource,
    schema: CK8sConfig,
    status: true,
    scale: false,
    columns: [
      clusterColumn,
      {
        name: 'Data Secret Created',
        type: 'boolean',
        jsonPath: '.status.initialization.dataSecretCreated',
        description: 'Whether the bootstrap data secret exists',
      },
      {
        name: 'Data Secret',
        type: 'string',
        jsonPath: '.status.dataSecretName',
        description: 'Name of the bootstrap data secret',
        priority: 1,
      },
      ageColumn,
    ],
  },
  {
    provider: 'bootstrap',
    names: ck8sConfigTemplateResource,
    schema: CK8sConfigTemplate,
    status: false,
    scale: false,
    columns: [ageColumn],
  },
  {
    provider: 'controlplane',
    names: ck8sControlPlaneResource,
    schema: CK8sControlPlane,
    status: true,
    scale: true,
    // The upstream columns first, with the same names and paths, so `kubectl get` output stays familiar.
    columns: [
      {
        name: 'Initialized',
        type: 'boolean',
        jsonPath: '.status.initialized',
        description: 'Whether the control plane has been initialized',
      },
      {
        name: 'API Server Available',
        type: 'boolean',
        jsonPath: '.status.ready',
        description: 'Whether the API server has served requests',
      },
      { name: 'Version', type: 'string', jsonPath: '.spec.version', description: 'Desired Kubernetes version' },
      {
        name: 'Replicas',
        type: 'integer',
        jsonPath: '.status.replicas',
        description: 'Control plane machines that exist',
      },
      {
        name: 'Ready',
        type: 'integer',
        jsonPath: '.status.readyReplicas',
        description: 'Control plane machines that are ready',
      },
      {
        name: 'Updated',
        type: 'integer',
        jsonPath: '.status.updatedReplicas',
        description: 'Control plane machines that match the desired spec',
      },
      {
        name: 'Unavailable',
        type: 'integer',
        jsonPath: '.status.unavailableReplicas',
        description: 'Control plane machines that are not ready',
      },
      {
        name: 'Available',
        type: 'integer',
        jsonPath: '.status.availableReplicas',
        description: 'Control plane machines that are available',
        priority: 1,
      },
      { ...clusterColumn, priority: 1 },
      ageColumn,
    ],
  },
  {
    provider: 'controlplane',
    names: ck8sControlPlaneTemplateResource,
    schema: CK8sControlPlaneTemplate,
    status: false,
    scale: false,
    columns: [ageColumn],
  },
];

const providerLabel: Record<ProviderKind, string> = {
  bootstrap: bootstrapProviderLabelValue,
  controlplane: controlPlaneProviderLabelValue,
};

function crdOf(source: CrdSource): CustomResourceDefinition {
  const { names } = source;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${names.plural}.${names.group}`,
      labels: {
        // Contract labels: the CRD version Cluster API uses for each contract version.
        'cluster.x-k8s.io/v1beta1': apiVersionName,
        'cluster.x-k8s.io/v1beta2': apiVersionName,
        [labels.clusterctl]: '',
        [labels.provider]: providerLabel[source.provider],
      },
    },
    spec: {
      group: names.group,
      names: {
        kind: names.kind,
        listKind: names.listKind,
        plural: names.plural,
        singular: names.singular,
        categories: ['cluster-api'],
      },
      scope: 'Namespaced',
      versions: [
        {
          name: names.version,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: openApiSchemaOf(source.schema) },
          ...(source.status || source.scale
            ? {
                subresources: {
                  ...(source.status ? { status: {} } : {}),
                  ...(source.scale
                    ? {
                        scale: {
                          specReplicasPath: '.spec.replicas',
                          statusReplicasPath: '.status.replicas',
                          labelSelectorPath: '.status.selector',
                        },
                      }
                    : {}),
                },
              }
            : {}),
          additionalPrinterColumns: source.columns,
        },
      ],
    },
  };
}

export interface ProviderCrd {
  provider: ProviderKind;
  crd: CustomResourceDefinition;
}

export function providerCrds(): ProviderCrd[] {
  return sources.map((source) => ({ provider: source.provider, crd: crdOf(source) }));
}
