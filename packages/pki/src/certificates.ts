// One X.509 path for every key algorithm: @peculiar/x509 builds the certificate and signs it through WebCrypto, so
// signing (like key generation) runs natively off the event loop. node-forge, used before, signs in synchronous
// JavaScript (~26 ms per RSA-2048 signature measured on the 2-CPU development machine, Node 24) and cannot build
// ECDSA certificates at all.
import { createPrivateKey, type KeyObject, randomBytes, type webcrypto } from 'node:crypto';
import { DEFAULT_KEY_ALGORITHM, generatePrivateKey, type KeyAlgorithm, privateKeyToPem } from './keys';
import { x509 } from './x509-library';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Certificates start slightly in the past so a peer whose clock runs behind still accepts them (as upstream does). */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;

export interface CertificateAndKey {
  certPem: string;
  keyPem: string;
}

export type ExtendedKeyUsage = 'serverAuth' | 'clientAuth';

export interface CertificateAuthorityOptions {
  commonName: string;
  organizations?: string[];
  validityDays?: number;
  now?: Date;
  algorithm?: KeyAlgorithm;
  /** A CA that may only sign leaves (pathlen 0), as upstream's cluster CAs; omit for no limit. */
  maxPathLength?: number;
  /** Signs this CA with another CA (an intermediate) instead of self-signing it. */
  issuer?: CertificateAndKey;
}

export interface LeafCertificateOptions {
  issuer: CertificateAndKey;
  commonName: string;
  organizations?: string[];
  dnsNames?: string[];
  ipAddresses?: string[];
  usages: ExtendedKeyUsage[];
  validityDays?: number;
  now?: Date;
  /** Defaults to now minus the clock skew allowance. */
  notBefore?: Date;
  algorithm?: KeyAlgorithm;
}

interface SigningParameters {
  importAlgorithm: webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams;
  signingAlgorithm: webcrypto.Algorithm | webcrypto.EcdsaParams;
}

/** The WebCrypto parameters for a key; refuses the keys Kubernetes tooling would not accept either. */
export function signingParameters(key: KeyObject): SigningParameters {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') {
    const bits = details.modulusLength ?? 0;
    if (bits < 2048) throw new Error(`RSA key of ${bits} bits is too short: at least 2048 bits are required`);
    const rsa = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    return { importAlgorithm: rsa, signingAlgorithm: rsa };
  }
  if (key.asymmetricKeyType === 'ec' && details.namedCurve === 'prime256v1') {
    return {
      importAlgorithm: { name: 'ECDSA', namedCurve: 'P-256' },
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    };
  }
  if (key.asymmetricKeyType === 'ec' && details.namedCurve === 'secp384r1') {
    return {
      importAlgorithm: { name: 'ECDSA', namedCurve: 'P-384' },
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-384' },
    };
  }
  const curve = details.namedCurve ? ` (${details.namedCurve})` : '';
  throw new Error(
    `unsupported key type ${key.asymmetricKeyType ?? 'unknown'}${curve}: RSA (2048 bits or more) or ECDSA P-256/P-384 keys are required`,
  );
}

/** Public keys stay extractable: the key identifiers are hashes of their encoding. */
function toCryptoKey(key: KeyObject, usage: 'sign' | 'verify'): webcrypto.CryptoKey {
  return key.toCryptoKey(signingParameters(key).importAlgorithm, usage === 'verify', [usage]);
}

/** A positive serial of 127 random bits: the high bit is cleared so DER does not read it as negative. */
function randomSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('hex');
}

/** keyEncipherment means something for RSA keys only (key transport); Go and openssl leave it off EC keys. */
function signatureUsages(key: KeyObject): number {
  const rsa = key.asymmetricKeyType === 'rsa';
  return x509.KeyUsageFlags.digitalSignature | (rsa ? x509.KeyUsageFlags.keyEncipherment : 0);
}

/** Organization before common name, the order Go's pkix.Name writes and `openssl x509 -subject` shows. */
function distinguishedName(commonName: string, organizations: string[] = []): x509.JsonName {
  return [...(organizations.length > 0 ? [{ O: organizations }] : []), { CN: [commonName] }];
}

interface SignOptions {
  subject: x509.JsonName;
  subjectPublicKey: KeyObject;
  /** Absent for a self-signed certificate, which is then signed with `selfSigningKey`. */
  issuer: CertificateAndKey | undefined;
  selfSigningKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  extensions: x509.Extension[];
}

async function sign(options: SignOptions): Promise<string> {
  const publicKey = toCryptoKey(options.subjectPublicKey, 'verify');
  const issuerCertificate = options.issuer ? new x509.X509Certificate(options.issuer.certPem) : undefined;
  const signingKey = options.issuer ? createPrivateKey(options.issuer.keyPem) : options.selfSigningKey;
  const keyIdentifiers: x509.Extension[] = [await x509.SubjectKeyIdentifierExtension.create(publicKey)];
  if (issuerCertificate) {
    // The issuer's own identifier, whichever way it was computed (user-supplied CAs may use another method).
    const issuerKeyId = issuerCertificate.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
    keyIdentifiers.push(
      issuerKeyId
        ? new x509.AuthorityKeyIdentifierExtension(issuerKeyId)
        : await x509.AuthorityKeyIdentifierExtension.create(issuerCertificate.publicKey),
    );
  }
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialNumber(),
    subject: options.subject,
    issuer: issuerCertificate ? issuerCertificate.subjectName : options.subject,
    notBefore: options.notBefore,
    notAfter: options.notAfter,
    publicKey,
    signingKey: toCryptoKey(signingKey, 'sign'),
    signingAlgorithm: signingParameters(signingKey).signingAlgorithm,
    extensions: [...options.extensions, ...keyIdentifiers],
  });
  // PEM files end with a newline (as Go writes them), so bundles can be built by concatenation.
  return `${certificate.toString('pem').trimEnd()}\n`;
}

/**
 * A certificate authority. Upstream's cluster CAs are self-signed, valid ten years, pathlen 0, with key usages
 * keyEncipherment, digitalSignature and keyCertSign; upstream uses serial number 0 for every CA, which we do not copy:
 * two CAs with the same subject and serial confuse TLS stacks that index certificates by issuer and serial.
 */
export async function createCertificateAuthority(options: CertificateAuthorityOptions): Promise<CertificateAndKey> {
  const now = options.now ?? new Date();
  const keys = await generatePrivateKey(options.algorithm ?? DEFAULT_KEY_ALGORITHM);
  const certPem = await sign({
    subject: distinguishedName(options.commonName, options.organizations),
    subjectPublicKey: keys.publicKey,
    issuer: options.issuer,
    selfSigningKey: keys.privateKey,
    notBefore: new Date(now.getTime() - CLOCK_SKEW_MS),
    notAfter: new Date(now.getTime() + (options.validityDays ?? 3650) * DAY_MS),
    extensions: [
      new x509.BasicConstraintsExtension(true, options.maxPathLength, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | signatureUsages(keys.publicKey), true),
    ],
  });
  return { certPem, keyPem: privateKeyToPem(keys.privateKey) };
}

const EXTENDED_KEY_USAGE_OIDS: Record<ExtendedKeyUsage, string> = {
  serverAuth: x509.ExtendedKeyUsage.serverAuth,
  clientAuth: x509.ExtendedKeyUsage.clientAuth,
};

export async function issueCertificate(options: LeafCertificateOptions): Promise<CertificateAndKey> {
  const now = options.now ?? new Date();
  const keys = await generatePrivateKey(options.algorithm ?? DEFAULT_KEY_ALGORITHM);
  const alternativeNames: x509.JsonGeneralName[] = [
    ...(options.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(options.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  const certPem = await sign({
    subject: distinguishedName(options.commonName, options.organizations),
    subjectPublicKey: keys.publicKey,
    issuer: options.issuer,
    selfSigningKey: keys.privateKey,
    notBefore: options.notBefore ?? new Date(now.getTime() - CLOCK_SKEW_MS),
    notAfter: new Date(now.getTime() + (options.validityDays ?? 365) * DAY_MS),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(signatureUsages(keys.publicKey), true),
      new x509.ExtendedKeyUsageExtension(options.usages.map((usage) => EXTENDED_KEY_USAGE_OIDS[usage])),
      ...(alternativeNames.length > 0 ? [new x509.SubjectAlternativeNameExtension(alternativeNames)] : []),
    ],
  });
  return { certPem, keyPem: privateKeyToPem(keys.privateKey) };
}
