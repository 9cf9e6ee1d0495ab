import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/** Names of the dialects Roster serves; each is mounted at `/<name>` on the main port. */
export const DIALECT_NAMES = ['danbooru', 'e621', 'cvat', 'civitai', 'stack'] as const;
export type DialectName = (typeof DIALECT_NAMES)[number];

const EnvSchema = Type.Object({
  PORT: Type.Optional(Type.String({ pattern: '^[0-9]{1,5}$' })),
  HOST: Type.Optional(Type.String({ minLength: 1 })),
  ROSTER_DATABASE_URL: Type.Optional(Type.String({ pattern: '^(sqlite:|postgres(ql)?://)' })),
  ROSTER_DIALECT_PORTS: Type.Optional(Type.String()),
  ROSTER_PASSWORD_MIN_LENGTH: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$' })),
  ROSTER_SIGNUPS_OPEN: Type.Optional(Type.String({ pattern: '^(true|false|1|0)$' })),
  ROSTER_LOG_LEVEL: Type.Optional(Type.String({ pattern: '^(fatal|error|warn|info|debug|trace|silent)$' })),
  ROSTER_BASE_URL: Type.Optional(Type.String()),
});

export type DatabaseConfig =
  | { readonly engine: 'sqlite'; readonly path: string }
  | { readonly engine: 'postgres'; readonly url: string };

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
}

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
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^([a-z0-9]+)=([0-9]{1,5})$/.exec(part);
    const name = match?.[1] as DialectName | undefined;
    if (!match || !name || !DIALECT_NAMES.includes(name)) {
      throw new ConfigError(`ROSTER_DIALECT_PORTS: cannot read "${part}" (expected dialect=port, dialects: ${DIALECT_NAMES.join(', ')})`);
    }
    ports[name] = Number(match[2]);
  }
  return ports;
}

/** Reads the environment once into a frozen, typed configuration. Nothing else reads `process.env`. */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): Config {
  const picked = Object.fromEntries(
    Object.keys(EnvSchema.properties).flatMap((key) => (env[key] === undefined ? [] : [[key, env[key]]])),
  );
  if (!Value.Check(EnvSchema, picked)) {
    const first = [...Value.Errors(EnvSchema, picked)][0];
    throw new ConfigError(`invalid environment: ${first?.path.slice(1) ?? ''} ${first?.message ?? ''}`.trim());
  }
  const e = picked;
  const minLength = e.ROSTER_PASSWORD_MIN_LENGTH ? Number(e.ROSTER_PASSWORD_MIN_LENGTH) : 8;
  return Object.freeze({
    port: e.PORT ? Number(e.PORT) : 3000,
    host: e.HOST ?? '127.0.0.1',
    database: parseDatabaseUrl(e.ROSTER_DATABASE_URL ?? 'sqlite:./data/roster.db'),
    dialectPorts: Object.freeze(parseDialectPorts(e.ROSTER_DIALECT_PORTS ?? '')),
    passwordMinLength: Math.max(1, minLength),
    passwordMaxLength: 128,
    signupsOpen: e.ROSTER_SIGNUPS_OPEN === undefined ? true : ['true', '1'].includes(e.ROSTER_SIGNUPS_OPEN),
    logLevel: e.ROSTER_LOG_LEVEL ?? 'info',
  });
}
