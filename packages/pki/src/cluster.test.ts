import { X509Certificate } from 'node:crypto';
import { opensslText, opensslVerify } from '../jest/openssl';
import { generateClusterCertificateAuthorities, issueAdminClientCertificate } from './cluster';
import type { KeyAlgorithm } from './keys';

const DAY_MS = 24 * 60 * 60 * 1000;

describe.each<KeyAlgorithm>(['RSA-2048', 'ECDSA-P256'])('cluster PKI with %s keys', (algorithm) => {
  it('generates two distinct cluster CAs with upstream profile: CN kubernetes, CA, pathlen 0, ten years, started 5 minutes early', async () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const { ca, clientCa } = await generateClusterCertificateAuthorities({ algorithm, now });
    for (const authority of [ca, clientCa]) {
      const certificate = new X509Certificate(authority.certPem);
      expect(certificate.subject).toBe('CN=kubernetes');
      expect(certificate.ca).toBe(true);
      expect(certificate.validFromDate).toEqual(new Date(now.getTime() - 5 * 60 * 1000));
      expect(certificate.validToDate).toEqual(new Date(now.getTime() + 3650 * DAY_MS));
      const text = opensslText(authority.certPem);
      expect(text).toContain('CA:TRUE, pathlen:0');
      const usages = algorithm === 'RSA-2048' ? 'Digital Signature, Key Encipherment, Certificate Sign' : 'Digital Signature, Certificate Sign';
      expect(text).toMatch(new RegExp(`Key Usage: critical\\n\\s+${usages}\\n`));
      expect(opensslVerify({ rootPem: authority.certPem, certPem: authority.certPem }).ok).toBe(true);
    }
    expect(new X509Certificate(ca.certPem).fingerprint256).not.toBe(new X509Certificate(clientCa.certPem).fingerprint256);
  });

  it('signs the admin client certificate with the client CA only, for one year from the CA start', async () => {
    const now = new Date();
    const { ca, clientCa } = await generateClusterCertificateAuthorities({ algorithm, now });
    const admin = await issueAdminClientCertificate({ clientCa, now, algorithm });
    const certificate = new X509Certificate(admin.certPem);
    expect(certificate.subject).toBe('O=system:masters\nCN=kubernetes-admin');
    expect(certificate.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(certificate.validFromDate).toEqual(new X509Certificate(clientCa.certPem).validFromDate);
    expect(certificate.validToDate.getTime()).toBe(Math.floor((now.getTime() + 365 * DAY_MS) / 1000) * 1000);
    expect(opensslVerify({ rootPem: clientCa.certPem, certPem: admin.certPem, purpose: 'sslclient' }).ok).toBe(true);
    expect(opensslVerify({ rootPem: ca.certPem, certPem: admin.certPem }).ok).toBe(false);
  });
});
