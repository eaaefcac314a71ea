import { createPublicKey } from 'node:crypto';
import { opensslKeyCheck } from '../jest/openssl';
import { generatePrivateKey, generateRsaKeyPair, privateKeyToPem, publicKeyToPem } from './keys';

describe('keys', () => {
  it.each([
    ['RSA-2048', 'rsa', '-----BEGIN RSA PRIVATE KEY-----'],
    ['ECDSA-P256', 'ec', '-----BEGIN EC PRIVATE KEY-----'],
  ] as const)('generates %s keys that openssl accepts, in the PEM form Go writes', async (algorithm, type, header) => {
    const { privateKey, publicKey } = await generatePrivateKey(algorithm);
    expect(privateKey.asymmetricKeyType).toBe(type);
    const pem = privateKeyToPem(privateKey);
    expect(pem.startsWith(header)).toBe(true);
    expect(opensslKeyCheck(pem).ok).toBe(true);
    expect(publicKeyToPem(createPublicKey(pem))).toBe(publicKeyToPem(publicKey));
  });

  it('completes many concurrent RSA generations (they queue for CPU slots)', async () => {
    const pairs = await Promise.all(Array.from({ length: 6 }, () => generateRsaKeyPair()));
    expect(new Set(pairs.map((pair) => pair.publicKeyPem)).size).toBe(6);
  });
});
