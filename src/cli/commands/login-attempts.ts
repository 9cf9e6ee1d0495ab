import type { Command } from 'commander';
import { listLoginAttempts, pruneLoginAttempts, type LoginAttemptQuery } from '../../core/auth/login-attempts.js';
import { SYSTEM } from '../../core/access/viewer.js';
import { CliError, note, printJson } from '../output.js';
import { userNamed, withCore } from '../with-core.js';

interface ListOptions {
  readonly user?: string;
  readonly ip?: string;
  readonly failed?: boolean;
  readonly succeeded?: boolean;
  readonly since?: string;
  readonly limit: string;
  readonly before?: string;
  readonly prune?: boolean;
}

function time(text: string): number {
  const ms = /^[0-9]+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isSafeInteger(ms) || ms < 0) throw new CliError(`--since: cannot read "${text}" as an ISO date or milliseconds`);
  return ms;
}

/**
 * `roster login-attempts`: sign-in attempts, newest first, one JSON line each (with `--prune`,
 * first deletes those older than ROSTER_LOGIN_ATTEMPTS_RETENTION_DAYS).
 */
export function registerLoginAttemptCommands(program: Command): void {
  program
    .command('login-attempts')
    .description('list sign-in attempts, newest first, one JSON line each')
    .option('--user <name>', 'only attempts on this account')
    .option('--ip <address>', 'only attempts from this address')
    .option('--failed', 'only refused attempts')
    .option('--succeeded', 'only successful attempts')
    .option('--since <time>', 'only attempts at or after this ISO date or epoch milliseconds')
    .option('--limit <n>', 'at most this many (1-1000)', '50')
    .option('--before <id>', 'only attempts older than this id (paging)')
    .option('--prune', 'first delete attempts older than the retention period')
    .action(async (options: ListOptions) => {
      if (options.failed && options.succeeded) throw new CliError('--failed and --succeeded exclude each other');
      const limit = Number(options.limit);
      if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) throw new CliError('--limit must be between 1 and 1000');
      await withCore(async (core) => {
        if (options.prune) note(`pruned ${await pruneLoginAttempts(core, core.now())} login attempts`);
        const query: LoginAttemptQuery = {
          limit,
          ...(options.user !== undefined ? { userId: (await userNamed(core, options.user)).id } : {}),
          ...(options.ip !== undefined ? { ip: options.ip } : {}),
          ...(options.failed ? { success: false } : options.succeeded ? { success: true } : {}),
          ...(options.since !== undefined ? { since: time(options.since) } : {}),
          ...(options.before !== undefined ? { beforeId: Number(options.before) } : {}),
        };
        const page = await listLoginAttempts(core, SYSTEM, query);
        for (const attempt of page.items) printJson({ ...attempt, created_at: new Date(attempt.created_at).toISOString() });
        if (page.nextBeforeId !== null) note(`more: --before ${page.nextBeforeId}`);
      });
    });
}
