import type { Command } from 'commander';
import { parseDuration } from '../../core/moderation/durations.js';
import { banUser } from '../../core/moderation/moderation.js';
import { SYSTEM } from '../../core/access/viewer.js';
import { printJson, sanctionJson } from '../output.js';
import { userNamed, withCore } from '../with-core.js';

/** `roster bans create`: prints the ban as one line of JSON. */
export function registerBanCommands(program: Command): void {
  const bans = program.command('bans').description('ban accounts');
  bans
    .command('create')
    .description('ban an account; its sessions are revoked at once and its API keys stop working')
    .requiredOption('--user <name>', 'the account to ban')
    .requiredOption('--reason <reason>', 'why (shown to the user and moderators)')
    .requiredOption('--duration <duration>', '12h, 1d, 3d, 7d, 2w, 1mo, 3mo, 6mo, 1y, 100y … or forever')
    .action(async (options: { user: string; reason: string; duration: string }) => {
      const durationMs = parseDuration(options.duration);
      const [sanction, user] = await withCore(async (core) => {
        const target = await userNamed(core, options.user);
        return [await banUser(core, SYSTEM, { userId: target.id, reason: options.reason, durationMs }), target] as const;
      });
      printJson(sanctionJson(sanction, user));
    });
}
