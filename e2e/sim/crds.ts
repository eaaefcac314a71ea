// The SIMULATED infrastructure provider's CRDs, as objects: the YAML under sim/crds/ is written from these
// (`npx tsx e2e/sim/crds/generate.ts`) and a test keeps the two equal. Group infrastructure.cluster.x-k8s.io, like
// Cluster API's own test providers (CAPD's DockerCluster, DevCluster): Cluster API core's RBAC already covers that
// group, so the simulator runs under a stock CAPI install with no aggregated ClusterRole; the Sim* kind names say
// what it is.
import { dump } from 'js-yaml';

export const simGroup = 'infrastructure.cluster.x-k8s.io';
export const simVersion = 'v1beta2';
export const simApiVersion = `${simGroup}/${simVersion}`;
export const simProviderLabel = 'infrastructure-sim';

type Schema = Record<string, unknown>;

const string = (extra: Schema = {}): Schema => ({ type: 'string', ...extra });
const boolean: Schema = { type: 'boolean' };
const object = (properties: Schema, extra: Schema = {}): Schema => ({ type: 'object', properties, ...extra });
const listMap = (key: string, items: Schema, maxItems: number): Schema => ({
  type: 'array',
  maxItems,
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': [key],
  items,
});

const conditions = listMap(
  'type',
  object(
    {
      type: string({ maxLength: 316 }),
      status: string({ enum: ['True', 'False', 'Unknown'] }),
      observedGeneration: { type: 'integer', format: 'int64', minimum: 0 },
      lastTransitionTime: string({ format: 'date-time' }),
      reason: string({ maxLength: 1024 }),
      message: string({ maxLength: 32768 }),
    },
    { required: ['type', 'status', 'lastTransitionTime', 'reason'] },
  ),
  32,
);

const failureDomains = listMap(
  'name',
  object(
    {
      name: string({ minLength: 1, maxLength: 256 }),
      controlPlane: boolean,
      attributes: { type: 'object', additionalProperties: string() },
    },
    { required: ['name'] },
  ),
  100,
);

const simClusterSpec = object({
  controlPlaneEndpoint: object(
    { host: string({ maxLength: 512 }), port: { type: 'integer', format: 'int32', minimum: 1, maximum: 65535 } },
    { description: 'Set by the simulator to 127.0.0.1 and a free port unless given.' },
  ),
  failureDomains: { ...failureDomains, description: 'Simulated failure domains, reported in status.failureDomains.' },
});

const simMachineSpec = object({
  providerID: string({ description: 'sim://<cluster>/<machine>, set by the simulator.', maxLength: 512 }),
  failureDomain: string({ maxLength: 256 }),
});

const simClusterStatus = object({ initialization: object({ provisioned: boolean }), failureDomains, conditions });

const simMachineStatus = object({
  initialization: object({ provisioned: boolean }),
  addresses: {
    type: 'array',
    maxItems: 32,
    items: object(
      { type: string({ enum: ['Hostname', 'ExternalIP', 'InternalIP', 'ExternalDNS', 'InternalDNS'] }), address: string({ maxLength: 256 }) },
      { required: ['type', 'address'] },
    ),
  },
  failureDomain: string(),
  conditions,
});

const template = (spec: Schema): Schema =>
  object({ template: object({ metadata: object({ labels: { type: 'object', additionalProperties: string() }, annotations: { type: 'object', additionalProperties: string() } }), spec }, { required: ['spec'] }) }, { required: ['template'] });

interface SimKind {
  kind: string;
  plural: string;
  description: string;
  spec: Schema;
  status?: Schema;
  printerColumns?: Schema[];
}

const age = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };
const clusterColumn = { name: 'Cluster', type: 'string', jsonPath: '.metadata.labels.cluster\\.x-k8s\\.io/cluster-name' };

const simKinds: SimKind[] = [
  {
    kind: 'SimCluster',
    plural: 'simclusters',
    description: 'SIMULATOR. The infrastructure of a simulated cluster: a loopback control plane endpoint.',
    spec: simClusterSpec,
    status: simClusterStatus,
    printerColumns: [
      clusterColumn,
      { name: 'Host', type: 'string', jsonPath: '.spec.controlPlaneEndpoint.host' },
      { name: 'Port', type: 'integer', jsonPath: '.spec.controlPlaneEndpoint.port' },
      { name: 'Provisioned', type: 'boolean', jsonPath: '.status.initialization.provisioned' },
      age,
    ],
  },
  {
    kind: 'SimMachine',
    plural: 'simmachines',
    description: 'SIMULATOR. A simulated machine: its bootstrap data runs in a sandbox against a simulated node agent.',
    spec: simMachineSpec,
    status: simMachineStatus,
    printerColumns: [
      clusterColumn,
      { name: 'ProviderID', type: 'string', jsonPath: '.spec.providerID' },
      { name: 'Address', type: 'string', jsonPath: '.status.addresses[?(@.type=="InternalIP")].address' },
      { name: 'Provisioned', type: 'boolean', jsonPath: '.status.initialization.provisioned' },
      age,
    ],
  },
  { kind: 'SimMachineTemplate', plural: 'simmachinetemplates', description: 'SIMULATOR. Template of SimMachines.', spec: template(simMachineSpec) },
  { kind: 'SimClusterTemplate', plural: 'simclustertemplates', description: 'SIMULATOR. Template of SimClusters (ClusterClass).', spec: template(simClusterSpec) },
];

export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; labels: Record<string, string> };
  spec: Schema;
  [field: string]: unknown;
}

function crdOf(definition: SimKind): CustomResourceDefinition {
  const properties: Schema = {
    apiVersion: string(),
    kind: string(),
    metadata: { type: 'object' },
    spec: definition.spec,
    ...(definition.status ? { status: definition.status } : {}),
  };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${definition.plural}.${simGroup}`,
      // The contract label tells Cluster API which of our versions implements its v1beta2 contract.
      labels: { 'cluster.x-k8s.io/v1beta2': simVersion, 'cluster.x-k8s.io/provider': simProviderLabel },
    },
    spec: {
      group: simGroup,
      scope: 'Namespaced',
      names: {
        kind: definition.kind,
        listKind: `${definition.kind}List`,
        plural: definition.plural,
        singular: definition.kind.toLowerCase(),
        categories: ['cluster-api'],
      },
      versions: [
        {
          name: simVersion,
          served: true,
          storage: true,
          ...(definition.status ? { subresources: { status: {} } } : {}),
          ...(definition.printerColumns ? { additionalPrinterColumns: definition.printerColumns } : {}),
          schema: { openAPIV3Schema: { type: 'object', description: definition.description, properties, required: ['spec'] } },
        },
      ],
    },
  };
}

export const simCrds: readonly CustomResourceDefinition[] = simKinds.map(crdOf);

/** The YAML files under sim/crds/, by file name. */
export function renderSimCrdFiles(): Map<string, string> {
  const header = '# Generated by `npx tsx e2e/sim/crds/generate.ts` from e2e/sim/crds.ts; do not edit.\n';
  return new Map(simCrds.map((crd) => [`${crd.metadata.name}.yaml`, header + dump(crd, { lineWidth: 120, noRefs: true })]));
}
