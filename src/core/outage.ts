/**
 * Why the database cannot serve right now, when that is what `error` says: the disk (or SQLite's
 * page limit) is full, or the connection is gone or refused (PostgreSQL restarted, the backend
 * terminated, the server unreachable, SQLite locked past its busy timeout). Such a failure is
 * the service's, not the request's: callers get a 503 saying to retry, never the engine's
 * message. Null for anything else (a bug stays a 500).
 */
export type Outage = 'storage_full' | 'database_unavailable';

/** SQLite result codes (better-sqlite3 puts the extended name in `code`). */
const SQLITE_FULL = /^SQLITE_FULL\b/;
const SQLITE_UNAVAILABLE = /^SQLITE_(IOERR|BUSY|LOCKED|CANTOPEN|READONLY|PROTOCOL|NOMEM)/;
/**
 * PostgreSQL SQLSTATEs: 53xxx insufficient resources (53100 disk full), 08xxx connection
 * exceptions, 57P01–57P03 shutdown/terminated/cannot connect now, 55000 (database not accepting
 * connections), 3D000 (database gone), 40P01/40001 are not outages (the caller retries them).
 */
const PG_FULL = new Set(['53100', '53200', '53300']);
const PG_UNAVAILABLE = /^(08...|57P0[123]|55000|3D000|53400)$/;
/** Node's socket errors and node-postgres's own messages for a lost connection. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const PG_LOST = /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|Client was closed)/;

export function outageOf(error: unknown): Outage | null {
  if (!(error instanceof Error)) return null;
  const code = (error as Error & { code?: unknown }).code;
  if (typeof code === 'string') {
    if (SQLITE_FULL.test(code) || PG_FULL.has(code)) return 'storage_full';
    if (SQLITE_UNAVAILABLE.test(code) || PG_UNAVAILABLE.test(code) || SOCKET_CODES.has(code)) return 'database_unavailable';
  }
  if (PG_LOST.test(error.message)) return 'database_unavailable';
  // AggregateError (a connect to every address failed) carries the socket errors inside.
  if (error instanceof AggregateError) return error.errors.map(outageOf).find((outage) => outage !== null) ?? null;
  return null;
}
