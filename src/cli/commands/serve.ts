import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { openCore } from '../../core/create-core.js';
import { migrateToLatest } from '../../db/migrate.js';
import { boundHeapGrowth } from '../heap-growth.js';
import { note, printLine, reportError } from '../output.js';

/** `roster serve` and `roster migrate`. */
export function registerServeCommands(program: Command): void {
  program
    .command('serve')
    .description('migrate the database and serve every API (PORT, HOST, ROSTER_DATABASE_URL, ROSTER_DIALECT_PORTS); stops on SIGINT/SIGTERM')
    .action(async () => {
      boundHeapGrowth();
      // Loaded on demand: the HTTP stack is most of the CLI's start-up time and no other command needs it.
      const { startServer, closeOnSignals } = await import('../../server.js');
      const server = await startServer(loadConfig());
      for (const url of server.urls) note(`roster: listening on ${url}`);
      closeOnSignals(server, (error) => {
        if (error !== undefined) process.exitCode = reportError(error);
        else note('roster: stopped');
      });
    });

  program
    .command('migrate')
    .description('bring the database schema up to date and print the migrations applied')
    .action(async () => {
      const core = await openCore(loadConfig(), { migrate: false });
      try {
        const applied = await migrateToLatest(core.db, core.caps);
        for (const name of applied) printLine(name);
        note(applied.length === 0 ? 'roster: the database is up to date' : `roster: applied ${applied.length} migration(s)`);
      } finally {
        await core.close();
      }
    });
}
