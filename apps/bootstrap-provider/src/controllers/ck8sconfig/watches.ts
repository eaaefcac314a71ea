// Which CK8sConfigs an event on another kind concerns. Pure functions over cached objects.
import { bootstrapGroup, clusterObjectNames, labels } from '@capi-ck8s/api';
import { CLUSTER_NAME_INDEX, formatKey, type ObjectKey, type StoreReader } from '@capi-ck8s/runtime';
import type { CK8sConfigObject, MachineObject, MachinePoolObject, Secret } from '../../kinds';

type ConfigReference = { apiGroup: string; kind: string; name: string } | undefined;

function configKey(namespace: string | undefined, reference: ConfigReference): ObjectKey[] {
  if (!reference || reference.kind !== 'CK8sConfig' || reference.apiGroup !== bootstrapGroup) return [];
  return [{ namespace: namespace ?? '', name: reference.name }];
}

/** A Machine's own config (its bootstrap.configRef). */
export function configOfMachine(machine: MachineObject): ObjectKey[] {
  return configKey(machine.metadata.namespace, machine.spec.bootstrap.configRef);
}

export function configOfMachinePool(pool: MachinePoolObject): ObjectKey[] {
  return configKey(pool.metadata.namespace, pool.spec.template.spec.bootstrap.configRef);
}

/** Every config of a cluster: those labelled with it, and those its Machines point at (the label may lag). */
export function configsOfCluster(
  namespace: string,
  clusterName: string,
  configs: StoreReader<CK8sConfigObject>,
  machines: StoreReader<MachineObject>,
): ObjectKey[] {
  const indexValue = formatKey({ namespace, name: clusterName });
  const keys = [
    ...configs.byIndex(CLUSTER_NAME_INDEX, indexValue).map((config) => ({ namespace, name: config.metadata.name ?? '' })),
    ...machines.byIndex(CLUSTER_NAME_INDEX, indexValue).flatMap(configOfMachine),
  ];
  return [...new Map(keys.map((key) => [formatKey(key), key])).values()];
}

/** The cluster whose configs wait for this secret: the cluster token and the workload kubeconfig. */
export function clusterWaitingForSecret(secret: Secret): string | undefined {
  const clusterName = secret.metadata.labels?.[labels.clusterName];
  if (!clusterName) return undefined;
  const name = secret.metadata.name;
  return name === clusterObjectNames.token(clusterName) || name === clusterObjectNames.kubeconfig(clusterName) ? clusterName : undefined;
}
