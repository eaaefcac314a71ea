import { generateKeyPair as generateKeyPairCallback, type KeyObject } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';

const generateKeyPair = promisify(generateKeyPairCallback);

/**
 * RSA prime search is CPU-bound: with more searches in flight than spare CPUs, the thread pool starves the event
 * loop's own thread. Measured with bench/pki, 8 cluster PKIs at once on 2 CPUs: longest stall 215-575 ms with the
 * thread pool's 4 searches, 50-70 ms with one search per spare CPU (throughput about the same on a busy machine).
 */
const KEY_GENERATION_SLOTS = Math.max(1, availableParallelism() - 1);
let keyGenerationsRunning = 0;
const waitingForSlot: Array<() => void> = [];

async function withKeyGenerationSlot<T>(generate: () => Promise<T>): Promise<T> {
  if (keyGenerationsRunning >= KEY_GENERATION_SLOTS) await new Promise<void>((resolve) => waitingForSlot.push(resolve));
  keyGenerationsRunning++;
  try {
    return await generate();
  } finally {
    keyGenerationsRunning--;
    waitingForSlot.shift()?.();
  }
}

/**
 * RSA-2048 is what upstream (CAPI `certs.NewPrivateKey`) generates and what every consumer accepts; ECDSA P-256 is
 * about twenty times cheaper to generate and sign with.
 */
export type KeyAlgorithm = 'RSA-2048' | 'ECDSA-P256';

export const DEFAULT_KEY_ALGORITHM: KeyAlgorithm = 'RSA-2048';

export interface KeyPairPem {
  /** PKCS#1 PEM (`RSA PRIVATE KEY`) for RSA, SEC1 PEM (`EC PRIVATE KEY`) for ECDSA: the forms Go's crypto/x509 writes. */
  privateKeyPem: string;
  publicKeyPem: string;
}

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** Key generation runs on libuv's thread pool (native, asynchronous) so it never stalls the event loop. */
export async function generatePrivateKey(algorithm: KeyAlgorithm = DEFAULT_KEY_ALGORITHM): Promise<KeyPair> {
  switch (algorithm) {
    case 'RSA-2048':
      return withKeyGenerationSlot(() => generateKeyPair('rsa', { modulusLength: 2048 }));
    case 'ECDSA-P256':
      return generateKeyPair('ec', { namedCurve: 'prime256v1' });
  }
}

export function privateKeyToPem(privateKey: KeyObject): string {
  const type = privateKey.asymmetricKeyType === 'ec' ? 'sec1' : 'pkcs1';
  return privateKey.export({ type, format: 'pem' }).toString();
}

export function publicKeyToPem(publicKey: KeyObject): string {
  return publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

/** Kept for callers that only need an RSA key pair as PEM (e.g. a service-account signing key). */
export async function generateRsaKeyPair(bits = 2048): Promise<KeyPairPem> {
  const { privateKey, publicKey } = await withKeyGenerationSlot(() => generateKeyPair('rsa', { modulusLength: bits }));
  return { privateKeyPem: privateKeyToPem(privateKey), publicKeyPem: publicKeyToPem(publicKey) };
}
