import type { V1Secret } from '@kubernetes/client-node';
import { certificateSecretFields, type SecretPurpose, secretValue, TLS_CERT_KEY, TLS_KEY_KEY } from './secrets';
import {
  checkCertificateAuthority,
  checkCertificateAuthorityCertificate,
  type CheckedCertificate,
  checkLeafCertificate,
  checkServiceAccountKeyPair,
  parsePrivateKey,
  requireRsaKey,
} from './validation';

export type CheckedSecretPurpose = Exclude<SecretPurpose, 'kubeconfig' | 'token'>;

export interface CheckedClusterSecret {
  purpose: CheckedSecretPurpose;
  /** Absent for `sa`, which holds a key pair rather than a certificate. */
  certificate?: CheckedCertificate;
}

function optionalValue(secret: V1Secret, key: string): string | undefined {
  const encoded = secret.data?.[key];
  return encoded === undefined || encoded === '' ? undefined : Buffer.from(encoded, 'base64').toString('utf8');
}

/**
 * Checks a user-created `<cluster>-<purpose>` secret before any of it reaches a node, with errors naming the secret
 * key and the rule: `ca`, `cca`, `proxy` are CAs with RSA keys; `etcd` is the external datastore's CA (key optional);
 * `apiserver-etcd-client` a client certificate chaining to `etcd` when given; `sa` an RSA key pair.
 */
export function checkClusterSecret(
  purpose: CheckedSecretPurpose,
  secret: V1Secret,
  options: { now?: Date; etcdCaPem?: string } = {},
): CheckedClusterSecret {
  const now = options.now ?? new Date();
  const fields = certificateSecretFields(secret);
  switch (purpose) {
    case 'ca':
    case 'cca':
    case 'proxy': {
      const material = { certPem: secretValue(secret, TLS_CERT_KEY), keyPem: secretValue(secret, TLS_KEY_KEY) };
      requireRsaKey(parsePrivateKey(material.keyPem, fields.key), fields.key);
      return { purpose, certificate: checkCertificateAuthority(material, fields, now) };
    }
    case 'etcd': {
      const certPem = secretValue(secret, TLS_CERT_KEY);
      const keyPem = optionalValue(secret, TLS_KEY_KEY);
      const certificate = keyPem === undefined
        ? checkCertificateAuthorityCertificate(certPem, fields.certificate, now)
        : checkCertificateAuthority({ certPem, keyPem }, fields, now);
      return { purpose, certificate };
    }
    case 'apiserver-etcd-client': {
      const material = { certPem: secretValue(secret, TLS_CERT_KEY), keyPem: secretValue(secret, TLS_KEY_KEY) };
      const issuer = options.etcdCaPem === undefined ? {} : { issuerPem: options.etcdCaPem };
      return { purpose, certificate: checkLeafCertificate(material, fields, { ...issuer, now }) };
    }
    case 'sa': {
      const privateKeyPem = secretValue(secret, TLS_KEY_KEY);
      const publicKeyPem = optionalValue(secret, TLS_CERT_KEY);
      const { privateKey } = checkServiceAccountKeyPair(
        { privateKeyPem, ...(publicKeyPem === undefined ? {} : { publicKeyPem }) },
        { publicKey: fields.certificate, privateKey: fields.key },
      );
      requireRsaKey(privateKey, fields.key);
      return { purpose };
    }
  }
}
