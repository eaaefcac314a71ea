import type { Cache } from '@capi-ck8s/runtime';
import { kinds, type CK8sConfigObject } from '../../../kinds';
import { type ConfigOwner, machineOwner, machinePoolOwner, ownerReferenceOf } from '../scope';

/**
 * The Machine or MachinePool the config belongs to, from the cache; undefined until Cluster API has set the owner
 * reference (the config is enqueued again when it does) or when the owner is gone.
 */
export function findConfigOwner(cache: Cache, config: CK8sConfigObject): ConfigOwner | undefined {
  const reference = ownerReferenceOf(config);
  if (!reference) return undefined;
  const key = { namespace: config.metadata.namespace ?? '', name: reference.name };
  if (reference.kind === 'Machine') {
    const machine = cache.get(kinds.machine, key);
    return machine ? machineOwner(machine) : undefined;
  }
  const pool = cache.get(kinds.machinePool, key);
  return pool ? machinePoolOwner(pool) : undefined;
}
