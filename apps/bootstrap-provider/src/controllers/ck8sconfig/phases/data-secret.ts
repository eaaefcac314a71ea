import { clusterSecretType, labels, secretValueKey } from '@capi-ck8s/api';
import { isAlreadyExists, type ObjectClient, withControllerReference } from '@capi-ck8s/runtime';
import { base64, type CK8sConfigObject, type Secret } from '../../../kinds';

/** The bootstrap data secret of the CAPI contract: named after the config, controlled by it, labelled with the cluster. */
export function dataSecretFor(config: CK8sConfigObject, clusterName: string, cloudConfig: string): Secret {
  const secret: Secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: config.metadata.name ?? '',
      namespace: config.metadata.namespace ?? '',
      labels: { [labels.clusterName]: clusterName },
    },
    type: clusterSecretType,
    data: { [secretValueKey]: base64(cloudConfig), format: base64('cloud-config') },
  };
  return withControllerReference(secret, config);
}

/**
 * Creates the data secret. One that already exists is kept as it is (bootstrap data is never regenerated: a node
 * may already have booted from it), and its name is returned all the same.
 */
export async function storeDataSecret(client: ObjectClient, secret: Secret): Promise<string> {
  try {
    await client.create(secret);
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
  }
  return secret.metadata.name ?? '';
}
