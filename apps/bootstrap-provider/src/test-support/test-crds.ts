// Stand-in infrastructure and control plane kinds for integration tests: the test itself plays those providers by
// writing their status. They follow the Cluster API v1beta2 contract (CRD label, status.initialization).

function testCrd(group: string, kind: string, plural: string): object {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}`, labels: { 'cluster.x-k8s.io/v1beta2': 'v1alpha1' } },
    spec: {
      group,
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

export const testInfrastructureGroup = 'infrastructure.test.capi-ck8s.io';
export const testControlPlaneGroup = 'controlplane.test.capi-ck8s.io';

export const testKinds = {
  infrastructureCluster: { apiVersion: `${testInfrastructureGroup}/v1alpha1`, kind: 'TestInfraCluster' },
  infrastructureMachine: { apiVersion: `${testInfrastructureGroup}/v1alpha1`, kind: 'TestInfraMachine' },
  infrastructureMachinePool: { apiVersion: `${testInfrastructureGroup}/v1alpha1`, kind: 'TestInfraMachinePool' },
  infrastructureMachineTemplate: { apiVersion: `${testInfrastructureGroup}/v1alpha1`, kind: 'TestInfraMachineTemplate' },
  controlPlane: { apiVersion: `${testControlPlaneGroup}/v1alpha1`, kind: 'TestControlPlane' },
} as const;

export const testCrds = [
  testCrd(testInfrastructureGroup, 'TestInfraCluster', 'testinfraclusters'),
  testCrd(testInfrastructureGroup, 'TestInfraMachine', 'testinframachines'),
  testCrd(testInfrastructureGroup, 'TestInfraMachineTemplate', 'testinframachinetemplates'),
  testCrd(testInfrastructureGroup, 'TestInfraMachinePool', 'testinframachinepools'),
  testCrd(testControlPlaneGroup, 'TestControlPlane', 'testcontrolplanes'),
];
