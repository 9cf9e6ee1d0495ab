import type { Command } from 'commander';
import { SYSTEM } from '../../core/access/viewer.js';
import { addSubscription, cancelSubscription, listSubscriptions, SUBSCRIPTION_TIERS, type Subscription } from '../../core/orgs/subscriptions.js';
import { CliError, printJson } from '../output.js';
import { userNamed, withCore } from '../with-core.js';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

const subscriptionJson = (subscription: Subscription): Record<string, unknown> => ({
  ...subscription,
  created_at: iso(subscription.created_at),
  expires_at: iso(subscription.expires_at),
  canceled_at: iso(subscription.canceled_at),
});

function timeArgument(text: string): number {
  const ms = Date.parse(text);
  if (!Number.isSafeInteger(ms)) throw new CliError(`invalid time "${text}" (use ISO 8601, e.g. 2027-01-31T00:00:00Z)`);
  return ms;
}

function idArgument(text: string): number {
  if (!/^[1-9][0-9]{0,15}$/.test(text)) throw new CliError(`invalid subscription id "${text}"`);
  return Number(text);
}

/** `roster subscriptions add|list|cancel`: Civitai membership products and tiers. */
export function registerSubscriptionCommands(program: Command): void {
  const subscriptions = program.command('subscriptions').description(`subscription products and tiers (${SUBSCRIPTION_TIERS.join(', ')})`);

  subscriptions
    .command('add')
    .description('subscribe an account to a product at a tier; prints the subscription as JSON')
    .requiredOption('--user <name>', 'the account')
    .requiredOption('--product <product>', 'the product name (e.g. monthly)')
    .requiredOption('--tier <tier>', SUBSCRIPTION_TIERS.join(', '))
    .option('--expires-at <time>', 'when it ends (ISO 8601); default: until canceled')
    .action(async (options: { user: string; product: string; tier: string; expiresAt?: string }) => {
      const expiresAt = options.expiresAt === undefined ? null : timeArgument(options.expiresAt);
      const subscription = await withCore(async (core) => {
        const user = await userNamed(core, options.user);
        return addSubscription(core, SYSTEM, { userId: user.id, product: options.product, tier: options.tier, expiresAt });
      });
      printJson(subscriptionJson(subscription));
    });

  subscriptions
    .command('list')
    .description("print an account's subscriptions, newest first, one JSON line each")
    .requiredOption('--user <name>', 'the account')
    .action(async (options: { user: string }) => {
      const list = await withCore(async (core) => listSubscriptions(core, SYSTEM, (await userNamed(core, options.user)).id));
      for (const subscription of list) printJson(subscriptionJson(subscription));
    });

  subscriptions
    .command('cancel <id>')
    .description('cancel a subscription now; prints it as JSON')
    .action(async (id: string) => {
      const subscriptionId = idArgument(id);
      printJson(subscriptionJson(await withCore((core) => cancelSubscription(core, SYSTEM, subscriptionId))));
    });
}
