import { createPrivateKey, X509Certificate } from 'node:crypto';
import { opensslKeyCheck, opensslText, opensslVerify } from '../jest/openssl';
import { createCertificateAuthority, issueCertificate } from './certificates';
import type { KeyAlgorithm } from './keys';

const algorithms: Array<{ algorithm: KeyAlgorithm; keyHeader: string; publicKeyText: string; signatureText: string }> = [
  {
    algorithm: 'RSA-2048',
    keyHeader: '-----BEGIN RSA PRIVATE KEY-----',
    publicKeyText: 'Public-Key: (2048 bit)',
    signatureText: 'sha256WithRSAEncryption',
  },
  {
    algorithm: 'ECDSA-P256',
    keyHeader: '-----BEGIN EC PRIVATE KEY-----',
    publicKeyText: 'NIST CURVE: P-256',
    signatureText: 'ecdsa-with-SHA256',
  },
];

describe.each(algorithms)('certificates with $algorithm keys', ({ algorithm, keyHeader, publicKeyText, signatureText }) => {
  it('issues a serving certificate that openssl and Node verify against its CA, carrying the requested names', async () => {
    const ca = await createCertificateAuthority({ commonName: 'test-ca', algorithm });
    const leaf = await issueCertificate({
      issuer: ca,
      commonName: 'apiserver',
      dnsNames: ['localhost'],
      ipAddresses: ['127.0.0.1'],
      usages: ['serverAuth'],
      algorithm,
    });
    const verified = opensslVerify({ rootPem: ca.certPem, certPem: leaf.certPem, purpose: 'sslserver' });
    expect(verified.output).toContain(': OK');
    expect(verified.ok).toBe(true);
    const caCert = new X509Certificate(ca.certPem);
    const leafCert = new X509Certificate(leaf.certPem);
    expect(caCert.ca).toBe(true);
    expect(leafCert.ca).toBe(false);
    expect(leafCert.verify(caCert.publicKey)).toBe(true);
    expect(leafCert.checkPrivateKey(createPrivateKey(leaf.keyPem))).toBe(true);
    expect(leafCert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(leafCert.checkHost('localhost')).toBe('localhost');
    expect(leafCert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(leafCert.issuer).toBe(caCert.subject);
    const text = opensslText(leaf.certPem);
    expect(text).toContain(publicKeyText);
    expect(text).toContain(`Signature Algorithm: ${signatureText}`);
    expect(text).toMatch(/X509v3 Authority Key Identifier:/);
    expect(leaf.keyPem.startsWith(keyHeader)).toBe(true);
    expect(opensslKeyCheck(leaf.keyPem).ok).toBe(true);
  });

  it('puts organizations before the common name so Kubernetes reads them as groups', async () => {
    const ca = await createCertificateAuthority({ commonName: 'client-ca', algorithm });
    const client = await issueCertificate({
      issuer: ca,
      commonName: 'kubernetes-admin',
      organizations: ['system:masters'],
      usages: ['clientAuth'],
      algorithm,
    });
    expect(new X509Certificate(client.certPem).subject).toBe('O=system:masters\nCN=kubernetes-admin');
    expect(opensslVerify({ rootPem: ca.certPem, certPem: client.certPem, purpose: 'sslclient' }).ok).toBe(true);
    expect(opensslVerify({ rootPem: ca.certPem, certPem: client.certPem, purpose: 'sslserver' }).ok).toBe(false);
  });

  it('builds intermediate CAs that openssl verifies through the chain, and a path length limit it enforces', async () => {
    const root = await createCertificateAuthority({ commonName: 'root', algorithm });
    const intermediate = await createCertificateAuthority({ commonName: 'intermediate', issuer: root, maxPathLength: 0, algorithm });
    const leaf = await issueCertificate({ issuer: intermediate, commonName: 'leaf', usages: ['clientAuth'], algorithm });
    expect(opensslVerify({ rootPem: root.certPem, untrustedPem: intermediate.certPem, certPem: leaf.certPem }).ok).toBe(true);
    expect(opensslVerify({ rootPem: root.certPem, certPem: leaf.certPem }).ok).toBe(false);
    expect(opensslText(intermediate.certPem)).toContain('CA:TRUE, pathlen:0');

    const belowPathLimit = await createCertificateAuthority({ commonName: 'too-deep', issuer: intermediate, algorithm });
    const deepLeaf = await issueCertificate({ issuer: belowPathLimit, commonName: 'deep', usages: ['clientAuth'], algorithm });
    const untrustedPem = intermediate.certPem + belowPathLimit.certPem;
    const tooDeep = opensslVerify({ rootPem: root.certPem, untrustedPem, certPem: deepLeaf.certPem });
    expect(tooDeep.output).toContain('path length constraint exceeded');
    expect(tooDeep.ok).toBe(false);
  });
});

it('mixes algorithms: an ECDSA leaf signed by an RSA CA verifies', async () => {
  const ca = await createCertificateAuthority({ commonName: 'rsa-ca', algorithm: 'RSA-2048' });
  const leaf = await issueCertificate({ issuer: ca, commonName: 'ec-leaf', usages: ['clientAuth'], algorithm: 'ECDSA-P256' });
  expect(opensslVerify({ rootPem: ca.certPem, certPem: leaf.certPem }).ok).toBe(true);
  expect(opensslText(leaf.certPem)).toContain('Signature Algorithm: sha256WithRSAEncryption');
});

it('sets keyEncipherment on RSA keys only', async () => {
  const rsaCa = await createCertificateAuthority({ commonName: 'rsa', algorithm: 'RSA-2048' });
  const ecCa = await createCertificateAuthority({ commonName: 'ec', algorithm: 'ECDSA-P256' });
  expect(opensslText(rsaCa.certPem)).toMatch(/Key Usage: critical\n\s+Digital Signature, Key Encipherment, Certificate Sign\n/);
  expect(opensslText(ecCa.certPem)).toMatch(/Key Usage: critical\n\s+Digital Signature, Certificate Sign\n/);
});

it('copies the issuer subject key identifier into the authority key identifier', async () => {
  const ca = await createCertificateAuthority({ commonName: 'ca' });
  const leaf = await issueCertificate({ issuer: ca, commonName: 'leaf', usages: ['clientAuth'] });
  const caKeyId = /Subject Key Identifier:\s*\n\s*([0-9A-F:]+)/.exec(opensslText(ca.certPem))?.[1];
  expect(caKeyId).toBeDefined();
  expect(opensslText(leaf.certPem)).toMatch(new RegExp(`Authority Key Identifier:\\s*\\n\\s*(keyid:)?${caKeyId}`));
});
