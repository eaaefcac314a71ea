import { generateKeyPair as generateKeyPairCallback, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';

const generateKeyPair = promisify(generateKeyPairCallback);

const DAY_MS = 24 * 60 * 60 * 1000;
/** Certificates start slightly in the past so a peer whose clock runs behind still accepts them. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

export interface KeyPairPem {
  /** PKCS#1 PEM (`RSA PRIVATE KEY`), the form CAPI and k8s-snap store in `tls.key`. */
  privateKeyPem: string;
  publicKeyPem: string;
}

export interface CertificateAndKey {
  certPem: string;
  keyPem: string;
}

export type ExtendedKeyUsage = 'serverAuth' | 'clientAuth';

/** RSA key generation runs on libuv's thread pool so it never stalls the event loop. */
export async function generateRsaKeyPair(bits = 2048): Promise<KeyPairPem> {
  const { privateKey, publicKey } = await generateKeyPair('rsa', {
    modulusLength: bits,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

export interface CertificateAuthorityOptions {
  commonName: string;
  organizations?: string[];
  validityDays?: number;
  now?: Date;
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
}

function subjectAttributes(commonName: string, organizations: string[] = []): forge.pki.CertificateField[] {
  return [
    ...organizations.map((value) => ({ shortName: 'O', value })),
    { shortName: 'CN', value: commonName },
  ];
}

function randomSerialNumber(): string {
  // A positive 127-bit serial: the high bit is cleared so DER does not read it as negative.
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('hex');
}

function validity(certificate: forge.pki.Certificate, now: Date, days: number): void {
  certificate.validity.notBefore = new Date(now.getTime() - CLOCK_SKEW_MS);
  certificate.validity.notAfter = new Date(now.getTime() + days * DAY_MS);
}

function sign(certificate: forge.pki.Certificate, signerKeyPem: string): string {
  certificate.sign(forge.pki.privateKeyFromPem(signerKeyPem), forge.md.sha256.create());
  return forge.pki.certificateToPem(certificate);
}

export async function createCertificateAuthority(options: CertificateAuthorityOptions): Promise<CertificateAndKey> {
  const keys = await generateRsaKeyPair();
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
  certificate.serialNumber = randomSerialNumber();
  validity(certificate, options.now ?? new Date(), options.validityDays ?? 3650);
  const subject = subjectAttributes(options.commonName, options.organizations);
  certificate.setSubject(subject);
  certificate.setIssuer(subject);
  certificate.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  return { certPem: sign(certificate, keys.privateKeyPem), keyPem: keys.privateKeyPem };
}

export async function issueCertificate(options: LeafCertificateOptions): Promise<CertificateAndKey> {
  const keys = await generateRsaKeyPair();
  const issuerCertificate = forge.pki.certificateFromPem(options.issuer.certPem);
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
  certificate.serialNumber = randomSerialNumber();
  validity(certificate, options.now ?? new Date(), options.validityDays ?? 365);
  certificate.setSubject(subjectAttributes(options.commonName, options.organizations));
  certificate.setIssuer(issuerCertificate.subject.attributes);
  const altNames = [
    ...(options.dnsNames ?? []).map((value) => ({ type: 2, value })),
    ...(options.ipAddresses ?? []).map((ip) => ({ type: 7, ip })),
  ];
  certificate.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    {
      name: 'extKeyUsage',
      serverAuth: options.usages.includes('serverAuth'),
      clientAuth: options.usages.includes('clientAuth'),
    },
    { name: 'subjectKeyIdentifier' },
    {
      name: 'authorityKeyIdentifier',
      keyIdentifier: issuerCertificate.generateSubjectKeyIdentifier().getBytes(),
    },
    ...(altNames.length > 0 ? [{ name: 'subjectAltName', altNames }] : []),
  ]);
  return { certPem: sign(certificate, options.issuer.keyPem), keyPem: keys.privateKeyPem };
}
