// <cluster>-token: the cluster auth token (key `value`, written by the control plane provider) and one node token
// per machine (key node-token-<machine>, added here), which k8sd uses to authenticate per-node calls.
import { ck8sConfigReasons, clusterObjectNames, nodeTokenKey, secretValueKey } from '@capi-ck8s/api';
import { randomToken } from '@capi-ck8s/pki';
import { mutableCopy, type ObjectClient } from '@capi-ck8s/runtime';
import { base64, kinds, type Secret, secretText } from '../../../kinds';
import { Waiting } from '../dependencies';
import type { Scope } from '../scope';

/** The token secret is created by the control plane provider; a Secret watch wakes waiting configs when it appears. */
const TOKEN_RETRY_MS = 30_000;

export interface ClusterTokens {
  secret: Secret;
  authToken: string;
}

export async function clusterTokens(client: ObjectClient, scope: Scope): Promise<ClusterTokens> {
  const name = clusterObjectNames.token(scope.clusterName);
  const secret = await client.find(kinds.secret, { namespace: scope.namespace, name });
  const authToken = secretText(secret, secretValueKey);
  if (!secret || !authToken) {
    throw new Waiting(
      ck8sConfigReasons.waitingForControlPlaneAvailable,
      `waiting for Secret ${scope.namespace}/${name} with key "${secretValueKey}" (the cluster auth token), which the control plane provider creates`,
      TOKEN_RETRY_MS,
    );
  }
  return { secret, authToken };
}

/** The owner's node token, added to the token secret if missing (optimistically locked: a conflict is retried). */
export async function ensureNodeToken(client: ObjectClient, tokens: ClusterTokens, ownerName: string): Promise<string> {
  const key = nodeTokenKey(ownerName);
  const existing = secretText(tokens.secret, key);
  if (existing) return existing;
  const token = randomToken();
  const updated = mutableCopy(tokens.secret);
  updated.data = { ...updated.data, [key]: base64(token) };
  await client.patch(tokens.secret, updated, { optimisticLock: true });
  return token;
}
