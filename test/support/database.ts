import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig, type Config } from '../../src/config.js';
import { openCore, type OpenCore } from '../../src/core/create-core.js';

export type Engine = 'sqlite' | 'postgres';

/**
 * `ROSTER_TEST_ENGINE`: `sqlite` (the default; never touches PostgreSQL), `postgres`, or `both`
 * (the suite on PostgreSQL, and the cross-engine tests in test/query/ on both engines, compared).
 */
const ASKED = process.env.ROSTER_TEST_ENGINE ?? 'sqlite';
if (!['sqlite', 'postgres', 'both'].includes(ASKED)) throw new Error(`ROSTER_TEST_ENGINE must be sqlite, postgres or both, not ${ASKED}`);

/** The engine a single-database test runs on. */
export const TEST_ENGINE: Engine = ASKED === 'sqlite' ? 'sqlite' : 'postgres';

/** The engines a cross-engine test opens: one unless `both` was asked for. */
export const TEST_ENGINES: readonly Engine[] = ASKED === 'both' ? ['sqlite', 'postgres'] : [TEST_ENGINE];

/** The server used for PostgreSQL runs; each test database is created and dropped on it. */
export const TEST_POSTGRES_URL = process.env.ROSTER_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  /** The URL to put in `ROSTER_DATABASE_URL` for another process or instance. */
  readonly url: string;
  drop(): Promise<void>;
}

/** Creates an empty database on the given engine (a temp SQLite file, or a new PostgreSQL database). */
export async function createTestDatabase(engine: Engine = TEST_ENGINE): Promise<TestDatabase> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'roster-test-'));
    return { url: `sqlite:${join(dir, 'roster.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `roster_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

export function testConfig(url: string, env: Record<string, string> = {}): Config {
  return loadConfig({ ROSTER_DATABASE_URL: url, ROSTER_LOG_LEVEL: 'silent', ...env });
}

export interface TestCore extends OpenCore {
  readonly database: TestDatabase;
  /** Closes the core and drops its database. */
  dispose(): Promise<void>;
}

/** A migrated core on a fresh database of the suite's engine. */
export async function createTestCore(options: { engine?: Engine; env?: Record<string, string>; now?: () => number } = {}): Promise<TestCore> {
  const database = await createTestDatabase(options.engine);
  const core = await openCore(testConfig(database.url, options.env), options.now ? { now: options.now } : {});
  return Object.assign(core, {
    database,
    async dispose() {
      await core.close();
      await database.drop();
    },
  });
}
