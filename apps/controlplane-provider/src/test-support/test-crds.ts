// Stand-in infrastructure kinds for integration tests: the test plays the infrastructure provider by writing their
// spec.providerID and status. They follow the Cluster API v1beta2 contract (CRD label, status.initialization).

export const testInfrastructureGroup = 'infrastructure.cacpck-test.capi-ck8s.io';
export const testInfrastructureApiVersion = `${testInfrastructureGroup}/v1alpha1`;

function testCrd(kind: string, plural: string): object {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${testInfrastructureGroup}`, labels: { 'cluster.x-k8s.io/v1beta2': 'v1alpha1' } },
    spec: {
      group: testInfrastructureGroup,
      scope: 'Namespaced',
      names: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase() },
      versions: [
        {
          name: 'v1alpha1',
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              },
            },
          },
        },
      ],
    },
  };
}

export const testKinds = {
  infrastructureCluster: { apiVersion: testInfrastructureApiVersion, kind: 'TestInfraCluster' },
  infrastructureMachine: { apiVersion: testInfrastructureApiVersion, kind: 'TestInfraMachine' },
  infrastructureMachineTemplate: { apiVersion: testInfrastructureApiVersion, kind: 'TestInfraMachineTemplate' },
} as const;

export const testCrds = [
  testCrd('TestInfraCluster', 'testinfraclusters'),
  testCrd('TestInfraMachine', 'testinframachines'),
  testCrd('TestInfraMachineTemplate', 'testinframachinetemplates'),
];
