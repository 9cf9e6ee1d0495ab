import { CompiledQuery, sql, type Insertable, type Kysely } from 'kysely';
import type { EngineCapabilities } from '../db/database.js';
import { USERS_FTS_TRIGGERS } from '../db/migrations/0001-initial.js';
import type { Database } from '../db/schema.js';
import type { Core } from '../core/context.js';

/**
 * Bulk writing for seeding and import: prepared inserts inside large transactions, which
 * is what makes a million rows take seconds instead of minutes. Core code only; dialects and the
 * CLI reach it through seed.ts and transfer.ts.
 */

type IdTable = 'users' | 'sanctions' | 'name_changes' | 'subscriptions';

/**
 * Inserts `rows` (all with the same keys; a key `undefined` in the first row is left out, as Kysely
 * does) through SQL texts written once per shape: Kysely's builder spent more time parsing and
 * compiling a million rows than the database took to store them. SQLite runs one prepared row at
 * a time (a big multi-row `values` ran a third slower); PostgreSQL gets thousands of rows as one
 * JSON parameter (half the time of a multi-row `values`, which it parses and plans every time).
 * Every column of these tables is an integer or text, which JSON carries as they are.
 */
export async function insertRows<T extends keyof Database>(
  db: Kysely<Database>,
  caps: Pick<EngineCapabilities, 'bulkInsert'>,
  table: T,
  rows: readonly Insertable<Database[T]>[],
): Promise<void> {
  const first = rows[0];
  if (!first) return;
  const columns = Object.keys(first).filter((column) => first[column as keyof typeof first] !== undefined);
  const names = columns.map(quoteId).join(', ');
  if (caps.bulkInsert === 'json-recordset') {
    const text = `insert into ${quoteId(table)} (${names}) select ${names} from json_populate_recordset(null::${quoteId(table)}, $1)`;
    let parts: string[] = [];
    let chars = 0;
    const flush = async (): Promise<void> => {
      if (parts.length > 0) await db.executeQuery(CompiledQuery.raw(text, [`[${parts.join(',')}]`]));
      parts = [];
      chars = 0;
    };
    for (const row of rows) {
      const json = JSON.stringify(row);
      if (parts.length >= ROWS_PER_JSON || (parts.length > 0 && chars + json.length > JSON_CHARS_PER_STATEMENT)) await flush();
      parts.push(json);
      chars += json.length + 1;
    }
    await flush();
    return;
  }
  const text = `insert into ${quoteId(table)} (${names}) values (${columns.map(() => '?').join(', ')})`;
  const values = (row: Insertable<Database[T]>) => columns.map((column) => row[column as keyof typeof row]);
  for (const row of rows) await db.executeQuery(CompiledQuery.raw(text, values(row)));
}

const ROWS_PER_JSON = 5000;
/** And at most this much text per statement: an imported row can hold megabytes (V8 strings stop near 512 MiB). */
const JSON_CHARS_PER_STATEMENT = 32 * 1024 * 1024;

// Table and column names come from our own schema's keys, never from input.
const quoteId = (name: string): string => `"${name.replaceAll('"', '""')}"`;

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
    await writeTransaction(this.core, dropSubstringTriggers);
    this.paused = true;
  }

  async resume(): Promise<void> {
    if (!this.paused) return;
    await writeTransaction(this.core, rebuildSubstringIndex);
    this.paused = false;
  }
}

async function dropSubstringTriggers(trx: Kysely<Database>): Promise<void> {
  for (const trigger of USERS_FTS_TRIGGERS) await sql`drop trigger if exists ${sql.id(trigger.name)}`.execute(trx);
}

// FTS5 writes out the terms it holds in memory every `hashsize` bytes (1 MB by default); a rebuild
// in 64 MB pieces takes a fifth less time. The default is put back for row-by-row upkeep. FTS5
// takes the value only as a literal.
const FTS_DEFAULT_HASHSIZE = 1024 * 1024;
const FTS_REBUILD_HASHSIZE = 64 * 1024 * 1024;

async function rebuildSubstringIndex(trx: Kysely<Database>): Promise<void> {
  await sql`insert into users_fts(users_fts, rank) values ('hashsize', ${sql.lit(FTS_REBUILD_HASHSIZE)})`.execute(trx);
  await sql`insert into users_fts(users_fts) values ('rebuild')`.execute(trx);
  await sql`insert into users_fts(users_fts, rank) values ('hashsize', ${sql.lit(FTS_DEFAULT_HASHSIZE)})`.execute(trx);
  for (const trigger of USERS_FTS_TRIGGERS) await sql.raw(trigger.sql).execute(trx);
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

interface IndexDefinition {
  readonly name: string;
  readonly sql: string;
}

/** The indexes of `table` that enforce nothing (not unique, not a key), with the statements that create them. */
async function plainIndexes(db: Kysely<Database>, caps: Pick<EngineCapabilities, 'indexCatalog'>, table: string): Promise<IndexDefinition[]> {
  const query =
    caps.indexCatalog === 'pg-index'
      ? sql<IndexDefinition>`select c.relname as name, pg_get_indexdef(i.indexrelid) as sql
        from pg_index i join pg_class c on c.oid = i.indexrelid where i.indrelid = ${table}::regclass and not i.indisunique`
      : sql<IndexDefinition>`select m.name, m.sql from pragma_index_list(${table}) l
        join sqlite_master m on m.type = 'index' and m.name = l.name where l.origin = 'c' and not l."unique"`;
  return (await query.execute(db)).rows;
}

/**
 * Runs `load` inside the write transaction `trx` with the plain indexes of `table` dropped (and on
 * SQLite the substring index paused), then builds them again from all the rows at once: several
 * times faster than growing each index row by row in random order. DDL is transactional on both
 * engines, so if `load` fails or the process dies, the rollback puts every index back.
 * Unique indexes stay: they enforce constraints. On PostgreSQL the dropped indexes lock the table
 * against readers until commit, so use it only on a table nobody is reading yet.
 */
export async function withIndexesRebuilt<T>(trx: Kysely<Database>, core: Pick<Core, 'caps'>, table: 'users', load: () => Promise<T>): Promise<T> {
  const substring = core.caps.substringIndex === 'fts5-trigram';
  const indexes = await plainIndexes(trx, core.caps, table);
  for (const index of indexes) await sql`drop index ${sql.id(index.name)}`.execute(trx);
  if (substring) await dropSubstringTriggers(trx);
  const result = await load();
  // Index builds sort in memory up to this much (the default, 64 MB, spills the trigram indexes to disk).
  if (core.caps.indexBuildMemory) await sql`set local maintenance_work_mem = '256MB'`.execute(trx);
  for (const index of indexes) await sql.raw(index.sql).execute(trx);
  if (substring) await rebuildSubstringIndex(trx);
  return result;
}

// SQLite's default page cache (2 MB) is far smaller than the indexes a bulk load writes to in
// random order (names, emails): each insert then reads and writes pages back and forth.
const BULK_CACHE_KIB = 512 * 1024;

/** Runs `fn` with a large SQLite page cache on this connection, restoring the previous size after. */
export async function withLargeCache<T>(core: Pick<Core, 'db' | 'caps'>, fn: () => Promise<T>): Promise<T> {
  if (!core.caps.connectionPageCache) return fn();
  const before = await sql<{ cache_size: number }>`pragma cache_size`.execute(core.db);
  await sql.raw(`pragma cache_size = -${BULK_CACHE_KIB}`).execute(core.db);
  try {
    return await fn();
  } finally {
    await sql.raw(`pragma cache_size = ${Number(before.rows[0]?.cache_size ?? -2000)}`).execute(core.db);
  }
}
