import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase as SqliteDialectDatabase, type SqliteStatement } from 'kysely';
import pg from 'pg';
import { DEFAULT_PG_POOL_SIZE, type DatabaseConfig } from '../config.js';
import { regexpMatches } from './linear-regex.js';
import { REGEX_CALL_UNITS, RowBudget } from './row-budget.js';
import { withCompiledRows } from './sqlite-rows.js';
import type { Database } from './schema.js';

/**
 * What differs between the engines, named once (as Kysely's dialect adapters do). Code that must
 * behave differently per engine asks one of these capabilities, never the engine's name.
 */
export interface EngineCapabilities {
  /** The engine's name: for migrations (whose DDL is written per engine) and diagnostics only. */
  readonly engine: 'sqlite' | 'postgres';
  /**
   * How substring search is indexed: PostgreSQL's pg_trgm GIN indexes serve `LIKE '%v%'`
   * directly; on SQLite an FTS5 trigram table (`users_fts`, joined by rowid) narrows the rows.
   */
  readonly substringIndex: 'fts5-trigram' | 'pg-trgm';
  /** `~` regular expressions (PostgreSQL ERE); SQLite gets a `regexp()` function instead. */
  readonly regexOperator: '~' | 'regexp';
  /**
   * How other instances learn of a change: `listen-notify` pushes it (`pg_notify` on commit);
   * `data-version` makes each instance ask `PRAGMA data_version` before a cache read.
   */
  readonly changeNotifications: 'listen-notify' | 'data-version';
  /**
   * A write transaction must take the write lock at `BEGIN` (SQLite's `BEGIN IMMEDIATE`), or
   * ids read inside it could be taken by another process before it writes.
   */
  readonly immediateWriteLock: boolean;
  /**
   * Where new ids come from: an identity `sequence` (reserve with `nextval`, move past explicit
   * ids with `setval`) or `autoincrement` (the next id above every one used; follows explicit
   * ids by itself).
   */
  readonly idSource: 'sequence' | 'autoincrement';
  /**
   * Writers run concurrently (read committed), so a check-then-insert that must see every
   * other writer takes a transaction-scoped advisory lock. SQLite serializes writers already.
   */
  readonly concurrentWriters: boolean;
  /**
   * Strings order by the database collation (PostgreSQL), so ordering and ranges add
   * `collate "C"` to compare by code point as SQLite does.
   */
  readonly collatedText: boolean;
  /**
   * A parameter takes the type of the column it is compared with (PostgreSQL), so integer
   * parameters are cast to `bigint` to accept any id without failing above 2^31-1.
   */
  readonly typedParameters: boolean;
  /** How a long `IN` list is bound as one parameter: a JSON text read by `json_each`, or an array. */
  readonly listParameter: 'json-each' | 'array';
  /**
   * How bulk writes (seed, import) send rows: thousands as one JSON parameter read by
   * `json_populate_recordset` (PostgreSQL parses and plans a multi-row `values` each time), or
   * one prepared row at a time (SQLite runs them in process).
   */
  readonly bulkInsert: 'json-recordset' | 'row-statements';
  /** Where the statements that create a table's indexes are read: `pg_index`, or `sqlite_master`. */
  readonly indexCatalog: 'pg-index' | 'sqlite-master';
  /** The connection's own page cache can be sized (`PRAGMA cache_size`); PostgreSQL's is the server's. */
  readonly connectionPageCache: boolean;
  /** A transaction can give index builds more memory (`maintenance_work_mem`). */
  readonly indexBuildMemory: boolean;
  /** `LIKE` tells case apart (PostgreSQL); SQLite's folds ASCII, so case-sensitive wildcards use `GLOB`. */
  readonly caseSensitiveLike: boolean;
  /** `LIKE` escapes with a backslash by default (PostgreSQL); SQLite needs `ESCAPE '\\'`. */
  readonly likeEscapesByDefault: boolean;
  /**
   * A literal prefix is served by `LIKE 'v%'` (a `text_pattern_ops` index), or by a range on the
   * column (SQLite cannot use an index for a `LIKE` with `ESCAPE`).
   */
  readonly prefixSearch: 'like' | 'range';
  /** Statements can be given a time limit (`statement_timeout`). */
  readonly statementTimeout: boolean;
  /**
   * SQLite has no statement timeout and runs on the event loop: a search instead calls
   * `roster_budget(limit, units)` on the rows it examines (subqueries included), which aborts
   * the statement once it has spent `limit` (see row-budget.ts).
   */
  readonly rowBudget: boolean;
  /**
   * The planner chooses between a filter's index and the order's index without weighing the
   * `LIMIT` (SQLite): for a filter keeping many rows it reads them all and sorts them, where
   * walking the order's index would fill the page after a few rows. PostgreSQL weighs the limit.
   */
  readonly limitBlindPlanner: boolean;
}

export { StatementBudgetExceeded } from './row-budget.js';

/** How busy the PostgreSQL pool is; SQLite has one connection and no pool. */
export interface PoolUse {
  readonly total: number;
  readonly idle: number;
  readonly waiting: number;
}

/** What metrics read of the database layer: pool use and the time each statement took. */
export interface DatabaseObserver {
  poolUse(): PoolUse | null;
  /** Calls `listener` with every statement's duration in seconds (and its SQL); returns the function that stops it. */
  onStatement(listener: StatementListener): () => void;
}

const SQLITE_CAPABILITIES: EngineCapabilities = Object.freeze({
  engine: 'sqlite',
  substringIndex: 'fts5-trigram',
  regexOperator: 'regexp',
  changeNotifications: 'data-version',
  immediateWriteLock: true,
  idSource: 'autoincrement',
  concurrentWriters: false,
  collatedText: false,
  typedParameters: false,
  listParameter: 'json-each',
  bulkInsert: 'row-statements',
  indexCatalog: 'sqlite-master',
  connectionPageCache: true,
  indexBuildMemory: false,
  caseSensitiveLike: false,
  likeEscapesByDefault: false,
  prefixSearch: 'range',
  statementTimeout: false,
  rowBudget: true,
  limitBlindPlanner: true,
});

const POSTGRES_CAPABILITIES: EngineCapabilities = Object.freeze({
  engine: 'postgres',
  substringIndex: 'pg-trgm',
  regexOperator: '~',
  changeNotifications: 'listen-notify',
  immediateWriteLock: false,
  idSource: 'sequence',
  concurrentWriters: true,
  collatedText: true,
  typedParameters: true,
  listParameter: 'array',
  bulkInsert: 'json-recordset',
  indexCatalog: 'pg-index',
  connectionPageCache: false,
  indexBuildMemory: true,
  caseSensitiveLike: true,
  likeEscapesByDefault: true,
  prefixSearch: 'like',
  statementTimeout: true,
  rowBudget: false,
  limitBlindPlanner: false,
});

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly caps: EngineCapabilities;
  /**
   * A counter that changes whenever another connection (another process, e.g. the CLI) has
   * committed to the database since the last call; `null` where the engine pushes
   * notifications instead (PostgreSQL).
   */
  readonly dataVersion: (() => number) | null;
  readonly pgPool: pg.Pool | null;
  readonly observer: DatabaseObserver;
  close(): Promise<void>;
}

/** A statement that ran: its text and bound values (for plan checks; never logged, values may be secret). */
export interface RanStatement {
  readonly sql: string;
  readonly parameters: readonly unknown[];
}

export type StatementListener = (seconds: number, statement: RanStatement) => void;

/** Statement listeners, fed by Kysely's query log (which measures each query's duration). */
class StatementListeners {
  private readonly listeners = new Set<StatementListener>();

  add(listener: StatementListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  readonly log = (event: { readonly queryDurationMillis: number; readonly query: RanStatement }): void => {
    for (const listener of this.listeners) listener(event.queryDurationMillis / 1000, event.query);
  };
}

// PostgreSQL returns int8 as strings; our int8 columns are millisecond timestamps, well inside 2^53.
pg.types.setTypeParser(20, (value) => Number(value));

/** Opens the configured database with the settings Roster relies on. */
export function openDatabase(config: DatabaseConfig): DatabaseHandle {
  return config.engine === 'sqlite' ? openSqlite(config.path) : openPostgres(config.url, config.poolSize ?? DEFAULT_PG_POOL_SIZE);
}

function openSqlite(path: string): DatabaseHandle {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SqliteDatabase(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // SQLite's own lower() folds ASCII only; PostgreSQL's folds all of Unicode. Same rows on both.
  sqlite.function('lower', { deterministic: true }, (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : value));
  // RE2: linear-time matching, so no pattern can stall the event loop (linear-regex.ts); each
  // call counts against the search's row budget (row-budget.ts).
  const budget = new RowBudget();
  sqlite.function('regexp', { deterministic: true }, (pattern: unknown, value: unknown) => {
    budget.charge(REGEX_CALL_UNITS);
    return regexpMatches(pattern, value);
  });
  // Not deterministic, so SQLite calls it for every row it examines instead of once.
  sqlite.function('roster_budget', { deterministic: false }, budget.row);
  const versionStatement = sqlite.prepare('PRAGMA data_version').pluck();
  const statements = new StatementListeners();
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite, budget) }), log: statements.log });
  return {
    db,
    caps: SQLITE_CAPABILITIES,
    dataVersion: () => versionStatement.get() as number,
    pgPool: null,
    observer: { poolUse: () => null, onStatement: (listener) => statements.add(listener) },
    close: () => db.destroy(),
  };
}

function openPostgres(url: string, poolSize: number): DatabaseHandle {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client whose connection dies (server restart, database dropped) is replaced by the
  // pool on next use; without a listener the error would crash the process.
  pool.on('error', () => {});
  // A client checked out of the pool (inside a transaction, between two queries) whose connection
  // is killed emits 'error' with nobody listening: without this, one terminated backend would
  // crash the process. The query in flight fails on its own (a 503); the pool drops the client.
  pool.on('connect', (client) => {
    client.on('error', () => {});
    usePreparedStatements(client);
  });
  const statements = new StatementListeners();
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: statements.log });
  return {
    db,
    caps: POSTGRES_CAPABILITIES,
    dataVersion: null,
    pgPool: pool,
    observer: {
      poolUse: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
      onStatement: (listener) => statements.add(listener),
    },
    close: () => db.destroy(),
  };
}

/** SQL texts of the fixed lookups (query/fixed-query.ts), each with its statement name. */
const preparedNames = new Map<string, string>();

/**
 * Marks a SQL text whose statement PostgreSQL should parse and plan once per connection: the
 * fixed lookups run on every request. Only fixed texts are marked, so that the statements each
 * connection keeps stay few (searches build SQL that varies with the request).
 */
export function markPrepared(text: string): void {
  if (!preparedNames.has(text)) preparedNames.set(text, `roster_${preparedNames.size + 1}`);
}

/**
 * Sends the marked texts as named statements (`pg` prepares each on first use per connection).
 * A statement prepared before another instance migrated the schema fails once with "cached plan
 * must not change result type" (0A000); that connection then sends its text unnamed.
 */
function usePreparedStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
  const stale = new Set<string>();
  (client as { query: unknown }).query = (text: unknown, values?: unknown, callback?: unknown) => {
    const name = typeof text === 'string' ? preparedNames.get(text) : undefined;
    if (name === undefined || stale.has(name) || typeof values === 'function' || callback !== undefined) return query(text, values, callback);
    return query({ name, text, values }).catch((error: unknown) => {
      if ((error as { code?: unknown }).code !== '0A000') throw error;
      stale.add(name);
      return query(text, values);
    });
  };
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely prepares every query anew; compiling the SQL was the largest single cost of a simple
 * lookup. The same SQL text (values are parameters) reuses its prepared statement. Reuse is
 * safe because Kysely runs one query at a time on the connection. Rows are read as arrays into
 * compiled literals (sqlite-rows.ts), which name the columns a statement had when prepared: when
 * the schema changes (`roster migrate` from another process, or our own migrations), SQLite
 * re-prepares a statement by itself and `select *` may return other columns, so the cache starts
 * over. A statement that names each column it returns keeps them, in its own order, however the
 * table changes (a column gone is an error): only a text holding `*` (and a new text) reads the
 * schema cookie first, which opens a read transaction of its own (~13 µs on a busy WAL, as much
 * as a lookup by id). Each statement's row budget (row-budget.ts) starts over here too.
 */
function withStatementCache(sqlite: SqliteDatabase.Database, budget: RowBudget): SqliteDialectDatabase {
  const statements = new Map<string, { readonly statement: SqliteStatement; readonly wildcard: boolean }>();
  const noop = sqlite.prepare('select 0 where 0');
  const schemaVersion = sqlite.prepare('PRAGMA schema_version').pluck();
  // The connection re-reads its copy of the schema only when a statement reads the database;
  // until then a new statement would still be prepared (and name its columns) by the old one.
  const rereadSchema = sqlite.prepare('select 1 from sqlite_schema where 0');
  let preparedUnder: unknown = schemaVersion.get();
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      // On SQLITE_FULL, IOERR, BUSY or NOMEM SQLite may roll the transaction back by itself;
      // Kysely's ROLLBACK would then fail ("no transaction is active") and hide the real error.
      if (text === 'rollback' && !sqlite.inTransaction) return noop;
      // Kysely prepares each statement right before running it, one at a time.
      budget.startStatement();
      const cached = statements.get(text);
      if (cached !== undefined && !cached.wildcard) return cached.statement;
      const schema = schemaVersion.get();
      if (schema !== preparedUnder) {
        rereadSchema.all();
        statements.clear();
        preparedUnder = schema;
      } else if (cached !== undefined) return cached.statement;
      const statement = withCompiledRows(sqlite.prepare(text));
      if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
      // Any `*` (`select *`, `t.*`, `returning *`, and to be safe `count(*)` or a product).
      statements.set(text, { statement, wildcard: text.includes('*') });
      return statement;
    },
  };
}
