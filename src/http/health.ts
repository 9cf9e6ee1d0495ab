import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { MetricsConfig } from '../config.js';
import type { Core } from '../core/context.js';
import { checkReadiness } from '../core/readiness.js';
import type { Metrics } from './metrics.js';

/** Set when a graceful shutdown begins, so `/readyz` tells the load balancer to drain us. */
export interface Lifecycle {
  draining: boolean;
}

const NO_STORE = 'no-store';

/**
 * `GET /healthz` (the process answers) and `GET /readyz` (it can serve: database, schema, change
 * feed, not draining), unauthenticated and cheap; 503 with a short JSON reason when not ready.
 */
export function registerHealth(app: FastifyInstance, core: Core, lifecycle: Lifecycle): void {
  app.get('/healthz', { logLevel: 'silent' }, async (_request, reply) => reply.header('cache-control', NO_STORE).send({ status: 'ok' }));
  app.get('/readyz', { logLevel: 'silent' }, async (_request, reply) => {
    reply.header('cache-control', NO_STORE);
    if (lifecycle.draining) return reply.code(503).send({ status: 'unavailable', reason: 'shutting down' });
    const readiness = await checkReadiness(core, core.config.readyTimeoutMs);
    if (!readiness.ready) return reply.code(503).send({ status: 'unavailable', reason: readiness.reason });
    return reply.send({ status: 'ready' });
  });
}

function bearerMatches(request: FastifyRequest, token: string): boolean {
  const header = request.headers.authorization ?? '';
  const match = /^Bearer (.+)$/i.exec(header);
  if (!match) return false;
  const given = Buffer.from(match[1]!);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function sendMetrics(metrics: Metrics, reply: FastifyReply): Promise<void> {
  const { contentType, body } = await metrics.render();
  await reply.header('content-type', contentType).header('cache-control', NO_STORE).send(body);
}

/**
 * `GET /metrics` on the main port, behind `ROSTER_METRICS_TOKEN`. Without a token (or with
 * metrics on their own port) the main port has no such route.
 */
export function registerMetricsRoute(app: FastifyInstance, metrics: Metrics, config: MetricsConfig): void {
  if (config.exposure !== 'token') return;
  app.get('/metrics', { logLevel: 'silent' }, async (request, reply) => {
    if (!bearerMatches(request, config.token)) {
      return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized' });
    }
    return sendMetrics(metrics, reply);
  });
}

/** The whole app of a `ROSTER_METRICS_PORT` listener: `/metrics` and nothing else. */
export function registerMetricsOnly(app: FastifyInstance, metrics: Metrics): void {
  app.get('/metrics', { logLevel: 'silent' }, async (_request, reply) => sendMetrics(metrics, reply));
}
