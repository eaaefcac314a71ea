import { generateKeyPairSync } from 'node:crypto';
import { type CertificateAndKey, createCertificateAuthority, issueCertificate } from './certificates';
import { checkClusterSecret } from './cluster-secrets';
import { generateRsaKeyPair } from './keys';
import { certificateSecret } from './secrets';
import { PkiValidationError } from './validation';

const base64 = (text: string) => Buffer.from(text).toString('base64');
const secret = (name: string, data: Record<string, string>) => ({
  metadata: { name, namespace: 'ns' },
  data: Object.fromEntries(Object.entries(data).map(([key, value]) => [key, base64(value)])),
});

let rsaCa: CertificateAndKey;
let ecdsaCa: CertificateAndKey;
let etcdCa: CertificateAndKey;
let etcdClient: CertificateAndKey;
let otherClient: CertificateAndKey;

beforeAll(async () => {
  [rsaCa, ecdsaCa, etcdCa] = await Promise.all([
    createCertificateAuthority({ commonName: 'kubernetes' }),
    createCertificateAuthority({ commonName: 'kubernetes', algorithm: 'ECDSA-P256' }),
    createCertificateAuthority({ commonName: 'etcd-ca', algorithm: 'ECDSA-P256' }),
  ]);
  [etcdClient, otherClient] = await Promise.all([
    issueCertificate({ issuer: etcdCa, commonName: 'apiserver-etcd-client', usages: ['clientAuth'], algorithm: 'ECDSA-P256' }),
    issueCertificate({ issuer: rsaCa, commonName: 'apiserver-etcd-client', usages: ['clientAuth'], algorithm: 'ECDSA-P256' }),
  ]);
});

function rejection(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof PkiValidationError) return error.message;
    throw error;
  }
  throw new Error('expected a PkiValidationError');
}

describe('checkClusterSecret', () => {
  it('accepts user-created CA, datastore and service-account secrets', async () => {
    const pair = await generateRsaKeyPair();
    const ca = certificateSecret({ clusterName: 'demo', namespace: 'ns', purpose: 'ca', material: rsaCa });
    expect(checkClusterSecret('ca', ca).certificate?.certificate.subject).toBe('CN=kubernetes');
    expect(checkClusterSecret('proxy', secret('demo-proxy', { 'tls.crt': rsaCa.certPem, 'tls.key': rsaCa.keyPem })).purpose).toBe('proxy');
    expect(checkClusterSecret('etcd', secret('demo-etcd', { 'tls.crt': etcdCa.certPem })).certificate?.certificate.ca).toBe(true);
    const client = secret('demo-apiserver-etcd-client', { 'tls.crt': etcdClient.certPem, 'tls.key': etcdClient.keyPem });
    expect(checkClusterSecret('apiserver-etcd-client', client, { etcdCaPem: etcdCa.certPem }).certificate?.certificate.subject).toBe(
      'CN=apiserver-etcd-client',
    );
    expect(checkClusterSecret('sa', secret('demo-sa', { 'tls.crt': pair.publicKeyPem, 'tls.key': pair.privateKeyPem }))).toEqual({ purpose: 'sa' });
  });

  it.each<[string, () => Parameters<typeof checkClusterSecret>, string]>([
    [
      'a cluster CA with an ECDSA key (k8s-snap loads CA keys as RSA only)',
      () => ['cca', secret('demo-cca', { 'tls.crt': ecdsaCa.certPem, 'tls.key': ecdsaCa.keyPem })],
      'secret ns/demo-cca data["tls.key"]: k8s-snap accepts only RSA keys here, got ec',
    ],
    ['a CA secret without its key', () => ['ca', secret('demo-ca', { 'tls.crt': rsaCa.certPem })], 'secret ns/demo-ca data["tls.key"]: is missing or empty'],
    [
      'a leaf certificate as front-proxy CA',
      () => ['proxy', secret('demo-proxy', { 'tls.crt': otherClient.certPem, 'tls.key': rsaCa.keyPem })],
      'secret ns/demo-proxy data["tls.crt"]: certificate "CN=apiserver-etcd-client" is not a CA (basicConstraints CA:TRUE is required)',
    ],
    [
      'an etcd CA whose optional key belongs to another CA',
      () => ['etcd', secret('demo-etcd', { 'tls.crt': etcdCa.certPem, 'tls.key': ecdsaCa.keyPem })],
      'secret ns/demo-etcd data["tls.key"]: private key does not match the certificate in secret ns/demo-etcd data["tls.crt"]',
    ],
    [
      'an etcd client certificate from another CA',
      () => [
        'apiserver-etcd-client',
        secret('demo-apiserver-etcd-client', { 'tls.crt': otherClient.certPem, 'tls.key': otherClient.keyPem }),
        { etcdCaPem: etcdCa.certPem },
      ],
      'secret ns/demo-apiserver-etcd-client data["tls.crt"]: certificate "CN=apiserver-etcd-client" does not chain to CA "CN=etcd-ca"',
    ],
    [
      'an ECDSA service-account key',
      () => ['sa', secret('demo-sa', { 'tls.key': generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'sec1', format: 'pem' }).toString() })],
      'secret ns/demo-sa data["tls.key"]: k8s-snap accepts only RSA keys here, got ec',
    ],
  ])('rejects %s', (_case, args, message) => {
    expect(rejection(() => checkClusterSecret(...args()))).toBe(message);
  });
});
