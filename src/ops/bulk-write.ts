import { sql, type Insertable, type Kysely } from 'kysely';
import { USERS_FTS_TRIGGERS } from '../db/migrations/0001-initial.js';
import type { Database } from '../db/schema.js';
import type { Core } from '../core/context.js';

/**
 * Bulk writing for seeding and import: big multi-row inserts inside large transactions, which
 * is what makes a million rows take seconds instead of minutes. Core code only; dialects and the
 * CLI reach it through seed.ts and transfer.ts.
 */

// Bound parameters per statement: SQLite allows 32766, PostgreSQL 65535; stay under both.
const MAX_PARAMETERS = 30_000;

type IdTable = 'users' | 'sanctions' | 'name_changes' | 'subscriptions';

/** Inserts `rows` (all with the same keys) in as few statements as the parameter limit allows. */
export async function insertRows<T extends keyof Database>(db: Kysely<Database>, table: T, rows: readonly Insertable<Database[T]>[]): Promise<void> {
  const first = rows[0];
  if (!first) return;
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / Object.keys(first).length));
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    // Kysely cannot relate a generic table name to its row type; `rows` is typed by the caller.
    await db.insertInto(table).values(chunk).execute();
  }
}

/**
 * Runs `fn` in a write transaction. On SQLite it is `BEGIN IMMEDIATE`, taking the write lock
 * first (waiting out a server writing to the same file), so that ids read inside cannot be
 * taken by another process before we insert them.
 */
export async function writeTransaction<T>(core: Pick<Core, 'db' | 'caps'>, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  if (!core.caps.immediateWriteLock) return core.db.transaction().execute(fn);
  return core.db.connection().execute(async (connection) => {
    await sql`begin immediate`.execute(connection);
    try {
      const result = await fn(connection);
      await sql`commit`.execute(connection);
      return result;
    } catch (error) {
      // Some errors end the transaction by themselves; the original error is the one to report.
      await sql`rollback`.execute(connection).catch(() => undefined);
      throw error;
    }
  });
}

/**
 * Reserves `count` new ids of `table`. PostgreSQL draws them from the identity
 * sequence (safe beside concurrent inserts); SQLite takes the next range above every id ever
 * used, which `writeTransaction` keeps to itself until commit.
 */
export async function reserveIds(db: Kysely<Database>, core: Pick<Core, 'caps'>, table: IdTable, count: number): Promise<number[]> {
  if (count <= 0) return [];
  if (core.caps.idSource === 'sequence') {
    const result = await sql<{ id: number }>`select nextval(pg_get_serial_sequence(${table}, 'id')) as id from generate_series(1, ${count})`.execute(db);
    return result.rows.map((row) => Number(row.id));
  }
  const next = await nextSqliteId(db, table);
  return Array.from({ length: count }, (_, index) => next + index);
}

/** The id SQLite's AUTOINCREMENT would give next. */
async function nextSqliteId(db: Kysely<Database>, table: IdTable): Promise<number> {
  const result = await sql<{ top: number | null; seq: number | null }>`select
      (select max(id) from ${sql.table(table)}) as top,
      (select seq from sqlite_sequence where name = ${table}) as seq`.execute(db);
  const row = result.rows[0];
  return Math.max(Number(row?.top ?? 0), Number(row?.seq ?? 0)) + 1;
}

/**
 * After inserting explicit ids on PostgreSQL, moves the identity sequence past them so that
 * later inserts do not collide. SQLite's AUTOINCREMENT follows explicit ids by itself.
 */
export async function syncIdSequence(db: Kysely<Database>, core: Pick<Core, 'caps'>, table: IdTable): Promise<void> {
  if (core.caps.idSource !== 'sequence') return;
  await sql`select setval(s.seq, greatest(coalesce(t.top, 0), coalesce(pg_sequence_last_value(s.seq::regclass), 0), 1))
    from (select pg_get_serial_sequence(${table}, 'id') as seq) s, (select max(id) as top from ${sql.table(table)}) t`.execute(db);
}

/**
 * Switches the SQLite substring index (`users_fts`) off for a bulk load: its triggers are
 * dropped, and on `resume` the index is rebuilt in one pass and the triggers re-created from the
 * schema's own definitions, in one transaction. Indexing a million rows at once is several
 * times faster than row by row. Searches made while paused miss the new rows; nothing else
 * changes. If the process dies while paused, the next migrate repairs the index
 * (db/migrate.ts `repairSubstringIndex`). PostgreSQL's trigram indexes need no help.
 */
export class SubstringIndexPause {
  private paused = false;

  constructor(private readonly core: Pick<Core, 'db' | 'caps'>) {}

  get isPaused(): boolean {
    return this.paused;
  }

  async pause(): Promise<void> {
    if (this.paused || this.core.caps.substringIndex !== 'fts5-trigram') return;
    await writeTransaction(this.core, async (trx) => {
      for (const trigger of USERS_FTS_TRIGGERS) await sql`drop trigger if exists ${sql.id(trigger.name)}`.execute(trx);
    });
    this.paused = true;
  }

  async resume(): Promise<void> {
    if (!this.paused) return;
    await writeTransaction(this.core, async (trx) => {
      await sql`insert into users_fts(users_fts) values ('rebuild')`.execute(trx);
      for (const trigger of USERS_FTS_TRIGGERS) await sql.raw(trigger.sql).execute(trx);
    });
    this.paused = false;
  }
}

/** Runs `fn` with the substring index paused (see {@link SubstringIndexPause}), resuming it whatever happens. */
export async function withSubstringIndexSuspended<T>(core: Pick<Core, 'db' | 'caps'>, fn: () => Promise<T>): Promise<T> {
  const pause = new SubstringIndexPause(core);
  await pause.pause();
  try {
    return await fn();
  } finally {
    await pause.resume();
  }
}

/**
 * Refreshes the planner's statistics after a bulk load. Without them PostgreSQL guessed that a
 * name prefix matches thousands of rows and walked the primary key backwards through a million
 * users instead of reading the prefix index (10 req/s against 4,000 in the benchmark).
 */
export async function refreshStatistics(core: Pick<Core, 'db'>): Promise<void> {
  // The same statement on both engines (SQLite fills sqlite_stat1/stat4).
  await sql`analyze`.execute(core.db);
}
