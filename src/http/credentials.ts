import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticateBearer, authenticateNameAndKey } from '../core/auth/authenticate.js';
import { authorizeCredential, type Scope } from '../core/auth/scopes.js';
import type { Core } from '../core/context.js';
import { unauthenticated } from '../core/errors.js';
import { anonymousFrom, type Viewer } from '../core/access/viewer.js';
import { clientIp } from './client-ip.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is asking; anonymous until the dialect's authentication hook says otherwise. */
    viewer: Viewer;
  }
  interface FastifyContextConfig {
    /**
     * The API key scope (core vocabulary, src/core/auth/scopes.ts) this route needs; null for a
     * route that runs no action. Undeclared routes are refused to scoped keys.
     */
    scope?: Scope | null;
  }
}

/** What a request presented, before anything is checked. */
export type PresentedCredential =
  | { readonly kind: 'none' }
  | { readonly kind: 'token'; readonly token: string; readonly source?: 'cookie' }
  | { readonly kind: 'name_and_key'; readonly name: string; readonly key: string }
  /** Present but unreadable: refused like a wrong key (uniform 401). */
  | { readonly kind: 'malformed'; readonly reason: 'unreadable_authorization' | 'unsupported_scheme' | 'missing_name_or_key' };

/** How the value after an Authorization scheme word reads. */
export type HeaderReading = 'token' | 'name_and_key';

/** Where one dialect looks for credentials, in order: header, query, body. */
export interface CredentialSources {
  /** Accepted schemes, lower case, e.g. `{ bearer: 'token', basic: 'name_and_key' }`. */
  readonly schemes?: Readonly<Record<string, HeaderReading>>;
  /** How to read the value of any other scheme word (Danbooru: base64 `login:key`; Civitai: a token). */
  readonly anyScheme?: HeaderReading;
  /** Name and key as query parameters (Danbooru/e621 `login` + `api_key`). */
  readonly queryNameAndKey?: { readonly name: string; readonly key: string };
  /** Name and key in a form or JSON body (e621). */
  readonly bodyNameAndKey?: { readonly name: string; readonly key: string };
  /** A token as a query parameter (Civitai `token`). */
  readonly queryToken?: string;
  /** A session token in this cookie (the native console's `roster_session`), read after every other source. */
  readonly cookieToken?: string;
}

type Params = Readonly<Record<string, unknown>> | undefined;

const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** `base64(name:key)` → name and key; null unless it decodes to exactly that. */
export function decodeNameAndKey(value: string): { name: string; key: string } | null {
  if (!BASE64.test(value)) return null;
  const text = Buffer.from(value, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0 || colon === text.length - 1 || text.includes('\uFFFD')) return null;
  return { name: text.slice(0, colon), key: text.slice(colon + 1) };
}

/** Reads an `Authorization` header value under the dialect's rules. */
export function readAuthorization(header: string, sources: CredentialSources): PresentedCredential {
  const match = /^\s*([A-Za-z][A-Za-z0-9._~+-]*)\s+(\S+)\s*$/.exec(header);
  if (!match) return { kind: 'malformed', reason: 'unreadable_authorization' };
  const scheme = match[1]!.toLowerCase();
  const value = match[2]!;
  const reading = (sources.schemes && Object.hasOwn(sources.schemes, scheme) ? sources.schemes[scheme] : undefined) ?? sources.anyScheme;
  if (reading === undefined) return { kind: 'malformed', reason: 'unsupported_scheme' };
  if (reading === 'token') return { kind: 'token', token: value };
  const decoded = decodeNameAndKey(value);
  return decoded ? { kind: 'name_and_key', ...decoded } : { kind: 'malformed', reason: 'unreadable_authorization' };
}

const stringParam = (params: Params, name: string): string | undefined | null => {
  if (!params || !Object.hasOwn(params, name)) return undefined;
  const value = params[name];
  // An array or object where a single value belongs is unreadable rather than absent.
  return typeof value === 'string' ? value : null;
};

/** Reads a name-and-key pair from parameters; one without the other is malformed (Danbooru). */
function readNameAndKey(params: Params, names: { readonly name: string; readonly key: string }): PresentedCredential {
  const name = stringParam(params, names.name);
  const key = stringParam(params, names.key);
  if (name === undefined && key === undefined) return { kind: 'none' };
  if (!name || !key) return { kind: 'malformed', reason: 'missing_name_or_key' };
  return { kind: 'name_and_key', name, key };
}

/** What the request presents under the dialect's rules. Pure: nothing is checked yet. */
export function readCredentials(request: Pick<FastifyRequest, 'headers' | 'query' | 'body'>, sources: CredentialSources): PresentedCredential {
  const header = request.headers.authorization;
  if (typeof header === 'string') return readAuthorization(header, sources);
  const query = (request.query ?? undefined) as Params;
  if (sources.queryNameAndKey) {
    const found = readNameAndKey(query, sources.queryNameAndKey);
    if (found.kind !== 'none') return found;
  }
  if (sources.queryToken) {
    const token = stringParam(query, sources.queryToken);
    if (token === null || token === '') return { kind: 'malformed', reason: 'unreadable_authorization' };
    if (token !== undefined) return { kind: 'token', token: token.trim() };
  }
  if (sources.bodyNameAndKey && request.body && typeof request.body === 'object' && !Array.isArray(request.body)) {
    const found = readNameAndKey(request.body as Params, sources.bodyNameAndKey);
    if (found.kind !== 'none') return found;
  }
  if (sources.cookieToken) {
    const token = readCookie(request.headers.cookie, sources.cookieToken);
    if (token) return { kind: 'token', token, source: 'cookie' };
  }
  return { kind: 'none' };
}

/** One cookie's value from a `Cookie` header; undefined when absent. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (typeof header !== 'string') return undefined;
  for (const pair of header.split(';')) {
    const equals = pair.indexOf('=');
    if (equals > 0 && pair.slice(0, equals).trim() === name) return pair.slice(equals + 1).trim();
  }
  return undefined;
}

/**
 * The viewer a presented credential proves: anonymous when none was presented, null when one
 * was presented and refused (unknown, wrong, expired, revoked, banned, deleted or unreadable —
 * all alike, so the dialect answers one uniform 401).
 */
export async function authenticateCredential(core: Core, presented: PresentedCredential, ip: string | null): Promise<Viewer | null> {
  switch (presented.kind) {
    case 'none':
      return anonymousFrom(ip);
    case 'token':
      return authenticateBearer(core, presented.token, ip);
    case 'name_and_key':
      return authenticateNameAndKey(core, presented.name, presented.key, ip);
    case 'malformed':
      return null;
  }
}

const VIEWER = Symbol('roster.viewer');
type WithViewerSlot = FastifyRequest & { [VIEWER]?: Viewer };

/** The id of the user a request was authenticated as, without building an anonymous viewer. */
export function viewerIdOf(request: FastifyRequest): number | null {
  return (request as WithViewerSlot)[VIEWER]?.id ?? null;
}

/** Declares `request.viewer` on the root instance; unset, it reads as anonymous (fail closed). */
export function decorateViewer(app: FastifyInstance): void {
  app.decorateRequest('viewer', {
    getter(this: FastifyRequest): Viewer {
      return (this as WithViewerSlot)[VIEWER] ?? anonymousFrom(clientIp(this));
    },
    setter(this: FastifyRequest, viewer: Viewer): void {
      (this as WithViewerSlot)[VIEWER] = viewer;
    },
  });
}

/** The scope the matched route declared (undefined: none declared). */
export function routeScope(request: Pick<FastifyRequest, 'routeOptions'>): Scope | null | undefined {
  return request.routeOptions.config.scope;
}

/**
 * Declares, when routes are added to `app`, the scope each needs, from a table of
 * `METHOD /path` (the path as registered, without the instance's prefix). Routes missing from
 * the table stay undeclared, refused to scoped keys.
 */
export function declareRouteScopes(app: FastifyInstance, table: Readonly<Record<string, Scope | null>>): void {
  app.addHook('onRoute', (route) => {
    const prefix = route.prefix ?? '';
    const path = prefix !== '' && route.url.startsWith(prefix) ? route.url.slice(prefix.length) : route.url;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    // Fastify adds HEAD for every GET: it needs what the GET needs.
    const scopes = methods.map((method) => table[`${method === 'HEAD' ? 'GET' : method} ${path}`]).filter((scope) => scope !== undefined);
    if (scopes.length > 0 && route.config?.scope === undefined) route.config = { ...route.config, scope: scopes[0] };
  });
}

export interface AuthenticationOptions {
  /** The reason given to `unauthenticated` for a refused credential (Danbooru names a missing half). */
  readonly refusal?: (presented: PresentedCredential) => string;
  /**
   * The dialect's credentials never come from the body (native: the Authorization header and
   * the console cookie): check them before the body is read, so that a route may refuse a
   * viewer before buffering a large body (the native import).
   */
  readonly beforeBody?: boolean;
}

/**
 * Adds the hook that sets `request.viewer` for every route of a dialect's instance. A refused
 * credential throws `unauthenticated`, which the dialect's error handler renders as its 401; an
 * API key used outside its scopes or permitted addresses throws `forbidden` (the core's
 * `authorizeCredential`, against the scope the route declares). Every dialect installs this.
 */
export function installAuthentication(app: FastifyInstance, core: Core, sources: CredentialSources, options: AuthenticationOptions = {}): void {
  const authenticate = async (request: FastifyRequest): Promise<void> => {
    const presented = readCredentials(request, sources);
    const ip = clientIp(request);
    // A stale cookie was not presented on purpose (the browser sends it): it reads as none, so that signing in again works.
    const viewer =
      (await authenticateCredential(core, presented, ip)) ?? (presented.kind === 'token' && presented.source === 'cookie' ? anonymousFrom(ip) : null);
    if (viewer === null) throw unauthenticated(options.refusal?.(presented) ?? 'credential refused');
    request.viewer = viewer;
    // An unmatched path answers the dialect's 404 whatever the key.
    if (!request.is404) authorizeCredential(viewer, routeScope(request), ip);
  };
  if (options.beforeBody === true) app.addHook('preParsing', authenticate);
  else app.addHook('preValidation', authenticate);
}
