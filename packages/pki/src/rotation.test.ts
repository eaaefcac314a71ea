import { createCertificateAuthority, issueCertificate } from './certificates';
import { needsRotation } from './rotation';
import { randomToken } from './tokens';

describe('needsRotation', () => {
  it.each([
    ['just issued', 0, false],
    ['a day before half life', 181, false],
    ['at half life', 182.5, true],
    ['past half life', 200, true],
    ['expired', 400, true],
  ])('for a one-year certificate %s: %s', async (_case, daysLater, expected) => {
    const issuedAt = new Date('2026-01-01T00:00:00Z');
    const ca = await createCertificateAuthority({ commonName: 'ca', algorithm: 'ECDSA-P256', now: issuedAt });
    const certificate = await issueCertificate({ issuer: ca, commonName: 'c', usages: ['clientAuth'], algorithm: 'ECDSA-P256', now: issuedAt });
    expect(needsRotation(certificate.certPem, new Date(issuedAt.getTime() + daysLater * 24 * 60 * 60 * 1000))).toBe(expected);
  });
});

describe('randomToken', () => {
  it('is 16 random bytes as 32 lowercase hex characters, different each time', () => {
    const tokens = new Set(Array.from({ length: 100 }, () => randomToken()));
    expect(tokens.size).toBe(100);
    for (const token of tokens) expect(token).toMatch(/^[0-9a-f]{32}$/);
  });
});
