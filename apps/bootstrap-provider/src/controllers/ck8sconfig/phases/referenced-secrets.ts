// Secrets the spec points at (file contents, the user's bootstrap config, external datastore material), read
// before rendering because the renderer is pure.
import {
  ck8sConfigReasons,
  clusterObjectNames,
  type CK8sConfigSpec,
  isEtcdManaged,
  type SecretKeyReference,
} from '@capi-ck8s/api';
import type { ExternalDatastore, SecretValueLookup } from '@capi-ck8s/cloudinit';
import type { ObjectClient } from '@capi-ck8s/runtime';
import { kinds, type Secret, secretText } from '../../../kinds';
import { Waiting } from '../dependencies';
import type { Scope } from '../scope';

/** User-created secrets are not watched; look again after this long. */
const USER_SECRET_RETRY_MS = 30_000;

export function referencedSecretNames(spec: CK8sConfigSpec, includeBootstrapConfig: boolean): string[] {
  const references: SecretKeyReference[] = [
    ...(spec.files ?? []).flatMap((file) => (file.contentFrom ? [file.contentFrom.secret] : [])),
    ...(includeBootstrapConfig && spec.bootstrapConfig?.contentFrom ? [spec.bootstrapConfig.contentFrom.secret] : []),
  ];
  return [...new Set(references.map((reference) => reference.name))];
}

/** Reads the named secrets of the namespace; a missing one yields undefined values, which the renderer reports. */
export async function secretValueLookup(client: ObjectClient, namespace: string, names: readonly string[]): Promise<SecretValueLookup> {
  const secrets = new Map<string, Secret | undefined>();
  await Promise.all(names.map(async (name) => secrets.set(name, await client.find(kinds.secret, { namespace, name }))));
  return (reference) => secretText(secrets.get(reference.name), reference.key);
}

const defaultServersKey = 'servers';

async function requiredText(client: ObjectClient, namespace: string, name: string, key: string, purpose: string): Promise<string> {
  const value = secretText(await client.find(kinds.secret, { namespace, name }), key);
  if (value === undefined) {
    throw new Waiting(
      ck8sConfigReasons.dataSecretGenerationFailed,
      `waiting for Secret ${namespace}/${name} with key "${key}" (${purpose}); create it to bootstrap with an external datastore`,
      USER_SECRET_RETRY_MS,
    );
  }
  return value;
}

/** The user-provided material of an external datastore, or undefined with managed etcd. */
export async function externalDatastore(client: ObjectClient, scope: Scope): Promise<ExternalDatastore | undefined> {
  if (isEtcdManaged(scope.spec)) return undefined;
  const { namespace, clusterName } = scope;
  const reference = scope.spec.controlPlane?.datastoreServersSecretRef;
  if (!reference?.name) {
    throw new Waiting(
      ck8sConfigReasons.dataSecretGenerationFailed,
      'spec.controlPlane.datastoreServersSecretRef must name the Secret listing the external datastore servers',
    );
  }
  const serversKey = reference.key || defaultServersKey;
  const etcdCa = clusterObjectNames.etcdCertificateAuthority(clusterName);
  const etcdClient = clusterObjectNames.apiServerEtcdClient(clusterName);
  const [servers, caCertPem, certPem, keyPem] = await Promise.all([
    requiredText(client, namespace, reference.name, serversKey, 'comma-separated datastore servers'),
    requiredText(client, namespace, etcdCa, 'tls.crt', 'the datastore CA certificate'),
    requiredText(client, namespace, etcdClient, 'tls.crt', 'the datastore client certificate'),
    requiredText(client, namespace, etcdClient, 'tls.key', 'the datastore client key'),
  ]);
  return {
    servers: servers.split(',').map((server) => server.trim()).filter((server) => server !== ''),
    caCertPem,
    client: { certPem, keyPem },
  };
}
