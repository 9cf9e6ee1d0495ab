import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Core } from '../../core/context.js';
import { csrfTokenFor, csrfTokenMatches } from '../../core/auth/csrf.js';
import { readCredentials, type CredentialSources } from '../../http/credentials.js';
import type { NativeErrorBody } from './errors.js';
import type { NativeApp } from './routes.js';

/** The admin console's session cookie. */
export const SESSION_COOKIE = 'roster_session';
export const CSRF_HEADER = 'x-csrf-token';

/** Bearer API keys and session tokens, and the console's session cookie; nothing else. */
export const NATIVE_CREDENTIALS: CredentialSources = { schemes: { bearer: 'token' }, cookieToken: SESSION_COOKIE };

const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The token of a request authenticated by the console cookie; null for any other. Whatever the
 * token proves (an API key put in the cookie too), it came from the cookie, so writes need the
 * CSRF token; a stale cookie, read as anonymous, proves nothing and needs none.
 */
export function cookieSessionToken(request: FastifyRequest): string | null {
  if (request.viewer.credential.kind === 'anonymous') return null;
  const presented = readCredentials(request, NATIVE_CREDENTIALS);
  return presented.kind === 'token' && presented.source === 'cookie' ? presented.token : null;
}

/** The CSRF token of a cookie-authenticated request, for the console to send back on writes. */
export function csrfTokenOf(request: FastifyRequest): string | null {
  const token = cookieSessionToken(request);
  return token === null ? null : csrfTokenFor(token);
}

function isSecure(core: Core, request: FastifyRequest): boolean {
  return request.protocol === 'https' || (core.config.baseUrl?.startsWith('https:') ?? false);
}

const attributes = (core: Core, request: FastifyRequest): string => `HttpOnly; SameSite=Strict; Path=/${isSecure(core, request) ? '; Secure' : ''}`;

export function setSessionCookie(core: Core, request: FastifyRequest, reply: FastifyReply, token: string): void {
  reply.header('set-cookie', `${SESSION_COOKIE}=${token}; ${attributes(core, request)}`);
}

export function clearSessionCookie(core: Core, request: FastifyRequest, reply: FastifyReply): void {
  reply.header('set-cookie', `${SESSION_COOKIE}=; Max-Age=0; ${attributes(core, request)}`);
}

const CSRF_FAILED: NativeErrorBody = {
  error: {
    code: 'csrf_failed',
    message: `A write made with the session cookie needs the session's CSRF token in ${CSRF_HEADER}`,
    details: { location: 'headers' },
  },
};

/**
 * Refuses (403 `csrf_failed`) any write authenticated by the session cookie that does not carry
 * the session's CSRF token, before the route runs. Bearer requests are untouched: a browser never
 * adds an Authorization header on its own.
 */
export function installCsrfCheck(app: NativeApp): void {
  app.addHook('preValidation', async (request, reply) => {
    if (SAFE_METHODS.has(request.method)) return;
    const token = cookieSessionToken(request);
    if (token === null || csrfTokenMatches(token, request.headers[CSRF_HEADER] as string | undefined)) return;
    return reply.code(403).send(CSRF_FAILED);
  });
}
