import { generateKeyPairSync } from 'node:crypto';
import { type CertificateAndKey, createCertificateAuthority, issueCertificate } from './certificates';
import { generateRsaKeyPair } from './keys';
import {
  checkCertificateAuthority,
  checkCertificateAuthorityCertificate,
  checkLeafCertificate,
  checkServiceAccountKeyPair,
  PkiValidationError,
} from './validation';

const fields = { certificate: 'secret ns/demo-ca data["tls.crt"]', key: 'secret ns/demo-ca data["tls.key"]' };
const DAY_MS = 24 * 60 * 60 * 1000;

let root: CertificateAndKey;
let intermediate: CertificateAndKey;
let otherCa: CertificateAndKey;
let leaf: CertificateAndKey;
let expiredCa: CertificateAndKey;
let futureCa: CertificateAndKey;

beforeAll(async () => {
  [root, otherCa, expiredCa, futureCa] = await Promise.all([
    createCertificateAuthority({ commonName: 'root' }),
    createCertificateAuthority({ commonName: 'other' }),
    createCertificateAuthority({ commonName: 'expired', now: new Date(Date.now() - 20 * 365 * DAY_MS) }),
    createCertificateAuthority({ commonName: 'future', now: new Date(Date.now() + 2 * DAY_MS) }),
  ]);
  intermediate = await createCertificateAuthority({ commonName: 'intermediate', issuer: root, maxPathLength: 0 });
  leaf = await issueCertificate({ issuer: intermediate, commonName: 'leaf', usages: ['clientAuth'] });
});

function rejection(run: () => unknown): { field: string; rule: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof PkiValidationError) return { field: error.field, rule: error.rule };
    throw error;
  }
  throw new Error('expected a PkiValidationError');
}

describe('checkCertificateAuthority', () => {
  it('accepts a generated CA, an intermediate CA alone, and an intermediate CA with its chain', () => {
    expect(checkCertificateAuthority(root, fields).certificate.subject).toBe('CN=root');
    expect(checkCertificateAuthority(intermediate, fields).chain).toHaveLength(1);
    const withChain = { certPem: intermediate.certPem + root.certPem, keyPem: intermediate.keyPem };
    expect(checkCertificateAuthority(withChain, fields).chain.map((c) => c.subject)).toEqual(['CN=intermediate', 'CN=root']);
  });

  it.each<[string, () => CertificateAndKey, string, RegExp]>([
    ['an empty certificate', () => ({ certPem: '', keyPem: root.keyPem }), fields.certificate, /must contain at least one PEM CERTIFICATE block/],
    [
      'a truncated certificate',
      () => ({ certPem: root.certPem.replace(/\n([A-Za-z0-9+/]{64}\n){4}/, '\n'), keyPem: root.keyPem }),
      fields.certificate,
      /certificate #1 is not valid X.509/,
    ],
    ['a corrupted key', () => ({ certPem: root.certPem, keyPem: 'not a key' }), fields.key, /is not a PEM private key/],
    ['a key of another CA', () => ({ certPem: root.certPem, keyPem: otherCa.keyPem }), fields.key, /private key does not match the certificate in secret ns\/demo-ca data\["tls.crt"\]/],
    ['a leaf certificate', () => leaf, fields.certificate, /certificate "CN=leaf" is not a CA \(basicConstraints CA:TRUE is required\)/],
    ['an expired CA', () => expiredCa, fields.certificate, /certificate "CN=expired" expired at/],
    ['a CA valid only from the future', () => futureCa, fields.certificate, /certificate "CN=future" is not valid before/],
    [
      'a chain whose second certificate did not sign the first',
      () => ({ certPem: intermediate.certPem + otherCa.certPem, keyPem: intermediate.keyPem }),
      fields.certificate,
      /certificate #1 "CN=intermediate" is not signed by certificate #2 "CN=other"/,
    ],
    [
      'a chain whose issuer is not a CA',
      () => ({ certPem: intermediate.certPem + leaf.certPem, keyPem: intermediate.keyPem }),
      fields.certificate,
      /certificate "CN=leaf" is not a CA/,
    ],
    [
      'a 1024-bit RSA key',
      () => ({
        certPem: root.certPem,
        keyPem: generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
      }),
      fields.key,
      /RSA key of 1024 bits is too short/,
    ],
    [
      'an Ed25519 key',
      () => ({ certPem: root.certPem, keyPem: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() }),
      fields.key,
      /unsupported key type ed25519/,
    ],
  ])('rejects %s, naming the field and the rule', (_case, material, field, rule) => {
    const result = rejection(() => checkCertificateAuthority(material(), fields));
    expect(result.field).toBe(field);
    expect(result.rule).toMatch(rule);
  });
});

describe('checkCertificateAuthorityCertificate', () => {
  it('accepts a CA certificate without its key and rejects a leaf', () => {
    expect(checkCertificateAuthorityCertificate(root.certPem, 'etcd ca').certificate.ca).toBe(true);
    expect(rejection(() => checkCertificateAuthorityCertificate(leaf.certPem, 'etcd ca')).rule).toMatch(/is not a CA/);
  });
});

describe('checkLeafCertificate', () => {
  it('accepts a client certificate chaining to its CA through the bundle, and rejects one from another CA', () => {
    const bundle = { certPem: leaf.certPem + intermediate.certPem, keyPem: leaf.keyPem };
    expect(checkLeafCertificate(bundle, fields, { issuerPem: root.certPem }).certificate.subject).toBe('CN=leaf');
    expect(checkLeafCertificate(leaf, fields, { issuerPem: intermediate.certPem }).chain).toHaveLength(1);
    expect(rejection(() => checkLeafCertificate(leaf, fields, { issuerPem: otherCa.certPem })).rule).toMatch(
      /certificate "CN=leaf" does not chain to CA "CN=other"/,
    );
  });
});

describe('checkServiceAccountKeyPair', () => {
  const saFields = { publicKey: 'secret ns/demo-sa data["tls.crt"]', privateKey: 'secret ns/demo-sa data["tls.key"]' };

  it('accepts a matching pair and a lone private key', async () => {
    const pair = await generateRsaKeyPair();
    expect(checkServiceAccountKeyPair({ publicKeyPem: pair.publicKeyPem, privateKeyPem: pair.privateKeyPem }, saFields).privateKey.type).toBe('private');
    expect(checkServiceAccountKeyPair({ privateKeyPem: pair.privateKeyPem }, saFields).privateKey.type).toBe('private');
  });

  it('rejects a public key of another pair and an unreadable public key', async () => {
    const [pair, other] = await Promise.all([generateRsaKeyPair(), generateRsaKeyPair()]);
    expect(rejection(() => checkServiceAccountKeyPair({ publicKeyPem: other.publicKeyPem, privateKeyPem: pair.privateKeyPem }, saFields))).toEqual({
      field: saFields.publicKey,
      rule: 'public key does not match the private key in secret ns/demo-sa data["tls.key"]',
    });
    expect(rejection(() => checkServiceAccountKeyPair({ publicKeyPem: 'garbage', privateKeyPem: pair.privateKeyPem }, saFields)).rule).toMatch(
      /is not a PEM public key/,
    );
  });
});
