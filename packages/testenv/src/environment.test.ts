import { pinnedVersions } from './binaries';
import { sharedEnvironment } from './environment';
import { createTestNamespace } from './namespaces';
import { clusterApiServesClusters, crdRoundTrip, garbageCollection, serverVersion } from './proofs';

describe('the shared test environment', () => {
  const environment = sharedEnvironment();
  const kubeConfig = environment.kubeConfig();

  it('serves the pinned, version-stamped Kubernetes release', async () => {
    expect(await serverVersion(kubeConfig)).toBe(pinnedVersions.kubernetes);
    expect(environment.versions).toEqual({
      kubernetes: pinnedVersions.kubernetes,
      etcd: pinnedVersions.etcd,
      clusterApi: pinnedVersions.clusterApi,
    });
  });

  it('stores custom resources and applies their schema defaults', async () => {
    const namespace = await createTestNamespace(kubeConfig, 'crd');
    expect(await crdRoundTrip(kubeConfig, namespace)).toEqual({ colour: 'blue', size: 3 });
  });

  it('garbage-collects an owned Secret after its owner is deleted', async () => {
    const namespace = await createTestNamespace(kubeConfig, 'gc');
    expect(await garbageCollection(kubeConfig, namespace)).toBeGreaterThanOrEqual(0);
  });

  it("runs CAPI's webhooks and controllers for Cluster objects", async () => {
    const namespace = await createTestNamespace(kubeConfig, 'capi');
    const observation = await clusterApiServesClusters(kubeConfig, namespace);
    expect(observation.rejection).toContain('one of spec.controlPlaneRef, spec.infrastructureRef or spec.topology must be set');
    expect(observation.finalizers).toContain('cluster.cluster.x-k8s.io');
    expect(observation.phase).toBeTruthy();
  });
});
