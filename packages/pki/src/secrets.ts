import type { V1OwnerReference, V1Secret } from '@kubernetes/client-node';
import type { CertificateAndKey } from './certificates';
import { PkiValidationError } from './validation';

export const CLUSTER_NAME_LABEL = 'cluster.x-k8s.io/cluster-name';
export const CLUSTER_SECRET_TYPE = 'cluster.x-k8s.io/secret';
export const TLS_CERT_KEY = 'tls.crt';
export const TLS_KEY_KEY = 'tls.key';
/** Kubeconfig and token secrets keep their payload under this key. */
export const VALUE_KEY = 'value';

/**
 * Suffixes of the secrets upstream names `<cluster>-<purpose>`. Upstream reads only `ca`, `cca` and (external
 * datastore) `etcd` + `apiserver-etcd-client`; `sa` and `proxy` have names but are ignored by its current code.
 */
export type SecretPurpose = 'ca' | 'cca' | 'etcd' | 'apiserver-etcd-client' | 'sa' | 'proxy' | 'kubeconfig' | 'token';

export function clusterSecretName(clusterName: string, purpose: SecretPurpose): string {
  return `${clusterName}-${purpose}`;
}

export interface SecretOwner {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
}

function controllerReference(owner: SecretOwner): V1OwnerReference {
  return { ...owner, controller: true, blockOwnerDeletion: true };
}

const base64 = (text: string): string => Buffer.from(text).toString('base64');

interface ClusterSecretShape {
  clusterName: string;
  namespace: string;
  purpose: SecretPurpose;
  owner: SecretOwner | undefined;
  type: string | undefined;
  data: Record<string, string>;
}

/** Every cluster secret: `<cluster>-<purpose>`, the cluster-name label, the owner as controller when there is one. */
function clusterSecret(shape: ClusterSecretShape): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: clusterSecretName(shape.clusterName, shape.purpose),
      namespace: shape.namespace,
      labels: { [CLUSTER_NAME_LABEL]: shape.clusterName },
      ...(shape.owner ? { ownerReferences: [controllerReference(shape.owner)] } : {}),
    },
    ...(shape.type ? { type: shape.type } : {}),
    data: Object.fromEntries(Object.entries(shape.data).map(([key, value]) => [key, base64(value)])),
  };
}

export interface CertificateSecretOptions {
  clusterName: string;
  namespace: string;
  purpose: Extract<SecretPurpose, 'ca' | 'cca' | 'proxy' | 'etcd' | 'apiserver-etcd-client'>;
  material: CertificateAndKey;
  /** The controller that generated the material; user-created secrets have none. */
  owner?: SecretOwner;
}

/** A generated certificate secret as upstream writes it: keys tls.crt/tls.key, type cluster.x-k8s.io/secret. */
export function certificateSecret(options: CertificateSecretOptions): V1Secret {
  return clusterSecret({
    ...options,
    owner: options.owner,
    type: CLUSTER_SECRET_TYPE,
    data: { [TLS_CERT_KEY]: options.material.certPem, [TLS_KEY_KEY]: options.material.keyPem },
  });
}

export interface KubeconfigSecretOptions {
  clusterName: string;
  namespace: string;
  kubeconfig: string;
  owner: SecretOwner;
}

/** `<cluster>-kubeconfig`, key `value`; upstream leaves its type unset (Opaque). */
export function kubeconfigSecret(options: KubeconfigSecretOptions): V1Secret {
  return clusterSecret({ ...options, purpose: 'kubeconfig', type: undefined, data: { [VALUE_KEY]: options.kubeconfig } });
}

/** The key under which `<cluster>-token` holds a machine's node token. */
export function nodeTokenKey(machineName: string): string {
  return `node-token-${machineName}`;
}

export interface TokenSecretOptions {
  clusterName: string;
  namespace: string;
  /** The cluster auth token (see randomToken), stored under `value`. */
  authToken: string;
  owner: SecretOwner;
}

/** `<cluster>-token`: the cluster auth token under `value`; node tokens are added later under nodeTokenKey(machine). */
export function tokenSecret(options: TokenSecretOptions): V1Secret {
  return clusterSecret({ ...options, purpose: 'token', type: CLUSTER_SECRET_TYPE, data: { [VALUE_KEY]: options.authToken } });
}

function secretField(secret: V1Secret, key: string): string {
  return `secret ${secret.metadata?.namespace ?? ''}/${secret.metadata?.name ?? ''} data["${key}"]`;
}

/** Decodes one data key; a missing or empty key is an error naming the secret and the key. */
export function secretValue(secret: V1Secret, key: string): string {
  const encoded = secret.data?.[key];
  if (encoded === undefined || encoded === '') throw new PkiValidationError(secretField(secret, key), 'is missing or empty');
  return Buffer.from(encoded, 'base64').toString('utf8');
}

/** The field names of a certificate secret, for PkiValidationError messages. */
export function certificateSecretFields(secret: V1Secret): { certificate: string; key: string } {
  return { certificate: secretField(secret, TLS_CERT_KEY), key: secretField(secret, TLS_KEY_KEY) };
}

export function certificateFromSecret(secret: V1Secret): CertificateAndKey {
  return { certPem: secretValue(secret, TLS_CERT_KEY), keyPem: secretValue(secret, TLS_KEY_KEY) };
}
