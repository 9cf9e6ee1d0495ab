import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Viewer } from '../../core/access/viewer.js';
import { authorizeCredential } from '../../core/auth/scopes.js';
import type { Core } from '../../core/context.js';
import { unauthenticated } from '../../core/errors.js';
import { clientIp } from '../../http/client-ip.js';
import { authenticateCredential, readCredentials, routeScope, type CredentialSources } from '../../http/credentials.js';

/**
 * get-server-auth-session.ts / bearer-token.ts: the token is the word after any scheme in
 * `Authorization` (`Bearer x`, `Token x`), else the `token` query parameter, trimmed.
 */
const SOURCES: CredentialSources = { anyScheme: 'token', queryToken: 'token' };

/** A token nobody holds (256 random bits, never stored): looking it up always misses. */
const DECOY_TOKEN = randomBytes(32).toString('base64url');

/**
 * No refusal is answered sooner than this after the request arrived. Together with the decoy
 * lookup it makes a missing, malformed, unknown, expired or revoked token, or one whose owner
 * is banned or deleted (answered from the credential cache), take the same time (seed: "the API
 * does not distinguish between them").
 */
export const REFUSAL_FLOOR_MS = 25;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The signed-in viewer a request's token proves. Every refusal does the same work (a missing or
 * unreadable token looks up the decoy, as an unknown one is looked up), waits out the floor and
 * throws the one `unauthenticated`.
 */
export async function requireTokenViewer(core: Core, request: FastifyRequest, reply: FastifyReply): Promise<Viewer> {
  const presented = readCredentials(request, SOURCES);
  const token = presented.kind === 'token' ? presented.token : DECOY_TOKEN;
  const ip = clientIp(request);
  const viewer = await authenticateCredential(core, { kind: 'token', token }, ip);
  if (presented.kind === 'token' && viewer !== null && viewer.user !== null) {
    // Key scopes and permitted addresses (core), against the scope the route declares.
    authorizeCredential(viewer, routeScope(request), ip);
    return viewer;
  }
  const wait = REFUSAL_FLOOR_MS - reply.elapsedTime;
  if (wait > 0) await sleep(wait);
  throw unauthenticated('token refused');
}
