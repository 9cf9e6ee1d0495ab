import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import type { Scope } from '../../core/auth/scopes.js';
import type { Core } from '../../core/context.js';
import type { Viewer } from '../../core/access/viewer.js';
import { CONTENT_TYPES, requestFormat, type RailsFormat } from '../rails/format.js';
import { rateLimitKeys, type RateLimiter, type RateRule } from '../rails/rate-limits.js';
import type { RailsRecord } from '../rails/record.js';
import { xmlList, xmlRecord } from '../rails/xml.js';
import { E621HttpError } from './errors.js';
import { e621TimeZone } from './render.js';

/**
 * The frame every e621 route shares: API key permission, format (JSON everywhere, XML only on
 * the legacy routes), the in-app throttle on signed-in writes, then the handler, which parses,
 * makes one core call and describes the answer.
 */
export interface E621Routes {
  readonly core: Core;
  /** Where the dialect is mounted: `/e621`, or `` at the root of a dialect port. */
  readonly prefix: string;
  readonly limiter: RateLimiter;
}

export type Params = Readonly<Record<string, unknown>>;

export interface E621Call {
  readonly request: FastifyRequest;
  readonly viewer: Viewer;
  readonly format: RailsFormat;
  /** Rails `params`: the query and the body, the body winning. */
  readonly params: Params;
  /** The path's `:id` without its format extension. */
  readonly pathId: string;
  /** The zone timestamps are written in. */
  readonly timeZone: string;
  /** An absolute URL under the dialect's prefix on the request's own origin. */
  url(path: string): string;
  /** The request's own URL with `query` (without `?`) instead of its query string. */
  here(query: string): string;
}

export type E621Response =
  | { readonly kind: 'list'; readonly records: readonly RailsRecord[] }
  | { readonly kind: 'record'; readonly record: RailsRecord; readonly status?: number }
  | { readonly kind: 'empty' }
  | { readonly kind: 'redirect'; readonly location: string };

export interface RouteSpec {
  readonly method: HTTPMethods | readonly HTTPMethods[];
  /** Served with and without a format extension; a trailing `:id` carries its own. */
  readonly path: string;
  /** The API key scope the route needs, in the core's vocabulary. */
  readonly action: Scope;
  /** The legacy API speaks XML too; e621ng answers `.xml` with 406. */
  readonly xml: boolean;
  readonly handle: (call: E621Call) => Promise<E621Response>;
}

/** e621's in-app throttle (specs part B6): signed-in, non-GET requests, 1 per second, burst 60. */
export const API_WRITE_RULE: RateRule = Object.freeze({ action: 'api', rate: 1, burst: 60, cost: 1 });

export const isHash = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

const FORMAT_EXTENSION = /\.(json|xml|html)$/i;

/** `alice.json` → `alice`: only a format extension is dropped (names may hold dots elsewhere). */
export const stripFormat = (segment: string): string => segment.replace(FORMAT_EXTENSION, '');

function mergeParams(query: unknown, body: unknown): Params {
  return { ...(isHash(query) ? query : {}), ...(isHash(body) ? body : {}) };
}

function callOf(request: FastifyRequest, format: RailsFormat, prefix: string): E621Call {
  const pathParams = isHash(request.params) ? request.params : {};
  const params = mergeParams(request.query, request.body);
  return {
    request,
    viewer: request.viewer,
    format,
    params,
    pathId: stripFormat(typeof pathParams.id === 'string' ? pathParams.id : ''),
    timeZone: e621TimeZone(request.viewer, params.time_zone),
    url: (path) => `${request.protocol}://${request.host}${prefix}${path}`,
    here: (query) => `${request.protocol}://${request.host}${request.url.split('?')[0] ?? ''}${query === '' ? '' : `?${query}`}`,
  };
}

function send(reply: FastifyReply, response: E621Response, format: RailsFormat): FastifyReply {
  switch (response.kind) {
    case 'list':
      reply.type(CONTENT_TYPES[format]);
      return reply.send(format === 'xml' ? xmlList('users', 'user', response.records) : JSON.stringify(response.records));
    case 'record':
      reply.code(response.status ?? 200).type(CONTENT_TYPES[format]);
      return reply.send(format === 'xml' ? xmlRecord('user', response.record) : JSON.stringify(response.record));
    case 'empty':
      return reply.code(204).send();
    case 'redirect':
      return reply.code(302).header('location', response.location).send();
  }
}

const unknownFormat = (): E621HttpError => new E621HttpError(406, { success: false, message: 'ActionController::UnknownFormat', code: null });

/** Charges the throttle for a signed-in write; sets `X-Api-Limit`; 429 when spent. */
async function throttle(routes: E621Routes, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (request.method === 'GET' || request.method === 'HEAD' || request.viewer.id === null) return;
  const state = await routes.limiter.hit(API_WRITE_RULE, rateLimitKeys(request.viewer.id, null));
  reply.header('x-api-limit', String(Math.max(0, Math.floor(Math.min(...Object.values(state.limits))))));
  if (state.limited) throw new E621HttpError(429, { success: false, message: 'Throttled: Too many requests', code: null });
}

/** Registers a route (and, for a path without a trailing parameter, its `.format` twin). */
export function registerRoute(app: FastifyInstance, routes: E621Routes, spec: RouteSpec): void {
  const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const choice = requestFormat(request);
    if (!choice.ok || (choice.format === 'xml' && !spec.xml)) throw unknownFormat();
    await throttle(routes, request, reply);
    return send(reply, await spec.handle(callOf(request, choice.format, routes.prefix)), choice.format);
  };
  const urls = /\/:[a-z_]+$/.test(spec.path) ? [spec.path] : [spec.path, `${spec.path}.:format`];
  // The shared authentication hook enforces the API key scope declared here (core authorizeCredential).
  for (const url of urls) app.route({ method: spec.method as HTTPMethods[], url, handler, config: { scope: spec.action } });
}
