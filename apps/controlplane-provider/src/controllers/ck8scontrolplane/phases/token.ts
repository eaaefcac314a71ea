// `<cluster>-token`: the cluster auth token (key `value`) every k8sd call of the providers presents; the first node
// registers it with k8sd. The bootstrap provider adds one node token per machine to the same Secret.
import { clusterObjectNames, clusterSecretType, labels, secretValueKey } from '@capi-ck8s/api';
import { randomToken } from '@capi-ck8s/pki';
import { isAlreadyExists, withOwnerReference } from '@capi-ck8s/runtime';
import { base64, kinds, type Secret, secretText } from '../../../kinds';
import type { Pass, ReconcileDependencies } from '../dependencies';

/** The cluster auth token, creating the Secret if missing; an existing Secret gets the control plane as an owner. */
export async function clusterAuthToken(deps: ReconcileDependencies, pass: Pass): Promise<string> {
  const key = { namespace: pass.namespace, name: clusterObjectNames.token(pass.clusterName) };
  const existing = await deps.client.find(kinds.secret, key);
  if (existing) {
    const token = secretText(existing, secretValueKey);
    if (!token) throw new Error(`Secret ${key.namespace}/${key.name} has no "${secretValueKey}" key; delete it so that a new cluster token is generated`);
    await deps.client.patch(existing, withOwnerReference(existing, pass.controlPlane));
    return token;
  }
  const token = randomToken();
  const secret: Secret = withOwnerReference(
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { ...key, labels: { [labels.clusterName]: pass.clusterName } },
      type: clusterSecretType,
      data: { [secretValueKey]: base64(token) },
    },
    pass.controlPlane,
  );
  try {
    await deps.client.create(secret);
    return token;
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
    return clusterAuthToken(deps, pass);
  }
}
