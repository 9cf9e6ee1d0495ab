import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { viewerIdOf } from './credentials.js';
import { redactUrl } from './logger.js';
import type { Metrics } from './metrics.js';

/** A request id a caller may hand us in `X-Request-Id`; anything else is replaced by our own. */
const ACCEPTED_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Paths probed by load balancers and scrapers: answered, but neither logged nor counted. */
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/** Fastify's request-id options: the caller's `X-Request-Id` when well-formed, else a UUID. */
export function requestIdOptions(): { readonly requestIdHeader: false; readonly genReqId: (request: { headers: Record<string, unknown> }) => string } {
  return {
    // Read in genReqId instead, so that a malformed id is replaced rather than trusted.
    requestIdHeader: false,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && ACCEPTED_REQUEST_ID.test(given) ? given : randomUUID();
    },
  };
}

/** The route pattern that answered (`/danbooru/users/:id`), never the raw path. */
function routeOf(request: FastifyRequest): string {
  return request.routeOptions.url ?? '(no route)';
}

/**
 * Every request counted in the metrics and its id echoed in `X-Request-Id`; with `accessLog`,
 * also one structured line (id, dialect, route pattern, status, duration, viewer), its URL with
 * secret-looking query values redacted. Headers are never logged.
 */
export function installRequestLog(app: FastifyInstance, metrics: Metrics, dialectOf: (url: string) => string, options: { readonly accessLog: boolean }): void {
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const url = request.url;
    const question = url.indexOf('?');
    if (QUIET_PATHS.has(question < 0 ? url : url.slice(0, question))) return done();
    const dialect = dialectOf(url);
    const route = routeOf(request);
    const seconds = reply.elapsedTime / 1000;
    metrics.recordRequest({ dialect, route, method: request.method, status: reply.statusCode, seconds });
    if (options.accessLog) {
      request.log.info(
        {
          dialect,
          method: request.method,
          route,
          url: redactUrl(url),
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime * 100) / 100,
          viewer: viewerIdOf(request),
          ip: request.ip,
        },
        'request',
      );
    }
    done();
  });
}
