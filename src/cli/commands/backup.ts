import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { backupSqlite, BackupError, postgresBackupAdvice, restoreSqlite } from '../../ops/backup.js';
import { CliError, note, printJson, printLine } from '../output.js';

/** Runs a backup step, turning its refusals into CLI errors (message only). */
async function refusalsAsCliErrors<T>(step: () => Promise<T> | T): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof BackupError) throw new CliError(error.message);
    throw error;
  }
}

/** On PostgreSQL both commands print the pg_dump / pg_restore command to run, and exit 2. */
function advisePostgres(file: string, direction: 'backup' | 'restore'): boolean {
  const config = loadConfig();
  if (config.database.engine !== 'postgres') return false;
  note(
    `roster: on PostgreSQL use ${direction === 'backup' ? 'pg_dump' : 'pg_restore'}, which ${direction === 'backup' ? 'takes a consistent copy while Roster runs' : 'restores such a dump'} (password from PGPASSWORD or ~/.pgpass):`,
  );
  printLine(postgresBackupAdvice(config.database, file, direction));
  process.exitCode = 2;
  return true;
}

export function registerBackupCommands(program: Command): void {
  program
    .command('backup')
    .description('copy the live SQLite database to a new file while the server keeps serving (SQLite online backup), then check the copy')
    .requiredOption('--output <file>', 'the backup file to create (must not exist)')
    .action(async (options: { output: string }) => {
      if (advisePostgres(options.output, 'backup')) return;
      const database = loadConfig().database;
      if (database.engine !== 'sqlite') return;
      const result = await refusalsAsCliErrors(() => backupSqlite(database.path, resolve(options.output)));
      printJson({ output: resolve(options.output), bytes: result.bytes, users: result.users });
    });
  program
    .command('restore')
    .description('put a checked backup back as the configured SQLite database, which must not exist yet')
    .requiredOption('--input <file>', 'a file made by roster backup')
    .action(async (options: { input: string }) => {
      if (advisePostgres(options.input, 'restore')) return;
      const database = loadConfig().database;
      if (database.engine !== 'sqlite') return;
      const result = await refusalsAsCliErrors(() => restoreSqlite(resolve(options.input), database.path));
      printJson({ restored: database.path, bytes: result.bytes, users: result.users });
    });
}
