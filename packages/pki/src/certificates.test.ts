import { X509Certificate } from 'node:crypto';
import { createCertificateAuthority, issueCertificate } from './certificates';

describe('certificates', () => {
  it('issues a serving certificate that verifies against its CA and carries the requested names', async () => {
    const ca = await createCertificateAuthority({ commonName: 'test-ca' });
    const leaf = await issueCertificate({
      issuer: ca,
      commonName: 'apiserver',
      dnsNames: ['localhost'],
      ipAddresses: ['127.0.0.1'],
      usages: ['serverAuth'],
    });
    const caCert = new X509Certificate(ca.certPem);
    const leafCert = new X509Certificate(leaf.certPem);
    expect(caCert.ca).toBe(true);
    expect(leafCert.ca).toBe(false);
    expect(leafCert.verify(caCert.publicKey)).toBe(true);
    expect(leafCert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(leafCert.checkHost('localhost')).toBe('localhost');
    expect(leafCert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(leafCert.issuer).toBe(caCert.subject);
  });

  it('puts organizations into the subject so Kubernetes reads them as groups', async () => {
    const ca = await createCertificateAuthority({ commonName: 'client-ca' });
    const client = await issueCertificate({
      issuer: ca,
      commonName: 'kubernetes-admin',
      organizations: ['system:masters'],
      usages: ['clientAuth'],
    });
    expect(new X509Certificate(client.certPem).subject).toBe('O=system:masters\nCN=kubernetes-admin');
  });
});
