import type { Command } from 'commander';
import { createApiKey } from '../../core/auth/api-keys.js';
import { parseDuration } from '../../core/moderation/durations.js';
import { SYSTEM } from '../../core/access/viewer.js';
import { printLine } from '../output.js';
import { userNamed, withCore } from '../with-core.js';

interface TokenOptions {
  readonly user: string;
  readonly name?: string;
  readonly scopes?: string;
  readonly ips?: string;
  readonly expires?: string;
}

const list = (text: string | undefined): string[] =>
  (text ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/** `roster tokens create`: prints only the secret, which is shown this once and never stored. */
export function registerTokenCommands(program: Command): void {
  const tokens = program.command('tokens').description('API keys (one key works in every dialect)');
  tokens
    .command('create')
    .description('create an API key for an account and print its secret (only its hash is kept)')
    .requiredOption('--user <name>', 'the account the key acts as')
    .option('--name <name>', 'a label to tell keys apart')
    .option('--scopes <actions>', 'comma-separated actions it may perform, e.g. users:index,users:show (default: all)')
    .option('--ips <ranges>', 'comma-separated addresses or CIDRs it may be used from (default: any)')
    .option('--expires <duration>', 'lifetime: 30d, 1y … or forever (default)')
    .action(async (options: TokenOptions) => {
      const lifetime = options.expires === undefined ? null : parseDuration(options.expires);
      const { secret } = await withCore(async (core) => {
        const user = await userNamed(core, options.user);
        return createApiKey(core, SYSTEM, user.id, {
          ...(options.name === undefined ? {} : { name: options.name }),
          scopes: list(options.scopes),
          permittedIps: list(options.ips),
          expiresAt: lifetime === null ? null : core.now() + lifetime,
        });
      });
      printLine(secret);
    });
}
