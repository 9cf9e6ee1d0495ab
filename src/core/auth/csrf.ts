import { createHmac } from 'node:crypto';
import { secretsEqual } from './secrets.js';

/**
 * Cookie sessions' CSRF token: derived from the session token, never stored. The session token
 * carries 256 random bits and never leaves its HttpOnly cookie, so only the holder of that
 * session can learn the derived value (from the sign-in response or `GET /v1/sessions/current`);
 * the HMAC key only separates this use of the token from its stored hash.
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', 'roster.console.csrf.v1').update(sessionToken, 'utf8').digest('base64url');
}

/** Does `presented` (the `X-CSRF-Token` header) match the session's token? Constant time. */
export function csrfTokenMatches(sessionToken: string, presented: string | undefined): boolean {
  return typeof presented === 'string' && presented !== '' && secretsEqual(csrfTokenFor(sessionToken), presented);
}
