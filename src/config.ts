import { parseIpRange } from './core/auth/ip-ranges.js';
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/** Names of the dialects Roster serves; each is mounted at `/<name>` on the main port. */
export const DIALECT_NAMES = ['danbooru', 'e621', 'cvat', 'civitai', 'stack'] as const;
export type DialectName = (typeof DIALECT_NAMES)[number];

/**
 * Every environment variable Roster reads, with its meaning and default: the single source of
 * validation and of the README's configuration table (`npm run docs:config` writes it,
 * `npm run docs:config -- --check` fails when the two drift).
 */
export const EnvSchema = Type.Object({
  PORT: Type.Optional(Type.String({ pattern: '^[0-9]{1,5}$', default: '3000', description: 'main port' })),
  HOST: Type.Optional(Type.String({ minLength: 1, default: '127.0.0.1', description: 'listen address' })),
  ROSTER_DATABASE_URL: Type.Optional(
    Type.String({
      pattern: '^(sqlite:|postgres(ql)?://)',
      default: 'sqlite:./data/roster.db',
      description: '`sqlite:<file>` or `postgres://user@host:port/db`',
    }),
  ),
  ROSTER_PG_POOL_SIZE: Type.Optional(
    Type.String({
      pattern: '^[1-9][0-9]{0,2}$',
      default: '8',
      description:
        'PostgreSQL connections per instance: one Node process keeps a few busy; more only queue in the server (mind its `max_connections` across instances). Searches may hold all but two of them at once (at least one)',
    }),
  ),
  ROSTER_DIALECT_PORTS: Type.Optional(Type.String({ description: '`dialect=port,…`: also serve a dialect at the root of an extra port' })),
  ROSTER_PASSWORD_MIN_LENGTH: Type.Optional(
    Type.String({ pattern: '^[0-9]{1,3}$', default: '8', description: 'minimum password length (maximum is 128; no composition rules)' }),
  ),
  ROSTER_SIGNUPS_OPEN: Type.Optional(Type.String({ pattern: '^(true|false|1|0)$', default: 'true', description: 'whether anonymous callers may sign up' })),
  ROSTER_LOG_LEVEL: Type.Optional(
    Type.String({
      pattern: '^(fatal|error|warn|info|debug|trace|silent)$',
      default: 'info',
      description: '`fatal` … `trace`, or `silent`',
    }),
  ),
  ROSTER_ACCESS_LOG: Type.Optional(
    Type.String({
      pattern: '^(true|false|1|0)$',
      default: 'false',
      description: 'log one line per request at `info` (request id, dialect, route, status, duration, viewer id; secret query values redacted, no headers)',
    }),
  ),
  ROSTER_LOG_FORMAT: Type.Optional(
    Type.String({ pattern: '^(json|pretty)$', default: 'json', description: '`json` (one object a line) or `pretty` (for a terminal)' }),
  ),
  ROSTER_BASE_URL: Type.Optional(
    Type.String({
      description:
        'public origin (and path prefix), e.g. `https://users.example.com`: `Location` headers and absolute URLs are built from it instead of the `Host` header',
    }),
  ),
  ROSTER_TRUST_PROXY: Type.Optional(
    Type.String({
      description:
        'addresses or CIDR ranges of trusted reverse proxies, comma-separated (`10.0.0.0/8,::1`): their `X-Forwarded-For` names the client for throttles, login records, key address limits and rate limits',
    }),
  ),
  ROSTER_SESSION_IDLE_MINUTES: Type.Optional(
    Type.String({ pattern: '^[0-9]{1,7}$', default: '10080', description: 'a session unused this long is refused; `0`: never idle out' }),
  ),
  ROSTER_LOGIN_ATTEMPTS_RETENTION_DAYS: Type.Optional(
    Type.String({ pattern: '^[0-9]{1,5}$', default: '90', description: 'sign-in attempts older than this are pruned' }),
  ),
  ROSTER_IMPORT_MAX_MB: Type.Optional(
    Type.String({ pattern: '^[0-9]{1,5}$', default: '64', description: 'largest JSON Lines body `POST /v1/imports` accepts, in MiB' }),
  ),
  ROSTER_BREACHED_PASSWORDS: Type.Optional(
    Type.String({ pattern: '^(true|false|1|0)$', default: 'true', description: 'check new passwords against the shipped list of breached passwords' }),
  ),
  ROSTER_METRICS_TOKEN: Type.Optional(Type.String({ minLength: 16, description: 'bearer token `GET /metrics` requires on the main port (16+ characters)' })),
  ROSTER_METRICS_PORT: Type.Optional(
    Type.String({ pattern: '^[0-9]{1,5}$', description: 'serve `/metrics` (unauthenticated) on this port of `HOST` instead of the main port' }),
  ),
  ROSTER_READY_TIMEOUT_MS: Type.Optional(
    Type.String({ pattern: '^[0-9]{1,6}$', default: '1000', description: 'how long `/readyz` waits for the database before answering 503' }),
  ),
  ROSTER_DRAIN_MS: Type.Optional(
    Type.String({
      pattern: '^[0-9]{1,6}$',
      default: '0',
      description: "on SIGTERM, how long `/readyz` answers 503 before listeners close (give it your load balancer's check interval)",
    }),
  ),
  ROSTER_E621_REQUIRE_USER_AGENT: Type.Optional(
    Type.String({ pattern: '^(true|false|1|0)$', default: 'false', description: 'refuse e621 requests without a descriptive User-Agent, as e621 does' }),
  ),
  ROSTER_CIVITAI_CORS_ORIGINS: Type.Optional(
    Type.String({
      description:
        "`https://a.example,https://b.example`: origins allowed to call Civitai's `/api/v1/me` with credentials from a browser (the first is the default)",
    }),
  ),
});

export type DatabaseConfig =
  | { readonly engine: 'sqlite'; readonly path: string }
  /** `poolSize`: connections in the pool (`ROSTER_PG_POOL_SIZE`, default {@link DEFAULT_PG_POOL_SIZE}). */
  | { readonly engine: 'postgres'; readonly url: string; readonly poolSize?: number };

export const DEFAULT_PG_POOL_SIZE = 8;

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly database: DatabaseConfig;
  /** Extra ports serving one dialect at their root, e.g. `{ e621: 3621 }`. */
  readonly dialectPorts: Readonly<Partial<Record<DialectName, number>>>;
  readonly passwordMinLength: number;
  /** Longest password accepted (ASVS 6.2.9 asks for at least 64). */
  readonly passwordMaxLength: number;
  readonly signupsOpen: boolean;
  readonly logLevel: string;
  readonly logFormat: 'json' | 'pretty';
  /** One log line per request (at `info`); off by default, as it costs more than a cached read. */
  readonly accessLog: boolean;
  /** Where metrics are served: behind a bearer token on the main port, on their own port, or not at all. */
  readonly metrics: MetricsConfig;
  readonly readyTimeoutMs: number;
  readonly drainMs: number;
  /** e621's edge rule (help:api): refuse requests without a descriptive User-Agent. Off by default. */
  readonly e621RequireUserAgent: boolean;
  /**
   * Origins whose pages may call Civitai's credentialed endpoints (`/api/v1/me`) from a browser,
   * e.g. `https://civitai.example,https://developer.civitai.example`; the first is the default.
   */
  readonly civitaiCorsOrigins: readonly string[];
  /**
   * The public origin (and path prefix) clients reach Roster at; `Location` headers and absolute
   * URLs are built from it instead of the request's `Host`. Null: from the request.
   */
  readonly baseUrl: string | null;
  /** Proxies whose `X-Forwarded-For` is believed (Fastify's `trustProxy`); empty: none. */
  readonly trustProxy: readonly string[];
  /** A session unused for this long is refused; 0: sessions never expire when idle. */
  readonly sessionIdleMs: number;
  /** Login attempts older than this are pruned. */
  readonly loginAttemptsRetentionMs: number;
  /** Whether new passwords are checked against the shipped list of commonly breached ones. */
  readonly breachedPasswordCheck: boolean;
  /** The largest body `POST /v1/imports` accepts, in bytes. */
  readonly importMaxBytes: number;
}

export type MetricsConfig =
  { readonly exposure: 'off' } | { readonly exposure: 'token'; readonly token: string } | { readonly exposure: 'port'; readonly port: number };

/** Seven days: a session left alone for a week must be signed into again. */
export const DEFAULT_SESSION_IDLE_MINUTES = 7 * 24 * 60;

export class ConfigError extends Error {}

/** Parses `ROSTER_DATABASE_URL` (`sqlite:./data/roster.db`, `sqlite::memory:` or `postgres://…`). */
export function parseDatabaseUrl(url: string): DatabaseConfig {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (path === '') throw new ConfigError('ROSTER_DATABASE_URL: sqlite: needs a file path or :memory:');
    return Object.freeze({ engine: 'sqlite', path });
  }
  if (/^postgres(ql)?:\/\//.test(url)) return Object.freeze({ engine: 'postgres', url });
  throw new ConfigError('ROSTER_DATABASE_URL must start with sqlite: or postgres://');
}

/** Parses `ROSTER_DIALECT_PORTS`, e.g. `e621=3621,danbooru=3622`. */
export function parseDialectPorts(text: string): Partial<Record<DialectName, number>> {
  const ports: Partial<Record<DialectName, number>> = {};
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const match = /^([a-z0-9]+)=([0-9]{1,5})$/.exec(part);
    const name = match?.[1] as DialectName | undefined;
    if (!match || !name || !DIALECT_NAMES.includes(name)) {
      throw new ConfigError(`ROSTER_DIALECT_PORTS: cannot read "${part}" (expected dialect=port, dialects: ${DIALECT_NAMES.join(', ')})`);
    }
    ports[name] = Number(match[2]);
  }
  return ports;
}

/** Parses `ROSTER_CIVITAI_CORS_ORIGINS`: comma-separated `scheme://host[:port]` origins, kept normalized. */
export function parseOrigins(text: string): readonly string[] {
  const origins = text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const url = URL.canParse(part) ? new URL(part) : null;
      const bare =
        url !== null && url.pathname === '/' && !part.endsWith('//') && url.search === '' && url.hash === '' && url.username === '' && url.password === '';
      if (!url || !bare || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
        throw new ConfigError(`ROSTER_CIVITAI_CORS_ORIGINS: "${part}" is not an origin (scheme://host[:port])`);
      }
      return url.origin;
    });
  return Object.freeze([...new Set(origins)]);
}

function metricsConfig(token: string | undefined, port: string | undefined): MetricsConfig {
  if (port !== undefined) return { exposure: 'port', port: Number(port) };
  if (token !== undefined) return { exposure: 'token', token };
  return { exposure: 'off' };
}

/** Parses `ROSTER_BASE_URL`: an http(s) URL without query or fragment; trailing `/` dropped. */
export function parseBaseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`ROSTER_BASE_URL: "${text}" is not a URL`);
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new ConfigError('ROSTER_BASE_URL must be an http(s) URL without credentials, query or fragment');
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** Parses `ROSTER_TRUST_PROXY`: comma-separated addresses or CIDR ranges, e.g. `10.0.0.0/8,::1`. */
export function parseTrustProxy(text: string): readonly string[] {
  const entries = text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  for (const entry of entries) {
    if (parseIpRange(entry) === null) throw new ConfigError(`ROSTER_TRUST_PROXY: "${entry}" is not an IP address or CIDR range`);
  }
  return Object.freeze(entries);
}

function withPoolSize(database: DatabaseConfig, size: string | undefined): DatabaseConfig {
  return database.engine === 'postgres' && size !== undefined ? Object.freeze({ ...database, poolSize: Number(size) }) : database;
}

/** Reads the environment once into a frozen, typed configuration. Nothing else reads `process.env`. */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): Config {
  const picked = Object.fromEntries(Object.keys(EnvSchema.properties).flatMap((key) => (env[key] === undefined ? [] : [[key, env[key]]])));
  if (!Value.Check(EnvSchema, picked)) {
    const first = [...Value.Errors(EnvSchema, picked)][0];
    throw new ConfigError(`invalid environment: ${first?.path.slice(1) ?? ''} ${first?.message ?? ''}`.trim());
  }
  const e = picked;
  const minLength = e.ROSTER_PASSWORD_MIN_LENGTH ? Number(e.ROSTER_PASSWORD_MIN_LENGTH) : 8;
  return Object.freeze({
    port: e.PORT ? Number(e.PORT) : 3000,
    host: e.HOST ?? '127.0.0.1',
    database: withPoolSize(parseDatabaseUrl(e.ROSTER_DATABASE_URL ?? 'sqlite:./data/roster.db'), e.ROSTER_PG_POOL_SIZE),
    dialectPorts: Object.freeze(parseDialectPorts(e.ROSTER_DIALECT_PORTS ?? '')),
    passwordMinLength: Math.max(1, minLength),
    passwordMaxLength: 128,
    signupsOpen: e.ROSTER_SIGNUPS_OPEN === undefined ? true : ['true', '1'].includes(e.ROSTER_SIGNUPS_OPEN),
    logLevel: e.ROSTER_LOG_LEVEL ?? 'info',
    logFormat: e.ROSTER_LOG_FORMAT === 'pretty' ? 'pretty' : 'json',
    accessLog: ['true', '1'].includes(e.ROSTER_ACCESS_LOG ?? 'false'),
    metrics: Object.freeze(metricsConfig(e.ROSTER_METRICS_TOKEN, e.ROSTER_METRICS_PORT)),
    readyTimeoutMs: e.ROSTER_READY_TIMEOUT_MS ? Number(e.ROSTER_READY_TIMEOUT_MS) : 1000,
    drainMs: e.ROSTER_DRAIN_MS ? Number(e.ROSTER_DRAIN_MS) : 0,
    e621RequireUserAgent: ['true', '1'].includes(e.ROSTER_E621_REQUIRE_USER_AGENT ?? 'false'),
    civitaiCorsOrigins: parseOrigins(e.ROSTER_CIVITAI_CORS_ORIGINS ?? ''),
    baseUrl: e.ROSTER_BASE_URL ? parseBaseUrl(e.ROSTER_BASE_URL) : null,
    trustProxy: parseTrustProxy(e.ROSTER_TRUST_PROXY ?? ''),
    sessionIdleMs: Number(e.ROSTER_SESSION_IDLE_MINUTES ?? DEFAULT_SESSION_IDLE_MINUTES) * 60_000,
    loginAttemptsRetentionMs: Number(e.ROSTER_LOGIN_ATTEMPTS_RETENTION_DAYS ?? 90) * 24 * 60 * 60_000,
    breachedPasswordCheck: e.ROSTER_BREACHED_PASSWORDS === undefined ? true : ['true', '1'].includes(e.ROSTER_BREACHED_PASSWORDS),
    importMaxBytes: Math.max(1, Number(e.ROSTER_IMPORT_MAX_MB ?? 64)) * 1024 * 1024,
  });
}
