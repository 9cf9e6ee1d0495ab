import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Random bytes per secret: 256 bits, well above ASVS 11.5.1's 128. */
const SECRET_BYTES = 32;

/** A fresh API key or session token: 32 CSPRNG bytes, base64url (43 characters). */
export function generateSecret(): string {
  return randomBytes(SECRET_BYTES).toString('base64url');
}

/**
 * The only form in which a secret is stored: SHA-256, hex. Every authenticated request hashes its
 * credential: the one-shot `hash` is three times as fast as a `createHash` object for a key.
 */
export function hashSecret(secret: string): string {
  return hash('sha256', secret, 'hex');
}

/**
 * Compares two secrets in constant time. Both sides are digested first so that neither the
 * content nor the length of the expected value leaks through timing.
 */
export function secretsEqual(a: string, b: string): boolean {
  return timingSafeEqual(Buffer.from(hashSecret(a)), Buffer.from(hashSecret(b)));
}

/** The last four characters of a secret, stored so that a user can tell keys apart. */
export function secretHint(secret: string): string {
  return secret.slice(-4);
}
