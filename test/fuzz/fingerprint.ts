import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Core } from '../../src/core/context.js';

/**
 * Bookkeeping that an error answer may legitimately write: failed logins are counted (the login
 * throttle), limited attempts still pay (rate buckets), and credential use is recorded in the
 * background by a timer. Everything else must be as it was when the answer is an error.
 */
const BOOKKEEPING_TABLES = new Set(['auth_throttle', 'rate_buckets', 'roster_migrations', 'roster_migrations_lock']);
const BOOKKEEPING_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  api_keys: ['uses', 'last_used_at', 'last_ip'],
  sessions: ['last_seen_at'],
};

async function tableNames(core: Core): Promise<string[]> {
  const rows =
    core.caps.engine === 'sqlite'
      ? await sql<{
          name: string;
        }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'users_fts%' order by name`.execute(core.db)
      : await sql<{ name: string }>`select tablename as name from pg_tables where schemaname = current_schema() order by tablename`.execute(core.db);
  return rows.rows.map((row) => row.name).filter((name) => !BOOKKEEPING_TABLES.has(name));
}

/**
 * A cheap fingerprint of the data: a hash of every row of every table (the fuzz database holds a
 * few dozen rows), found from the catalogue so that tables added later are covered too.
 */
export async function fingerprint(core: Core): Promise<string> {
  const hash = createHash('sha256');
  for (const table of await tableNames(core)) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)} order by 1`.execute(core.db);
    const skip = BOOKKEEPING_COLUMNS[table] ?? [];
    hash.update(table);
    for (const row of rows.rows) {
      for (const column of skip) delete row[column];
      hash.update(JSON.stringify(row));
    }
  }
  return hash.digest('hex');
}
