import { Command } from 'commander';
import { registerBackupCommands } from './commands/backup.js';
import { registerBanCommands } from './commands/bans.js';
import { registerSeedCommand } from './commands/seed.js';
import { registerServeCommands } from './commands/serve.js';
import { registerStackCommands } from './commands/stack.js';
import { registerTokenCommands } from './commands/tokens.js';
import { registerTransferCommands } from './commands/transfer.js';
import { registerUserCommands } from './commands/users.js';
import { reportError } from './output.js';

/** The `roster` program; every command acts as the system viewer and never prompts. */
export function buildProgram(): Command {
  const program = new Command('roster')
    .description('Roster: a self-hosted users service (database from ROSTER_DATABASE_URL, default sqlite:./data/roster.db)')
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  registerServeCommands(program);
  registerUserCommands(program);
  registerBanCommands(program);
  registerTokenCommands(program);
  registerStackCommands(program);
  registerTransferCommands(program);
  registerSeedCommand(program);
  registerBackupCommands(program);
  return program;
}

/**
 * Runs the command line `argv` (as `process.argv`: node, script, arguments). Failures print a
 * message on stderr and set a non-zero exit code; nothing is printed on stdout then.
 */
export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    process.exitCode = reportError(error);
  }
}
