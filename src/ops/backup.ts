import { copyFileSync, constants, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import type { DatabaseConfig } from '../config.js';

/** Thrown for a backup or restore that cannot be done as asked; the message says why. */
export class BackupError extends Error {
  override readonly name = 'BackupError';
}

export interface BackupResult {
  readonly bytes: number;
  readonly users: number;
}

/** Tables a Roster database always has; a file without them is not one of ours. */
const REQUIRED_TABLES = ['roster_migrations', 'users', 'api_keys', 'sessions'];

/**
 * Checks that `path` is a sound Roster SQLite database: `PRAGMA integrity_check` says ok and
 * Roster's tables are there. Returns its number of accounts.
 */
export function verifySqliteBackup(path: string): number {
  let db: SqliteDatabase.Database;
  try {
    db = new SqliteDatabase(path, { readonly: true, fileMustExist: true });
  } catch {
    throw new BackupError(`${path} cannot be opened as a SQLite database`);
  }
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new BackupError(`${path} fails PRAGMA integrity_check: ${String(integrity)}`);
    const tables = new Set(db.prepare("select name from sqlite_master where type = 'table'").pluck().all() as string[]);
    const missing = REQUIRED_TABLES.filter((name) => !tables.has(name));
    if (missing.length > 0) throw new BackupError(`${path} is not a Roster database (no ${missing.join(', ')} table)`);
    return db.prepare('select count(*) from users').pluck().get() as number;
  } catch (error) {
    if (error instanceof BackupError) throw error;
    throw new BackupError(`${path} is not a readable SQLite database`);
  } finally {
    db.close();
  }
}

/**
 * Copies a live SQLite database to `output` with SQLite's online backup, page by page, while
 * other connections (a running server) keep reading and writing; the copy is the database as
 * of one moment. The copy is checked before this returns.
 */
export async function backupSqlite(source: string, output: string): Promise<BackupResult> {
  if (existsSync(output)) throw new BackupError(`${output} already exists; choose a new file`);
  const db = new SqliteDatabase(source, { fileMustExist: true });
  try {
    await db.backup(output);
  } finally {
    db.close();
  }
  const users = verifySqliteBackup(output);
  return { bytes: statSync(output).size, users };
}

/**
 * Puts a backup back at `target`, which must not exist yet (restoring over a live database
 * would pull it from under a running server). The backup is checked first; the target gets no
 * stale `-wal`/`-shm` companions.
 */
export function restoreSqlite(input: string, target: string): BackupResult {
  if (!existsSync(input)) throw new BackupError(`${input} does not exist`);
  if (existsSync(target) && statSync(target).size > 0) {
    throw new BackupError(`${target} already holds a database; restore into an empty location (move the old file away first)`);
  }
  const users = verifySqliteBackup(input);
  for (const companion of [`${target}-wal`, `${target}-shm`]) rmSync(companion, { force: true });
  rmSync(target, { force: true });
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(input, target, constants.COPYFILE_EXCL);
  return { bytes: statSync(target).size, users };
}

/** The URL with its password removed: commands we print must not carry a secret. */
function withoutPassword(url: string): string {
  const parsed = new URL(url);
  parsed.password = '';
  return parsed.toString();
}

/** What to run instead on PostgreSQL, whose own tools do consistent online dumps. */
export function postgresBackupAdvice(config: Extract<DatabaseConfig, { engine: 'postgres' }>, file: string, direction: 'backup' | 'restore'): string {
  const url = withoutPassword(config.url);
  return direction === 'backup' ? `pg_dump --format=custom --file '${file}' '${url}'` : `pg_restore --clean --if-exists --no-owner --dbname '${url}' '${file}'`;
}
