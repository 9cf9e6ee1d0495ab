import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase as SqliteDialectDatabase } from 'kysely';
import pg from 'pg';
import type { DatabaseConfig } from '../config.js';
import { regexpMatches } from './linear-regex.js';
import { REGEX_CALL_UNITS, RowBudget } from './row-budget.js';
import type { Database } from './schema.js';

/**
 * What differs between the engines, named once. Code that must behave differently per engine
 * asks these capabilities instead of testing the engine name.
 */
export interface EngineCapabilities {
  readonly engine: 'sqlite' | 'postgres';
  /** Substring search is served by an FTS5 trigram table (`users_fts`) joined by rowid. */
  readonly substringIndex: 'fts5-trigram' | 'pg-trgm';
  /** `~` regular expressions (PostgreSQL ERE); SQLite gets a `regexp()` function instead. */
  readonly regexOperator: '~' | 'regexp';
  /** `LISTEN/NOTIFY` carries cache invalidations between instances. */
  readonly notifications: boolean;
  /** Statements can be given a time limit (`statement_timeout`). */
  readonly statementTimeout: boolean;
  /**
   * SQLite has no statement timeout and runs on the event loop: a search instead calls
   * `roster_budget(token, units)` on every row it examines (subqueries included), which aborts
   * the statement once it has spent `units` (see row-budget.ts).
   */
  readonly rowBudget: boolean;
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
  /** Calls `listener` with every statement's duration in seconds; returns the function that stops it. */
  onStatement(listener: (seconds: number) => void): () => void;
}

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

/** Statement listeners, fed by Kysely's query log (which measures each query's duration). */
class StatementListeners {
  private readonly listeners = new Set<(seconds: number) => void>();

  add(listener: (seconds: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  readonly log = (event: { readonly queryDurationMillis: number }): void => {
    for (const listener of this.listeners) listener(event.queryDurationMillis / 1000);
  };
}

// PostgreSQL returns int8 as strings; our int8 columns are millisecond timestamps, well inside 2^53.
pg.types.setTypeParser(20, (value) => Number(value));

/** Opens the configured database with the settings Roster relies on. */
export function openDatabase(config: DatabaseConfig): DatabaseHandle {
  return config.engine === 'sqlite' ? openSqlite(config.path) : openPostgres(config.url);
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
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }), log: statements.log });
  return {
    db,
    caps: Object.freeze({ engine: 'sqlite', substringIndex: 'fts5-trigram', regexOperator: 'regexp', notifications: false, statementTimeout: false, rowBudget: true }),
    dataVersion: () => versionStatement.get() as number,
    pgPool: null,
    observer: { poolUse: () => null, onStatement: (listener) => statements.add(listener) },
    close: () => db.destroy(),
  };
}

function openPostgres(url: string): DatabaseHandle {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle client whose connection dies (server restart, database dropped) is replaced by the
  // pool on next use; without a listener the error would crash the process.
  pool.on('error', () => {});
  const statements = new StatementListeners();
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: statements.log });
  return {
    db,
    caps: Object.freeze({ engine: 'postgres', substringIndex: 'pg-trgm', regexOperator: '~', notifications: true, statementTimeout: true, rowBudget: false }),
    dataVersion: null,
    pgPool: pool,
    observer: {
      poolUse: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
      onStatement: (listener) => statements.add(listener),
    },
    close: () => db.destroy(),
  };
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely prepares every query anew; compiling the SQL was the largest single cost of a simple
 * lookup. The same SQL text (values are parameters) reuses its prepared statement. Reuse is
 * safe because Kysely runs one query at a time on the connection.
 */
function withStatementCache(sqlite: SqliteDatabase.Database): SqliteDialectDatabase {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      let statement = statements.get(text);
      if (statement === undefined) {
        statement = sqlite.prepare(text);
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
        statements.set(text, statement);
      }
      return statement;
    },
  };
}
