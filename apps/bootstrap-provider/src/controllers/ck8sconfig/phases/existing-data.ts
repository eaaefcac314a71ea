import type { ObjectClient } from '@capi-ck8s/runtime';
import { kinds, type CK8sConfigObject } from '../../../kinds';
import { type ConfigOwner, hasBootstrapData } from '../scope';

/**
 * The name of bootstrap data that already exists for this config, so it is recorded rather than generated again:
 * the status says so, the owner already points at a data secret (the objects were moved or restored), or the data
 * secret exists (a previous reconcile created it and its status write was lost, or the cache was behind).
 */
export async function existingDataSecret(client: ObjectClient, config: CK8sConfigObject, owner: ConfigOwner): Promise<string | undefined> {
  if (hasBootstrapData(config)) return config.status?.dataSecretName;
  if (owner.dataSecretName) return owner.dataSecretName;
  const name = config.metadata.name ?? '';
  const secret = await client.find(kinds.secret, { namespace: config.metadata.namespace ?? '', name });
  return secret ? name : undefined;
}
