// Stand-in infrastructure and control plane kinds for integration tests: the test itself plays those providers by
// writing their status. They follow the Cluster API v1beta2 contract (CRD label, status.initialization).
import { contractCrd, testInfrastructureProvider } from '@capi-ck8s/testenv';

const testInfrastructureGroup = 'infrastructure.test.capi-ck8s.io';
const testControlPlaneGroup = 'controlplane.test.capi-ck8s.io';

const infrastructure = testInfrastructureProvider(testInfrastructureGroup);

export const testKinds = {
  ...infrastructure.kinds,
  controlPlane: { apiVersion: `${testControlPlaneGroup}/v1alpha1`, kind: 'TestControlPlane' },
} as const;

export const testCrds = [...infrastructure.crds, contractCrd(testControlPlaneGroup, testKinds.controlPlane.kind)];
