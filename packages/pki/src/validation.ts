import { createPrivateKey, createPublicKey, type KeyObject, X509Certificate } from 'node:crypto';
import { signingParameters } from './certificates';
import { x509 } from './x509-library';

/** User-supplied material that cannot be used; `field` names where it came from, `rule` what it broke. */
export class PkiValidationError extends Error {
  constructor(
    readonly field: string,
    readonly rule: string,
  ) {
    super(`${field}: ${rule}`);
    this.name = 'PkiValidationError';
  }
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Every certificate of a PEM bundle, in order; a bundle with anything unparsable is refused as a whole. */
export function parseCertificateBundle(pem: string, field: string): X509Certificate[] {
  const blocks = pem.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) throw new PkiValidationError(field, 'must contain at least one PEM CERTIFICATE block');
  return blocks.map((block, index) => {
    try {
      return new X509Certificate(block);
    } catch (error) {
      throw new PkiValidationError(field, `certificate #${index + 1} is not valid X.509: ${(error as Error).message}`);
    }
  });
}

export function parsePrivateKey(pem: string, field: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (error) {
    throw new PkiValidationError(field, `is not a PEM private key: ${(error as Error).message}`);
  }
  try {
    signingParameters(key);
  } catch (error) {
    throw new PkiValidationError(field, (error as Error).message);
  }
  return key;
}

function describe(certificate: X509Certificate): string {
  return `"${certificate.subject.replaceAll('\n', ', ')}"`;
}

function checkValidityWindow(certificate: X509Certificate, field: string, now: Date): void {
  if (now < certificate.validFromDate) {
    throw new PkiValidationError(field, `certificate ${describe(certificate)} is not valid before ${certificate.validFromDate.toISOString()}`);
  }
  if (now > certificate.validToDate) {
    throw new PkiValidationError(field, `certificate ${describe(certificate)} expired at ${certificate.validToDate.toISOString()}`);
  }
}

function checkCanSignCertificates(certificate: X509Certificate, field: string): void {
  if (!certificate.ca) {
    throw new PkiValidationError(field, `certificate ${describe(certificate)} is not a CA (basicConstraints CA:TRUE is required)`);
  }
  const keyUsage = new x509.X509Certificate(certificate.raw).getExtension(x509.KeyUsagesExtension);
  if (keyUsage && (keyUsage.usages & x509.KeyUsageFlags.keyCertSign) === 0) {
    throw new PkiValidationError(field, `certificate ${describe(certificate)} key usage does not allow keyCertSign`);
  }
}

/** Each certificate must be issued and signed by the next one, which must be a CA: leaf/intermediate first, root last. */
function checkChain(chain: X509Certificate[], field: string, now: Date): void {
  chain.forEach((certificate, index) => {
    checkValidityWindow(certificate, field, now);
    const issuer = chain[index + 1];
    if (!issuer) return;
    checkCanSignCertificates(issuer, field);
    if (!certificate.checkIssued(issuer) || !certificate.verify(issuer.publicKey)) {
      throw new PkiValidationError(
        field,
        `certificate #${index + 1} ${describe(certificate)} is not signed by certificate #${index + 2} ${describe(issuer)}`,
      );
    }
  });
}

export interface MaterialFields {
  /** Shown in errors, e.g. `secret default/demo-ca data["tls.crt"]`. */
  certificate: string;
  key: string;
}

export interface CheckedCertificate {
  /** The first certificate of the bundle: the one the key belongs to. */
  certificate: X509Certificate;
  chain: X509Certificate[];
}

function checkKeyMatches(certificate: X509Certificate, key: KeyObject, fields: MaterialFields): void {
  if (!certificate.checkPrivateKey(key)) {
    throw new PkiValidationError(fields.key, `private key does not match the certificate in ${fields.certificate}`);
  }
}

/**
 * A user-supplied CA (`<cluster>-ca`, `-cca`, `-proxy`, `-etcd`): its key matches the first certificate, which is a
 * CA in its validity window; further certificates in the bundle must form its chain (an intermediate CA followed by
 * the CAs above it).
 */
export function checkCertificateAuthority(
  material: { certPem: string; keyPem: string },
  fields: MaterialFields,
  now: Date = new Date(),
): CheckedCertificate {
  const chain = parseCertificateBundle(material.certPem, fields.certificate);
  const [certificate] = chain as [X509Certificate, ...X509Certificate[]];
  checkCanSignCertificates(certificate, fields.certificate);
  checkChain(chain, fields.certificate, now);
  checkKeyMatches(certificate, parsePrivateKey(material.keyPem, fields.key), fields);
  return { certificate, chain };
}

/** A CA whose key stays elsewhere (an external etcd's CA): only the certificate and its chain are checked. */
export function checkCertificateAuthorityCertificate(certPem: string, field: string, now: Date = new Date()): CheckedCertificate {
  const chain = parseCertificateBundle(certPem, field);
  const [certificate] = chain as [X509Certificate, ...X509Certificate[]];
  checkCanSignCertificates(certificate, field);
  checkChain(chain, field, now);
  return { certificate, chain };
}

/** A client or serving certificate with its key, optionally required to chain to a given CA. */
export function checkLeafCertificate(
  material: { certPem: string; keyPem: string },
  fields: MaterialFields,
  options: { issuerPem?: string; now?: Date } = {},
): CheckedCertificate {
  const now = options.now ?? new Date();
  const chain = parseCertificateBundle(material.certPem, fields.certificate);
  const [certificate] = chain as [X509Certificate, ...X509Certificate[]];
  checkChain(chain, fields.certificate, now);
  checkKeyMatches(certificate, parsePrivateKey(material.keyPem, fields.key), fields);
  if (options.issuerPem !== undefined) {
    const issuer = new X509Certificate(options.issuerPem);
    const top = chain[chain.length - 1] ?? certificate;
    const trusted = top.fingerprint256 === issuer.fingerprint256 || (top.checkIssued(issuer) && top.verify(issuer.publicKey));
    if (!trusted) {
      throw new PkiValidationError(fields.certificate, `certificate ${describe(certificate)} does not chain to CA ${describe(issuer)}`);
    }
  }
  return { certificate, chain };
}

/**
 * The service-account signing key pair (`<cluster>-sa`, CAPI's convention: public key PEM in `tls.crt`, private key in
 * `tls.key`); the public key, when given, must be the private key's.
 */
export function checkServiceAccountKeyPair(
  material: { publicKeyPem?: string; privateKeyPem: string },
  fields: { publicKey: string; privateKey: string },
): { privateKey: KeyObject } {
  const privateKey = parsePrivateKey(material.privateKeyPem, fields.privateKey);
  if (material.publicKeyPem !== undefined) {
    let publicKey: KeyObject;
    try {
      publicKey = createPublicKey(material.publicKeyPem);
    } catch (error) {
      throw new PkiValidationError(fields.publicKey, `is not a PEM public key: ${(error as Error).message}`);
    }
    const derived = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
    if (!derived.equals(publicKey.export({ type: 'spki', format: 'der' }))) {
      throw new PkiValidationError(fields.publicKey, `public key does not match the private key in ${fields.privateKey}`);
    }
  }
  return { privateKey };
}

/**
 * k8s-snap loads the cluster CAs, front-proxy CA and service-account key it is given with an RSA-only loader
 * (pkiutil.LoadCertificate / LoadRSAPrivateKey), so material handed to nodes must use RSA keys.
 */
export function requireRsaKey(key: KeyObject, field: string): void {
  if (key.asymmetricKeyType !== 'rsa') {
    throw new PkiValidationError(field, `k8s-snap accepts only RSA keys here, got ${key.asymmetricKeyType ?? 'unknown'}`);
  }
}
