import { setTimeout as sleep } from 'node:timers/promises';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config, DialectName } from './config.js';
import { openCore } from './core/create-core.js';
import { pruneLoginThrottle } from './core/auth/login-throttle.js';
import { buildApp } from './app.js';
import { registerMetricsOnly, type Lifecycle } from './http/health.js';
import { metricsFor } from './http/metrics.js';

const PRUNE_INTERVAL_MS = 60 * 60 * 1000;

export interface RunningServer {
  /** Where each listener answers: the main port first, then one per dialect port. */
  readonly urls: readonly string[];
  /** Stops accepting, lets requests in flight finish, then closes the database. Idempotent. */
  close(): Promise<void>;
}

/**
 * Opens the core (migrating the database) and listens on `config.host:config.port`, plus one
 * listener per `config.dialectPorts` entry serving that dialect at its root. All listeners
 * share one core, so one cache and one change feed.
 */
export async function startServer(config: Config): Promise<RunningServer> {
  const core = await openCore(config);
  const apps: FastifyInstance[] = [];
  const urls: string[] = [];
  // Failed-login counters outlive their window only as dead rows; clear them now and then.
  const pruning = setInterval(() => void pruneLoginThrottle(core, core.now()).catch(() => {}), PRUNE_INTERVAL_MS);
  pruning.unref();
  const lifecycle: Lifecycle = { draining: false };
  const shutdown = async (): Promise<void> => {
    // Readiness fails first, so a load balancer stops sending before the listeners close.
    lifecycle.draining = true;
    if (config.drainMs > 0 && apps.length > 0) await sleep(config.drainMs);
    clearInterval(pruning);
    await Promise.allSettled(apps.map((app) => app.close()));
    // Closing the core also writes the last second of credential use counts.
    await core.close();
  };
  try {
    const listeners: [FastifyInstance, number][] = [[buildApp(core, { lifecycle }), config.port]];
    for (const [name, port] of Object.entries(config.dialectPorts) as [DialectName, number][]) {
      listeners.push([buildApp(core, { only: name, lifecycle }), port]);
    }
    if (config.metrics.exposure === 'port') {
      const metricsApp = Fastify({ logger: false });
      registerMetricsOnly(metricsApp, metricsFor(core));
      listeners.push([metricsApp, config.metrics.port]);
    }
    for (const [app, port] of listeners) {
      apps.push(app);
      urls.push(await app.listen({ host: config.host, port }));
    }
  } catch (error) {
    await shutdown();
    throw error;
  }
  let closing: Promise<void> | null = null;
  return { urls, close: () => (closing ??= shutdown()) };
}

/**
 * Closes `server` gracefully on the first SIGINT or SIGTERM, then calls `onClosed` (the CLI
 * exits there). Returns a function that removes the handlers.
 */
export function closeOnSignals(server: RunningServer, onClosed: (error?: unknown) => void = () => {}): () => void {
  const handle = (): void => {
    remove();
    server.close().then(
      () => onClosed(),
      (error: unknown) => onClosed(error),
    );
  };
  const remove = (): void => {
    process.off('SIGINT', handle);
    process.off('SIGTERM', handle);
  };
  process.once('SIGINT', handle);
  process.once('SIGTERM', handle);
  return remove;
}
