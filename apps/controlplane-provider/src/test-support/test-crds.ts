// Stand-in infrastructure kinds for integration tests: the test plays the infrastructure provider by writing their
// spec.providerID and status. The group is this project's own, so the bootstrap provider's tests, sharing the
// environment, never install over these CRDs.
import { testInfrastructureProvider } from '@capi-ck8s/testenv';

const infrastructure = testInfrastructureProvider('infrastructure.cacpck-test.capi-ck8s.io');

export const testKinds = infrastructure.kinds;

export const testCrds = infrastructure.crds;
