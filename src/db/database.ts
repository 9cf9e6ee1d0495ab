import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase as SqliteDialectDatabase } from 'kysely';
import pg from 'pg';
import type { DatabaseConfig } from '../config.js';
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
}

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
  sqlite.function('regexp', { deterministic: true }, (pattern: unknown, value: unknown) => {
    if (typeof pattern !== 'string' || typeof value !== 'string') return 0;
    return safeRegExp(pattern)?.test(value) ? 1 : 0;
  });
  const versionStatement = sqlite.prepare('PRAGMA data_version').pluck();
  const statements = new StatementListeners();
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }), log: statements.log });
  return {
    db,
    caps: Object.freeze({ engine: 'sqlite', substringIndex: 'fts5-trigram', regexOperator: 'regexp', notifications: false }),
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
  // A client checked out of the pool (inside a transaction, between two queries) whose connection
  // is killed emits 'error' with nobody listening: without this, one terminated backend would
  // crash the process. The query in flight fails on its own (a 503); the pool drops the client.
  pool.on('connect', (client) => client.on('error', () => {}));
  const statements = new StatementListeners();
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: statements.log });
  return {
    db,
    caps: Object.freeze({ engine: 'postgres', substringIndex: 'pg-trgm', regexOperator: '~', notifications: true }),
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
  const noop = sqlite.prepare('select 0 where 0');
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      // On SQLITE_FULL, IOERR, BUSY or NOMEM SQLite may roll the transaction back by itself;
      // Kysely's ROLLBACK would then fail ("no transaction is active") and hide the real error.
      if (text === 'rollback' && !sqlite.inTransaction) return noop;
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

const regexCache = new Map<string, RegExp | null>();

/** Compiles a user-supplied pattern once; an invalid pattern matches nothing. */
function safeRegExp(pattern: string): RegExp | null {
  let compiled = regexCache.get(pattern);
  if (compiled === undefined) {
    try {
      compiled = new RegExp(pattern, 'u');
    } catch {
      compiled = null;
    }
    if (regexCache.size > 500) regexCache.clear();
    regexCache.set(pattern, compiled);
  }
  return compiled;
}
