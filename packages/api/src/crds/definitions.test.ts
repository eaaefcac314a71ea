import { providerCrds } from './definitions';
import type { CustomResourceDefinition } from './definitions';

// Keys an apiextensions.k8s.io/v1 JSONSchemaProps may carry; anything else (TypeBox's `const`, `patternProperties`,
// `$id`...) would be rejected or silently lost by the apiserver.
const jsonSchemaPropsKeys = new Set([
  'description', 'type', 'format', 'title', 'default', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum',
  'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'multipleOf', 'enum', 'maxProperties',
  'minProperties', 'required', 'items', 'allOf', 'oneOf', 'anyOf', 'not', 'properties', 'additionalProperties',
  'nullable', 'example', 'externalDocs', 'x-kubernetes-int-or-string', 'x-kubernetes-map-type',
  'x-kubernetes-list-type', 'x-kubernetes-list-map-keys', 'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-embedded-resource', 'x-kubernetes-validations',
]);

type SchemaNode = Record<string, unknown>;

interface Problem {
  path: string;
  problem: string;
}

function childNodes(node: SchemaNode, path: string): [string, SchemaNode][] {
  const children: [string, SchemaNode][] = [];
  for (const [name, value] of Object.entries((node.properties ?? {}) as Record<string, SchemaNode>)) {
    children.push([`${path}.${name}`, value]);
  }
  if (typeof node.items === 'object') children.push([`${path}[]`, node.items as SchemaNode]);
  if (typeof node.additionalProperties === 'object') {
    children.push([`${path}{}`, node.additionalProperties as SchemaNode]);
  }
  return children;
}

function structuralProblems(node: SchemaNode, path: string, describedParent: boolean): Problem[] {
  const problems: Problem[] = [];
  for (const key of Object.keys(node)) {
    if (!jsonSchemaPropsKeys.has(key)) problems.push({ path, problem: `unsupported keyword ${key}` });
  }
  const intOrString = node['x-kubernetes-int-or-string'] === true;
  if (node.type === undefined && !intOrString) problems.push({ path, problem: 'no type' });
  if (node.anyOf !== undefined && !intOrString) problems.push({ path, problem: 'anyOf outside int-or-string' });
  const isMetadata = path === '.metadata';
  if (describedParent && !isMetadata && node.description === undefined) {
    problems.push({ path, problem: 'no description for kubectl explain' });
  }
  for (const [childPath, child] of childNodes(node, path)) {
    // Array items and map values are described by their parent field.
    const described = !childPath.endsWith('[]') && !childPath.endsWith('{}');
    problems.push(...structuralProblems(child, childPath, described));
  }
  return problems;
}

const crds = providerCrds().map(({ crd }) => crd);
const byKind = (kind: string): CustomResourceDefinition => {
  const crd = crds.find((candidate) => candidate.spec.names.kind === kind);
  if (!crd) throw new Error(`no CRD for ${kind}`);
  return crd;
};
const schemaOf = (kind: string) => byKind(kind).spec.versions[0]!.schema.openAPIV3Schema;

function nodeAt(root: SchemaNode, path: string[]): SchemaNode {
  return path.reduce<SchemaNode>((node, name) => {
    const next = (node.properties as Record<string, SchemaNode> | undefined)?.[name];
    if (!next) throw new Error(`no property ${name} in schema`);
    return next;
  }, root);
}

describe('generated CRDs', () => {
  it.each(crds.map((crd) => [crd.metadata.name, crd] as const))(
    '%s is a structural schema with a description on every field',
    (_name, crd) => {
      expect(structuralProblems(crd.spec.versions[0]!.schema.openAPIV3Schema, '', false)).toEqual([]);
    },
  );

  it.each([
    ['CK8sConfig', 'ck8sconfigs.bootstrap.cluster.x-k8s.io', 'bootstrap-ck8s'],
    ['CK8sConfigTemplate', 'ck8sconfigtemplates.bootstrap.cluster.x-k8s.io', 'bootstrap-ck8s'],
    ['CK8sControlPlane', 'ck8scontrolplanes.controlplane.cluster.x-k8s.io', 'control-plane-ck8s'],
    ['CK8sControlPlaneTemplate', 'ck8scontrolplanetemplates.controlplane.cluster.x-k8s.io', 'control-plane-ck8s'],
  ])('%s is named %s and carries the contract, clusterctl and provider labels', (kind, name, provider) => {
    const crd = byKind(kind);
    expect(crd.metadata.name).toBe(name);
    expect(crd.metadata.labels).toEqual({
      'cluster.x-k8s.io/v1beta1': 'v1beta2',
      'cluster.x-k8s.io/v1beta2': 'v1beta2',
      'clusterctl.cluster.x-k8s.io': '',
      'cluster.x-k8s.io/provider': provider,
    });
    expect(crd.spec.scope).toBe('Namespaced');
    expect(crd.spec.versions.map((version) => version.name)).toEqual(['v1beta2']);
  });

  it('gives CK8sControlPlane status and scale subresources on the replica fields', () => {
    expect(byKind('CK8sControlPlane').spec.versions[0]!.subresources).toEqual({
      status: {},
      scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' },
    });
  });

  it('gives CK8sConfig a status subresource and the templates none', () => {
    expect(byKind('CK8sConfig').spec.versions[0]!.subresources).toEqual({ status: {} });
    expect(byKind('CK8sConfigTemplate').spec.versions[0]!.subresources).toBeUndefined();
    expect(byKind('CK8sControlPlaneTemplate').spec.versions[0]!.subresources).toBeUndefined();
  });

  it('keeps the upstream printer columns of CK8sControlPlane, in order', () => {
    const columns = byKind('CK8sControlPlane').spec.versions[0]!.additionalPrinterColumns;
    expect(columns.slice(0, 7).map((column) => [column.name, column.jsonPath])).toEqual([
      ['Initialized', '.status.initialized'],
      ['API Server Available', '.status.ready'],
      ['Version', '.spec.version'],
      ['Replicas', '.status.replicas'],
      ['Ready', '.status.readyReplicas'],
      ['Updated', '.status.updatedReplicas'],
      ['Unavailable', '.status.unavailableReplicas'],
    ]);
  });

  it.each([
    ['CK8sConfig', ['spec', 'snapstoreProxyScheme']],
    ['CK8sConfigTemplate', ['spec', 'template', 'spec', 'snapstoreProxyScheme']],
    ['CK8sControlPlane', ['spec', 'spec', 'snapstoreProxyScheme']],
    ['CK8sControlPlaneTemplate', ['spec', 'template', 'spec', 'spec', 'snapstoreProxyScheme']],
  ])('%s defaults the snap store proxy scheme to http at %j', (kind, path) => {
    expect(nodeAt(schemaOf(kind), path)).toMatchObject({ type: 'string', enum: ['http', 'https'], default: 'http' });
  });

  it.each([
    ['CK8sControlPlane', ['spec', 'rolloutStrategy']],
    ['CK8sControlPlaneTemplate', ['spec', 'template', 'spec', 'rolloutStrategy']],
  ])('%s defaults the rollout strategy to maxSurge 1 at %j', (kind, path) => {
    expect(nodeAt(schemaOf(kind), path).default).toEqual({ rollingUpdate: { maxSurge: 1 } });
  });

  it.each([
    ['CK8sControlPlane', ['spec'], 'version'],
    ['CK8sControlPlane', ['spec', 'machineTemplate'], 'infrastructureTemplate'],
    ['CK8sControlPlaneTemplate', ['spec', 'template', 'spec', 'machineTemplate'], 'infrastructureTemplate'],
    ['CK8sConfigTemplate', ['spec'], 'template'],
    ['CK8sConfig', ['spec', 'files'], 'path'],
  ])('%s requires %j.%s like upstream', (kind, path, field) => {
    const node = nodeAt(schemaOf(kind), path);
    const holder = node.type === 'array' ? (node.items as SchemaNode) : node;
    expect(holder.required).toContain(field);
  });

  it.each([
    [['spec', 'ExtraK8sAPIServerProxyArgs']],
    [['spec', 'extraKubeletArgs']],
    [['spec', 'extraKubeProxyArgs']],
    [['spec', 'extraContainerdArgs']],
    [['spec', 'controlPlane', 'extraKubeAPIServerArgs']],
    [['spec', 'controlPlane', 'extraKubeControllerManagerArgs']],
    [['spec', 'controlPlane', 'extraKubeSchedulerArgs']],
  ])('CK8sConfig %j accepts null values (to remove an argument)', (path) => {
    expect(nodeAt(schemaOf('CK8sConfig'), path).additionalProperties).toEqual({ type: 'string', nullable: true });
  });

  // Every JSON field of canonical/cluster-api-k8s v0.6.1, so manifests written for it keep all their settings.
  const upstreamFields: [string, string[], string[]][] = [
    [
      'CK8sConfig',
      ['spec'],
      [
        'version', 'files', 'bootstrapConfig', 'bootCommands', 'preRunCommands', 'additionalUserData',
        'postRunCommands', 'airGapped', 'snapstoreProxyScheme', 'snapstoreProxyDomain', 'snapstoreProxyId',
        'httpsProxy', 'httpProxy', 'noProxy', 'channel', 'revision', 'localPath', 'controlPlane', 'initConfig',
        'nodeName', 'extraKubeProxyArgs', 'extraKubeletArgs', 'extraContainerdArgs', 'ExtraK8sAPIServerProxyArgs',
      ],
    ],
    [
      'CK8sConfig',
      ['spec', 'controlPlane'],
      [
        'extraSANs', 'cloudProvider', 'nodeTaints', 'datastoreType', 'datastoreServersSecretRef', 'etcdPort',
        'etcdPeerPort', 'microclusterAddress', 'microclusterPort', 'extraKubeAPIServerArgs',
        'extraKubeControllerManagerArgs', 'extraKubeSchedulerArgs',
      ],
    ],
    [
      'CK8sConfig',
      ['spec', 'initConfig'],
      [
        'annotations', 'enableDefaultDNS', 'enableDefaultNetwork', 'enableDefaultLoadBalancer',
        'enableDefaultGateway', 'enableDefaultIngress', 'enableDefaultLocalStorage', 'enableDefaultMetricsServer',
      ],
    ],
    ['CK8sConfig', ['spec', 'bootstrapConfig'], ['content', 'contentFrom']],
    ['CK8sConfig', ['spec', 'controlPlane', 'datastoreServersSecretRef'], ['name', 'key']],
    [
      'CK8sControlPlane',
      ['spec'],
      ['replicas', 'version', 'spec', 'rolloutAfter', 'machineTemplate', 'remediationStrategy', 'rolloutStrategy'],
    ],
    [
      'CK8sControlPlane',
      ['spec', 'machineTemplate'],
      ['metadata', 'infrastructureTemplate', 'nodeDrainTimeout', 'nodeVolumeDetachTimeout', 'nodeDeletionTimeout'],
    ],
    [
      'CK8sControlPlane',
      ['spec', 'machineTemplate', 'infrastructureTemplate'],
      ['apiVersion', 'kind', 'name', 'namespace', 'uid', 'resourceVersion', 'fieldPath'],
    ],
    ['CK8sControlPlane', ['spec', 'remediationStrategy'], ['maxRetry', 'retryPeriod', 'minHealthyPeriod']],
    ['CK8sControlPlane', ['spec', 'rolloutStrategy', 'rollingUpdate'], ['maxSurge']],
    [
      'CK8sControlPlaneTemplate',
      ['spec', 'template', 'spec'],
      ['spec', 'rolloutAfter', 'machineTemplate', 'remediationStrategy', 'rolloutStrategy'],
    ],
    ['CK8sConfigTemplate', ['spec', 'template', 'spec'], ['version', 'files', 'ExtraK8sAPIServerProxyArgs']],
  ];

  it.each(upstreamFields)('%s %j declares the upstream fields', (kind, path, fields) => {
    expect(Object.keys(nodeAt(schemaOf(kind), path).properties as object)).toEqual(expect.arrayContaining(fields));
  });

  it('declares each file field of upstream, with the encoding enum', () => {
    const files = nodeAt(schemaOf('CK8sConfig'), ['spec', 'files']);
    const file = files.items as SchemaNode;
    expect(Object.keys(file.properties as object).sort()).toEqual(
      ['content', 'contentFrom', 'encoding', 'owner', 'path', 'permissions'].sort(),
    );
    expect(nodeAt(file, ['encoding']).enum).toEqual(['base64', 'gzip', 'gzip+base64']);
    expect(nodeAt(file, ['contentFrom', 'secret']).required).toEqual(['name', 'key']);
  });
});
