import { randomBytes } from 'node:crypto';
import { CoreV1Api, CustomObjectsApi, type KubeConfig, VersionApi } from '@kubernetes/client-node';
import { installCrds } from './crds';
import { testCrd } from './test-crds';
import { createTestNamespace, deleteTestNamespace } from './namespaces';
import { waitFor } from './processes';

// Each proof exercises one real behaviour of the environment end to end and throws with an explanation when the
// behaviour is missing; `npm run env:check` and the smoke tests run the same proofs.

export async function serverVersion(kubeConfig: KubeConfig): Promise<string> {
  const info = await kubeConfig.makeApiClient(VersionApi).getCode();
  return info.gitVersion;
}

const WIDGET_CRD = testCrd({
  group: 'testenv.capi-ck8s.io',
  kind: 'Widget',
  versions: [
    {
      name: 'v1',
      status: false,
      schema: {
        type: 'object',
        properties: { spec: { type: 'object', properties: { size: { type: 'integer', default: 3 }, colour: { type: 'string' } } } },
      },
    },
  ],
});

/** Installs a CRD, creates an object, and returns it as read back (with the schema default applied). */
export async function crdRoundTrip(kubeConfig: KubeConfig, namespace: string): Promise<Record<string, unknown>> {
  await installCrds(kubeConfig, [WIDGET_CRD]);
  const api = kubeConfig.makeApiClient(CustomObjectsApi);
  const target = { group: 'testenv.capi-ck8s.io', version: 'v1', namespace, plural: 'widgets' };
  await api.createNamespacedCustomObject({
    ...target,
    body: { apiVersion: 'testenv.capi-ck8s.io/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { colour: 'blue' } },
  });
  const stored = (await api.getNamespacedCustomObject({ ...target, name: 'w' })) as { spec: Record<string, unknown> };
  return stored.spec;
}

/** Deletes an owner and returns how long kube-controller-manager took to garbage-collect its dependent Secret. */
export async function garbageCollection(kubeConfig: KubeConfig, namespace: string): Promise<number> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const owner = await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'owner' } } });
  await core.createNamespacedSecret({
    namespace,
    body: {
      metadata: {
        name: 'owned',
        ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata?.uid ?? '' }],
      },
      stringData: { token: 'x' },
    },
  });
  const started = Date.now();
  await core.deleteNamespacedConfigMap({ namespace, name: 'owner' });
  await waitFor(
    'the owned Secret to be garbage-collected',
    async () => {
      try {
        await core.readNamespacedSecret({ namespace, name: 'owned' });
        return undefined;
      } catch (error) {
        if ((error as { code?: number }).code === 404) return true;
        throw error;
      }
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );
  return Date.now() - started;
}

export interface ClusterApiObservation {
  /** The message CAPI's validating webhook returned for a Cluster that names neither infrastructure nor control plane. */
  rejection: string;
  /** Finalizers and phase the CAPI Cluster controller set on a valid Cluster. */
  finalizers: string[];
  phase: string;
}

/** A CAPI Cluster goes through CAPI's webhooks (an invalid one is refused) and is reconciled by CAPI's controller. */
export async function clusterApiServesClusters(kubeConfig: KubeConfig, namespace: string): Promise<ClusterApiObservation> {
  const api = kubeConfig.makeApiClient(CustomObjectsApi);
  const target = { group: 'cluster.x-k8s.io', version: 'v1beta2', namespace, plural: 'clusters' };
  const cluster = (name: string, spec: object) => ({
    apiVersion: 'cluster.x-k8s.io/v1beta2',
    kind: 'Cluster',
    metadata: { name },
    spec,
  });
  let rejection = '';
  try {
    await api.createNamespacedCustomObject({
      ...target,
      body: cluster('invalid', { clusterNetwork: { pods: { cidrBlocks: ['10.1.0.0/16'] } } }),
    });
  } catch (error) {
    rejection = String((error as { body?: unknown }).body ?? error);
  }
  if (!rejection.includes('admission webhook')) {
    throw new Error(`CAPI's webhook did not refuse an invalid Cluster (got: ${rejection || 'created'})`);
  }
  const name = `c-${randomBytes(3).toString('hex')}`;
  await api.createNamespacedCustomObject({
    ...target,
    body: cluster(name, {
      infrastructureRef: { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'ProofCluster', name },
    }),
  });
  return waitFor(
    `CAPI to reconcile Cluster ${name}`,
    async () => {
      const current = (await api.getNamespacedCustomObject({ ...target, name })) as {
        metadata: { finalizers?: string[] };
        status?: { phase?: string };
      };
      const phase = current.status?.phase;
      const finalizers = current.metadata.finalizers ?? [];
      return phase && finalizers.length > 0 ? { rejection, finalizers, phase } : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 250 },
  );
}

export interface CheckReport {
  kubernetes: string;
  widgetSize: unknown;
  garbageCollectionMs: number;
  clusterApi: ClusterApiObservation;
}

export async function checkEnvironment(kubeConfig: KubeConfig): Promise<CheckReport> {
  const namespace = await createTestNamespace(kubeConfig, 'env-check');
  try {
    const kubernetes = await serverVersion(kubeConfig);
    const widget = await crdRoundTrip(kubeConfig, namespace);
    const garbageCollectionMs = await garbageCollection(kubeConfig, namespace);
    const clusterApi = await clusterApiServesClusters(kubeConfig, namespace);
    return { kubernetes, widgetSize: widget['size'], garbageCollectionMs, clusterApi };
  } finally {
    await deleteTestNamespace(kubeConfig, namespace);
  }
}
