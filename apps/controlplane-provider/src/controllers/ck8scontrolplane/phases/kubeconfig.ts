// `<cluster>-kubeconfig`: the workload cluster's admin kubeconfig (key `value`, type cluster.x-k8s.io/secret,
// cluster-name label, controlled by the control plane). Like KCP, the client certificate is re-issued once half of
// its life has passed, a Secret left by an earlier owner of the cluster (owned by the Cluster only) is adopted, and
// a Secret the user owns is never touched.
import { ck8sControlPlaneConditions, clusterObjectNames, clusterSecretType, labels, secretValueKey } from '@capi-ck8s/api';
import { issueAdminClientCertificate, kubeconfigServer, needsRotation, parseKubeconfig, renderKubeconfig } from '@capi-ck8s/pki';
import { controllerOf, isAlreadyExists, isControlledBy, mutableCopy, withControllerReference } from '@capi-ck8s/runtime';
import { base64, kinds, type Secret, secretText } from '../../../kinds';
import type { Pass, PhaseWait, ReconcileDependencies } from '../dependencies';
import type { ClusterAuthorities } from './certificates';

export type KubeconfigOutcome = 'created' | 'rotated' | 'adopted' | 'current' | 'userManaged';

const ENDPOINT_RETRY_MS = 5_000;

/** The API endpoint of the workload cluster, set by the infrastructure provider or the user on the Cluster. */
export function controlPlaneEndpoint(pass: Pass): { host: string; port: number } | PhaseWait {
  const endpoint = pass.cluster.spec?.controlPlaneEndpoint;
  if (endpoint?.host && endpoint.port) return { host: endpoint.host, port: endpoint.port };
  return {
    condition: ck8sControlPlaneConditions.available,
    reason: 'WaitingForControlPlaneEndpoint',
    message: `waiting for Cluster ${pass.clusterName} to get spec.controlPlaneEndpoint (host and port), which the infrastructure provider sets`,
    retryAfterMs: ENDPOINT_RETRY_MS,
  };
}

async function renderFor(pass: Pass, authorities: ClusterAuthorities, endpoint: { host: string; port: number }, now: Date): Promise<string> {
  const client = await issueAdminClientCertificate({ clientCa: authorities.clientCa, now });
  return renderKubeconfig({
    clusterName: pass.clusterName,
    server: kubeconfigServer(endpoint.host, endpoint.port),
    caCertPem: authorities.ca.certPem,
    client,
  });
}

function adoptable(secret: Secret, pass: Pass): boolean {
  const owners = secret.metadata.ownerReferences ?? [];
  return controllerOf(secret) === undefined && owners.length > 0 && owners.every((owner) => owner.kind === 'Cluster' && owner.name === pass.clusterName);
}

export async function reconcileKubeconfig(
  deps: ReconcileDependencies,
  pass: Pass,
  authorities: ClusterAuthorities,
  endpoint: { host: string; port: number },
): Promise<KubeconfigOutcome> {
  const key = { namespace: pass.namespace, name: clusterObjectNames.kubeconfig(pass.clusterName) };
  const now = new Date(deps.clock.now());
  const existing = await deps.client.find(kinds.secret, key);
  if (!existing) {
    const secret: Secret = withControllerReference(
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { ...key, labels: { [labels.clusterName]: pass.clusterName } },
        type: clusterSecretType,
        data: { [secretValueKey]: base64(await renderFor(pass, authorities, endpoint, now)) },
      },
      pass.controlPlane,
    );
    try {
      await deps.client.create(secret);
      return 'created';
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
      return 'current';
    }
  }
  const adopt = adoptable(existing, pass);
  if (!adopt && !isControlledBy(existing, pass.controlPlane)) return 'userManaged';
  let rotate = false;
  try {
    rotate = needsRotation(parseKubeconfig(secretText(existing, secretValueKey) ?? '').client.certPem, now);
  } catch {
    // An unreadable kubeconfig of ours is replaced rather than left broken.
    rotate = true;
  }
  if (!adopt && !rotate) return 'current';
  const updated = mutableCopy(existing);
  updated.metadata.ownerReferences = (existing.metadata.ownerReferences ?? []).filter((owner) => !(adopt && owner.kind === 'Cluster'));
  const owned = withControllerReference(updated, pass.controlPlane);
  owned.metadata.labels = { ...owned.metadata.labels, [labels.clusterName]: pass.clusterName };
  if (rotate) owned.data = { ...owned.data, [secretValueKey]: base64(await renderFor(pass, authorities, endpoint, now)) };
  await deps.client.patch(existing, owned, { optimisticLock: true });
  return rotate ? 'rotated' : 'adopted';
}
