import type { Command } from 'commander';
import { parseDuration } from '../../core/moderation/durations.js';
import { banUser, muteUser } from '../../core/moderation/moderation.js';
import { SYSTEM } from '../../core/access/viewer.js';
import { printJson, sanctionJson } from '../output.js';
import { userNamed, withCore } from '../with-core.js';

const SANCTIONS = [
  { group: 'bans', description: 'ban accounts', verb: 'ban', effect: 'its sessions are revoked at once and its API keys stop working', impose: banUser },
  { group: 'mutes', description: 'mute accounts (Civitai status "muted")', verb: 'mute', effect: 'it keeps signing in', impose: muteUser },
] as const;

/** `roster bans create` and `roster mutes create`: print the sanction as one line of JSON. */
export function registerBanCommands(program: Command): void {
  for (const { group, description, verb, effect, impose } of SANCTIONS) {
    program
      .command(group)
      .description(description)
      .command('create')
      .description(`${verb} an account; ${effect}`)
      .requiredOption('--user <name>', `the account to ${verb}`)
      .requiredOption('--reason <reason>', 'why (shown to the user and moderators)')
      .requiredOption('--duration <duration>', '12h, 1d, 3d, 7d, 2w, 1mo, 3mo, 6mo, 1y, 100y … or forever')
      .action(async (options: { user: string; reason: string; duration: string }) => {
        const durationMs = parseDuration(options.duration);
        const [sanction, user] = await withCore(async (core) => {
          const target = await userNamed(core, options.user);
          return [await impose(core, SYSTEM, { userId: target.id, reason: options.reason, durationMs }), target] as const;
        });
        printJson(sanctionJson(sanction, user));
      });
  }
}
