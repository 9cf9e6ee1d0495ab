import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Core } from '../core/context.js';
import { PASSWORD_WORK } from '../core/auth/passwords.js';
import { countStore, type StoreCounts } from '../core/stats.js';

/** Gauges computed from the database are refreshed at most this often, whatever the scrape rate. */
const STORE_COUNTS_TTL_MS = 60_000;

/** Request-latency buckets in seconds: a primary-key read is well under a millisecond. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** One answered request, as the metrics see it: labels are route patterns, never raw paths. */
export interface RequestSample {
  readonly dialect: string;
  readonly route: string;
  readonly method: string;
  readonly status: number;
  readonly seconds: number;
}

/**
 * Roster's Prometheus metrics for one core (every listener of a process shares them): requests,
 * logins, throttling, credential cache, change feed, database pool and statement time, sizes of
 * the store, and the process's own metrics.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'dialect' | 'route' | 'method' | 'status_class'>;
  private readonly latency: Histogram<'dialect' | 'route' | 'status_class'>;
  private readonly throttled: Counter<'dialect'>;
  private storeCounts: { readonly at: number; readonly counts: Promise<StoreCounts> } | null = null;

  constructor(private readonly core: Core) {
    const registers = [this.registry];
    // The standard process_* and nodejs_* series, under their usual names.
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: 'roster_http_requests_total',
      help: 'Requests answered',
      labelNames: ['dialect', 'route', 'method', 'status_class'],
      registers,
    });
    this.latency = new Histogram({
      name: 'roster_http_request_duration_seconds',
      help: 'Time to answer a request',
      labelNames: ['dialect', 'route', 'status_class'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.throttled = new Counter({
      name: 'roster_http_throttled_total',
      help: 'Requests refused by a rate limit or the login throttle (429)',
      labelNames: ['dialect'],
      registers,
    });
    this.observeCore(registers);
    this.observeDatabase(registers);
    this.observeStore(registers);
    this.observePasswordWork(registers);
  }

  recordRequest(sample: RequestSample): void {
    const statusClass = `${Math.floor(sample.status / 100)}xx`;
    this.requests.inc({ dialect: sample.dialect, route: sample.route, method: sample.method, status_class: statusClass });
    this.latency.observe({ dialect: sample.dialect, route: sample.route, status_class: statusClass }, sample.seconds);
    if (sample.status === 429) this.throttled.inc({ dialect: sample.dialect });
  }

  /** The exposition text and its content type. */
  async render(): Promise<{ readonly contentType: string; readonly body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private observeCore(registers: Registry[]): void {
    const logins = new Counter({ name: 'roster_logins_total', help: 'Password sign-ins by outcome and reason', labelNames: ['outcome', 'reason'], registers });
    const cache = new Counter({
      name: 'roster_credential_cache_total',
      help: 'Credential lookups answered from the cache (hit) or the database (miss)',
      labelNames: ['result'],
      registers,
    });
    const feed = this.core.changes;
    new Counter({
      name: 'roster_change_feed_reconnects_total',
      help: 'Times the change feed connection was re-established',
      registers,
      // Read from the feed at every scrape: the feed counts, the metric reports.
      collect() {
        this.reset();
        this.inc(feed.reconnects);
      },
    });
    const changes = this.core.changes;
    new Gauge({
      name: 'roster_change_feed_listening',
      help: '1 while changes made by other instances are being heard',
      registers,
      collect() {
        this.set(changes.listening ? 1 : 0);
      },
    });
    this.core.telemetry.observe((event) => {
      switch (event.kind) {
        case 'login':
          logins.inc({ outcome: event.outcome, reason: event.reason });
          break;
        case 'credential_cache':
          cache.inc({ result: event.result });
          break;
      }
    });
  }

  private observeDatabase(registers: Registry[]): void {
    const statements = new Histogram({
      name: 'roster_db_statement_duration_seconds',
      help: 'Time each database statement took',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.core.databaseObserver.onStatement((seconds) => statements.observe(seconds));
    const observer = this.core.databaseObserver;
    new Gauge({
      name: 'roster_db_pool_connections',
      help: 'PostgreSQL pool connections by state (absent on SQLite)',
      labelNames: ['state'],
      registers,
      collect() {
        const use = observer.poolUse();
        if (use === null) return;
        this.set({ state: 'total' }, use.total);
        this.set({ state: 'idle' }, use.idle);
        this.set({ state: 'waiting' }, use.waiting);
      },
    });
  }

  /** A queue that stays long means logins arrive faster than the cores can check passwords. */
  private observePasswordWork(registers: Registry[]): void {
    new Gauge({
      name: 'roster_password_work',
      help: 'Password hashes and checks of this process running, and waiting for a slot (at most the cores but one)',
      labelNames: ['state'],
      registers,
      collect() {
        this.set({ state: 'running' }, PASSWORD_WORK.running);
        this.set({ state: 'queued' }, PASSWORD_WORK.queued);
      },
    });
  }

  private observeStore(registers: Registry[]): void {
    const counts = (): Promise<StoreCounts> => this.currentStoreCounts();
    const gauge = (name: string, help: string, pick: (counts: StoreCounts) => number): void => {
      new Gauge({
        name,
        help,
        registers,
        async collect() {
          this.set(pick(await counts()));
        },
      });
    };
    gauge('roster_accounts', 'Accounts in the store, deleted (scrubbed) ones included', (c) => c.accounts);
    gauge('roster_active_bans', 'Bans in force', (c) => c.activeBans);
    gauge('roster_active_mutes', 'Mutes in force', (c) => c.activeMutes);
    gauge('roster_active_sessions', 'Sessions neither expired nor revoked', (c) => c.activeSessions);
  }

  private currentStoreCounts(): Promise<StoreCounts> {
    const now = this.core.now();
    if (this.storeCounts === null || now - this.storeCounts.at >= STORE_COUNTS_TTL_MS) {
      const counts = countStore(this.core, now);
      // A failed count is retried at the next scrape rather than cached.
      counts.catch(() => {
        this.storeCounts = null;
      });
      this.storeCounts = { at: now, counts };
    }
    return this.storeCounts.counts;
  }
}

const perCore = new WeakMap<Core, Metrics>();

/** The metrics of a core, created on first use and shared by every app built on it. */
export function metricsFor(core: Core): Metrics {
  let metrics = perCore.get(core);
  if (!metrics) {
    metrics = new Metrics(core);
    perCore.set(core, metrics);
  }
  return metrics;
}
