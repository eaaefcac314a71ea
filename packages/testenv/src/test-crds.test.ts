import { contractCrd, OPEN_SCHEMA, testCrd, testInfrastructureProvider } from './test-crds';

describe('testCrd', () => {
  it('defaults to one namespaced v1alpha1 with an open schema and a status subresource', () => {
    expect(testCrd({ group: 'example.test', kind: 'Widget' })).toEqual({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.test' },
      spec: {
        group: 'example.test',
        scope: 'Namespaced',
        names: { kind: 'Widget', listKind: 'WidgetList', plural: 'widgets', singular: 'widget' },
        versions: [{ name: 'v1alpha1', served: true, storage: true, subresources: { status: {} }, schema: { openAPIV3Schema: OPEN_SCHEMA } }],
      },
    });
  });

  it('stores exactly one version: the one marked, else the first', () => {
    const storage = (crd: ReturnType<typeof testCrd>) => (crd['spec'] as { versions: { name: string; storage: boolean }[] }).versions.filter((version) => version.storage).map((version) => version.name);
    expect(storage(testCrd({ group: 'g', kind: 'K', versions: [{ name: 'v1' }, { name: 'v2' }] }))).toEqual(['v1']);
    expect(storage(testCrd({ group: 'g', kind: 'K', versions: [{ name: 'v1' }, { name: 'v2', storage: true }] }))).toEqual(['v2']);
  });

  it('takes a plural, a scope, a schema without status subresource and a conversion stanza', () => {
    const schema = { type: 'object', properties: { spec: { type: 'object' } } };
    const crd = testCrd({ group: 'g', kind: 'Mouse', plural: 'mice', scope: 'Cluster', versions: [{ name: 'v1', schema, status: false }], conversion: { strategy: 'None' } });
    expect(crd.metadata.name).toBe('mice.g');
    expect(crd['spec']).toMatchObject({ scope: 'Cluster', versions: [{ name: 'v1', schema: { openAPIV3Schema: schema } }], conversion: { strategy: 'None' } });
    expect((crd['spec'] as { versions: object[] }).versions[0]).not.toHaveProperty('subresources');
  });
});

describe('testInfrastructureProvider', () => {
  it('gives every stand-in kind a CRD carrying the Cluster API contract label', () => {
    const provider = testInfrastructureProvider('infrastructure.example.test');
    expect(provider.kinds.infrastructureMachine).toEqual({ apiVersion: 'infrastructure.example.test/v1alpha1', kind: 'TestInfraMachine' });
    expect(provider.crds.map((crd) => crd.metadata.name)).toEqual([
      'testinfraclusters.infrastructure.example.test',
      'testinframachines.infrastructure.example.test',
      'testinframachinetemplates.infrastructure.example.test',
      'testinframachinepools.infrastructure.example.test',
    ]);
    expect(provider.crds[0]).toEqual(contractCrd('infrastructure.example.test', 'TestInfraCluster'));
    expect(provider.crds.every((crd) => (crd.metadata['labels'] as Record<string, string>)['cluster.x-k8s.io/v1beta2'] === 'v1alpha1')).toBe(true);
  });
});
