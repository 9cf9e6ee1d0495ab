import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import type { Scope } from '../../core/auth/scopes.js';
import type { Core } from '../../core/context.js';
import { notFound } from '../../core/errors.js';
import type { Viewer } from '../../core/access/viewer.js';
import { clientIp } from '../../http/client-ip.js';
import { publicOrigin } from '../../http/public-url.js';
import { parameterMissing, rateLimitError, unknownFormat } from './errors.js';
import { CONTENT_TYPES, requestFormat, splitExtension, urlExtension, type RailsFormat } from '../rails/format.js';
import { rateLimitHeader, rateLimitKeys, type RateLimiter, type RateRule } from '../rails/rate-limits.js';
import type { RailsRecord } from '../rails/record.js';
import { danbooruViewer, type DanbooruViewer } from './render.js';
import { toI } from '../rails/ruby-coercion.js';
import { xmlList, xmlRecord } from '../rails/xml.js';

/**
 * The frame every Danbooru route shares: API key permission (403), format (406), then the
 * handler, whose answer is written as JSON or Rails XML. Handlers parse, make one core call and
 * describe the response; they never write to the reply themselves.
 */
export interface DanbooruRoutes {
  readonly core: Core;
  /** Where the dialect is mounted: `/danbooru`, or `` at the root of a dialect port. */
  readonly prefix: string;
  readonly limiter: RateLimiter;
}

export type Params = Readonly<Record<string, unknown>>;

export interface DanbooruCall {
  readonly request: FastifyRequest;
  readonly viewer: Viewer;
  /** The viewer as the renderers need it (id, level, time zone). */
  readonly reader: DanbooruViewer;
  readonly format: RailsFormat;
  /** The query string alone (credentials and searches are read only there). */
  readonly query: Params;
  /** Rails `params`: the query and the body (form or JSON), the body winning. */
  readonly params: Params;
  /** The path's `:id`, without its extension. */
  readonly pathId: string;
  /** The path's extension, to keep it in redirects. */
  readonly extension: string | null;
  /** Where clients reach Roster: `ROSTER_BASE_URL`, else the request's scheme and host. */
  readonly origin: string;
  /** An absolute URL under the dialect's prefix, as Rails writes `Location`. */
  url(path: string): string;
  /** Charges a rate limit to the caller; sets `X-Rate-Limit`; throws 429 when over. */
  rateLimit(rule: RateRule): Promise<void>;
  /** Gives a charge back (a reserved signup that did not happen). */
  refund(rule: RateRule): Promise<void>;
}

export type DanbooruResponse =
  | { readonly kind: 'list'; readonly root: string; readonly child: string; readonly records: readonly RailsRecord[] }
  | { readonly kind: 'record'; readonly root: string; readonly record: RailsRecord; readonly status?: number; readonly location?: string }
  | { readonly kind: 'empty' }
  | { readonly kind: 'redirect'; readonly status: 301 | 302; readonly location: string };

export interface RouteSpec {
  readonly method: HTTPMethods | readonly HTTPMethods[];
  /** `/users` (also served as `/users.json`, `/users.xml`…) or `/users/:id` (the id carries the extension). */
  readonly path: string;
  /** The API key scope (`users:index`, the core's vocabulary); null where no controller action runs (redirects). */
  readonly action: Scope | null;
  readonly handle: (call: DanbooruCall) => Promise<DanbooruResponse>;
}

export type RouteGroup = readonly RouteSpec[];

/** A parameter hash (`user[...]`), as opposed to a string or a list. */
export const isHash = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Rails merges the query and the body into `params`; a hash given in both is merged key by key. */
export function mergeParams(query: unknown, body: unknown): Params {
  const merged: Record<string, unknown> = isHash(query) ? { ...query } : {};
  if (!isHash(body)) return merged;
  for (const [key, value] of Object.entries(body)) {
    const existing = merged[key];
    merged[key] = isHash(existing) && isHash(value) ? { ...existing, ...value } : value;
  }
  return merged;
}

/** `params.require(key)`: a non-empty hash, else 400 ActionController::ParameterMissing. */
export function requireHash(params: Params, key: string): Params {
  const value = Object.hasOwn(params, key) ? params[key] : undefined;
  if (!isHash(value) || Object.keys(value).length === 0) throw parameterMissing(key);
  return value;
}

/** A string parameter of a hash; numbers read as their text, anything else as absent. */
export function textParam(params: Params, key: string): string | undefined {
  const value = Object.hasOwn(params, key) ? params[key] : undefined;
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

/** A record id from the path as ActiveRecord casts it (`"12abc"` is 12); anything else is not found. */
export function recordId(text: string, entity: string): number {
  const id = toI(text);
  if (!Number.isSafeInteger(id) || id <= 0) throw notFound(entity);
  return id;
}

function callOf(request: FastifyRequest, reply: FastifyReply, routes: DanbooruRoutes, format: RailsFormat): DanbooruCall {
  const pathParams = isHash(request.params) ? request.params : {};
  const rawId = typeof pathParams.id === 'string' ? pathParams.id : '';
  const query = isHash(request.query) ? request.query : {};
  const keys = rateLimitKeys(request.viewer.id, clientIp(request));
  return {
    request,
    viewer: request.viewer,
    reader: danbooruViewer(request.viewer),
    format,
    query,
    params: mergeParams(query, request.body),
    pathId: splitExtension(rawId).base,
    extension: urlExtension(request.url),
    origin: publicOrigin(routes.core.config, request),
    url: (path) => `${publicOrigin(routes.core.config, request)}${routes.prefix}${path}`,
    async rateLimit(rule) {
      const state = await routes.limiter.hit(rule, keys);
      const header = { 'x-rate-limit': rateLimitHeader(state) };
      reply.headers(header);
      if (state.limited) throw rateLimitError(header);
    },
    refund: (rule) => routes.limiter.refund(rule, keys),
  };
}

function send(reply: FastifyReply, response: DanbooruResponse, format: RailsFormat): FastifyReply {
  switch (response.kind) {
    case 'list':
      reply.type(CONTENT_TYPES[format]);
      return reply.send(format === 'xml' ? xmlList(response.root, response.child, response.records) : JSON.stringify(response.records));
    case 'record':
      reply.code(response.status ?? 200).type(CONTENT_TYPES[format]);
      if (response.location !== undefined) reply.header('location', response.location);
      return reply.send(format === 'xml' ? xmlRecord(response.root, response.record) : JSON.stringify(response.record));
    case 'empty':
      return reply.code(204).send();
    case 'redirect':
      return reply.code(response.status).header('location', response.location).send();
  }
}

/** Registers a route (and, for a path without a trailing parameter, its `.format` twin). */
export function registerRoute(app: FastifyInstance, routes: DanbooruRoutes, spec: RouteSpec): void {
  const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const choice = requestFormat(request);
    if (!choice.ok) throw unknownFormat();
    return send(reply, await spec.handle(callOf(request, reply, routes, choice.format)), choice.format);
  };
  const urls = /\/:[a-z_]+$/.test(spec.path) ? [spec.path] : [spec.path, `${spec.path}.:format`];
  // application_controller.rb: a key restricted to other actions or addresses is refused (403);
  // the shared authentication hook enforces the scope declared here.
  for (const url of urls) app.route({ method: spec.method as HTTPMethods[], url, handler, config: { scope: spec.action } });
}
