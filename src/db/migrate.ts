import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { EngineCapabilities } from './database.js';
import type { Database } from './schema.js';
import * as initial from './migrations/0001-initial.js';
import * as signupOrigin from './migrations/0002-signup-origin-and-artist-tags.js';
import * as nameLengthIndex from './migrations/0003-name-length-index.js';
import * as emailUniqueLoginAttempts from './migrations/0004-email-unique-login-attempts.js';
import * as stackSessions from './migrations/0005-stack-sessions.js';
import * as rateBuckets from './migrations/0006-rate-buckets.js';
import * as usersByLevelIndex from './migrations/0007-users-by-level-index.js';

export interface MigrationContext {
  readonly engine: EngineCapabilities['engine'];
}

type MigrationModule = { up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> };

/** Every migration, in order. A new migration is a new file and a new line here. */
const MIGRATIONS: Readonly<Record<string, MigrationModule>> = {
  '0001-initial': initial,
  '0002-signup-origin-and-artist-tags': signupOrigin,
  '0003-name-length-index': nameLengthIndex,
  '0004-email-unique-login-attempts': emailUniqueLoginAttempts,
  '0005-stack-sessions': stackSessions,
  '0006-rate-buckets': rateBuckets,
  '0007-users-by-level-index': usersByLevelIndex,
};

class StaticMigrationProvider implements MigrationProvider {
  constructor(private readonly ctx: MigrationContext) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    return Object.fromEntries(Object.entries(MIGRATIONS).map(([name, module]) => [name, { up: (db: Kysely<unknown>) => module.up(db, this.ctx) }]));
  }
}

/** Brings the schema up to date; safe to run from several processes at once (Kysely takes a lock). */
export async function migrateToLatest(db: Kysely<Database>, caps: EngineCapabilities): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: new StaticMigrationProvider({ engine: caps.engine }),
    migrationTableName: 'roster_migrations',
    migrationLockTableName: 'roster_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error('migration failed', { cause: error });
  await repairSubstringIndex(db, caps);
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Names of the migrations this build knows that the database has not run (empty when current). */
export async function pendingMigrations(db: Kysely<Database>): Promise<string[]> {
  const done = await sql<{ name: string }>`select name from roster_migrations`.execute(db);
  const applied = new Set(done.rows.map((row) => row.name));
  return Object.keys(MIGRATIONS).filter((name) => !applied.has(name));
}

/**
 * Bulk loads on SQLite drop the `users_fts` triggers and re-create them at the end; a process
 * killed in between would leave substring search silently stale. Missing triggers are put
 * back and the index rebuilt, in one transaction.
 */
export async function repairSubstringIndex(db: Kysely<Database>, caps: EngineCapabilities): Promise<boolean> {
  if (caps.substringIndex !== 'fts5-trigram') return false;
  const present = await sql<{ name: string }>`select name from sqlite_master where type = 'trigger' and tbl_name = 'users'`.execute(db);
  const names = new Set(present.rows.map((row) => row.name));
  const missing = initial.USERS_FTS_TRIGGERS.filter((trigger) => !names.has(trigger.name));
  if (missing.length === 0) return false;
  await db.transaction().execute(async (trx) => {
    await sql`insert into users_fts(users_fts) values ('rebuild')`.execute(trx);
    for (const trigger of missing) await sql.raw(trigger.sql).execute(trx);
  });
  return true;
}
