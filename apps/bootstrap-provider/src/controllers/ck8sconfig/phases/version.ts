import { mutableCopy, type ObjectClient } from '@capi-ck8s/runtime';
import type { CK8sConfigObject } from '../../../kinds';
import type { ConfigOwner } from '../scope';

/**
 * Copies the owner's Kubernetes version into an empty spec.version, as upstream does, so the object shows what the
 * node was installed with. The returned object is the stored one.
 */
export async function recordOwnerVersion(client: ObjectClient, config: CK8sConfigObject, owner: ConfigOwner): Promise<CK8sConfigObject> {
  if (config.spec?.version || !owner.version) return config;
  const updated = mutableCopy(config);
  updated.spec = { ...updated.spec, version: owner.version };
  return client.patch(config, updated, { optimisticLock: true });
}
