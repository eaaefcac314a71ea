import { randomBytes } from 'node:crypto';

/** 16 random bytes as 32 hex characters: the form of upstream's cluster auth token and node tokens. */
export function randomToken(): string {
  return randomBytes(16).toString('hex');
}
