import { type Cache, formatKey } from '@capi-ck8s/runtime';
import { kinds, type CK8sConfigObject, type MachineObject, type MachinePoolObject } from '../../../kinds';
import { configOfMachine, configOfMachinePool } from '../watches';
import { type ConfigOwner, machineOwner, machinePoolOwner, ownerReferenceOf } from '../scope';

/** Index of Machines and MachinePools by the "namespace/name" of the CK8sConfig they bootstrap from. */
export const BOOTSTRAP_CONFIG_INDEX = 'bootstrapConfig';

export function indexOwnersByConfig(cache: Cache): void {
  cache.addIndex(kinds.machine, BOOTSTRAP_CONFIG_INDEX, (machine) => configOfMachine(machine as MachineObject).map(formatKey));
  cache.addIndex(kinds.machinePool, BOOTSTRAP_CONFIG_INDEX, (pool) => configOfMachinePool(pool as MachinePoolObject).map(formatKey));
}

/**
 * The Machine or MachinePool the config belongs to, from the cache. Cluster API sets the owner reference only on
 * its next pass over the Machine (about two seconds after creation here); until then the one Machine or MachinePool
 * whose bootstrap.configRef names the config is its owner just as surely, so bootstrapping need not wait. Undefined
 * when neither exists (the config is enqueued again when one appears) or the reference is ambiguous.
 */
export function findConfigOwner(cache: Cache, config: CK8sConfigObject): ConfigOwner | undefined {
  const namespace = config.metadata.namespace ?? '';
  const reference = ownerReferenceOf(config);
  if (reference) {
    const key = { namespace, name: reference.name };
    if (reference.kind === 'Machine') {
      const machine = cache.get(kinds.machine, key);
      return machine ? machineOwner(machine) : undefined;
    }
    const pool = cache.get(kinds.machinePool, key);
    return pool ? machinePoolOwner(pool) : undefined;
  }
  const index = { name: BOOTSTRAP_CONFIG_INDEX, value: formatKey({ namespace, name: config.metadata.name ?? '' }) };
  const referencing = [...cache.list(kinds.machine, { index }).map(machineOwner), ...cache.list(kinds.machinePool, { index }).map(machinePoolOwner)];
  return referencing.length === 1 ? referencing[0] : undefined;
}
