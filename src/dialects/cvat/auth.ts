import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { authenticateBearer, authenticateNameAndKey } from '../../core/auth/authenticate.js';
import { verifyCredentials } from '../../core/auth/sessions.js';
import type { Core } from '../../core/context.js';
import { isCoreError } from '../../core/errors.js';
import { anonymousFrom, viewerFor, type Viewer } from '../../core/access/viewer.js';
import { clientIp } from '../../http/client-ip.js';
import { decodeNameAndKey } from '../../http/credentials.js';
import { CvatHttpError, csrfFailed } from './errors.js';

/**
 * CVAT's authentication classes in order (spec §1.6): `Authorization: Token <key>` (a login key
 * or an API key), `Bearer <personal access token>` (an API key), `Basic` (name and password, or
 * name and API key), then the `sessionid` cookie, which needs `X-CSRFToken` on unsafe methods.
 */
export const SESSION_COOKIE = 'sessionid';
export const CSRF_COOKIE = 'csrftoken';

const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

export const isSafeMethod = (method: string): boolean => SAFE_METHODS.has(method.toUpperCase());

const invalidToken = (): CvatHttpError => new CvatHttpError(401, { detail: 'Invalid token.' }, { 'www-authenticate': 'Token' });
const invalidBasic = (): CvatHttpError => new CvatHttpError(401, { detail: 'Invalid username/password.' }, { 'www-authenticate': 'Token' });

/**
 * The CSRF token bound to a session: derived from its secret token, so only its holder can
 * know it and no state is kept (the double-submit cookie, signed by the session itself).
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHash('sha256').update(`cvat-csrf:${sessionToken}`, 'utf8').digest('base64url');
}

export function readCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    try {
      if (!cookies.has(name)) cookies.set(name, decodeURIComponent(value));
    } catch {
      // An undecodable cookie is no credential.
    }
  }
  return cookies;
}

/** How the viewer was authenticated: personal access tokens may only read. */
export type CvatAuth = 'anonymous' | 'token' | 'pat' | 'basic' | 'session';

export interface CvatViewer {
  readonly viewer: Viewer;
  readonly auth: CvatAuth;
}

async function basicViewer(core: Core, value: string, ip: string | null): Promise<Viewer> {
  const pair = decodeNameAndKey(value);
  if (!pair) throw invalidBasic();
  const byKey = await authenticateNameAndKey(core, pair.name, pair.key, ip);
  if (byKey) return byKey;
  try {
    const user = await verifyCredentials(core, { login: pair.name, password: pair.key, ip });
    return viewerFor(user, { kind: 'password' }, ip);
  } catch (error) {
    // Too many failures stays a 429; every other refusal is the same 401.
    if (isCoreError(error) && error.code === 'rate_limited') throw error;
    throw invalidBasic();
  }
}

/** Who the request is; throws CVAT's 401 / 403 for refused credentials and missing CSRF tokens. */
export async function authenticateCvat(core: Core, request: FastifyRequest): Promise<CvatViewer> {
  const ip = clientIp(request);
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const match = /^\s*(\S+)\s+(\S+)\s*$/.exec(header);
    const scheme = match?.[1]?.toLowerCase();
    const value = match?.[2] ?? '';
    if (scheme === 'token') {
      const viewer = await authenticateBearer(core, value, ip);
      if (!viewer) throw invalidToken();
      return { viewer, auth: 'token' };
    }
    if (scheme === 'bearer') {
      const viewer = await authenticateBearer(core, value, ip);
      if (!viewer || viewer.credential.kind !== 'api_key') throw invalidToken();
      return { viewer, auth: 'pat' };
    }
    if (scheme === 'basic') return { viewer: await basicViewer(core, value, ip), auth: 'basic' };
    // DRF: a scheme no authentication class knows leaves the request anonymous.
  }
  const cookies = readCookies(request.headers.cookie);
  const sessionToken = cookies.get(SESSION_COOKIE);
  if (sessionToken) {
    const viewer = await authenticateBearer(core, sessionToken, ip);
    // Django: an unknown or expired session cookie is simply no session.
    if (viewer && viewer.credential.kind === 'session') {
      if (!isSafeMethod(request.method)) checkCsrf(request, sessionToken);
      return { viewer, auth: 'session' };
    }
  }
  return { viewer: anonymousFrom(ip), auth: 'anonymous' };
}

function checkCsrf(request: FastifyRequest, sessionToken: string): void {
  const sent = request.headers['x-csrftoken'];
  if (typeof sent !== 'string' || sent === '') throw csrfFailed('missing');
  if (sent !== csrfTokenFor(sessionToken)) throw csrfFailed('incorrect');
}
