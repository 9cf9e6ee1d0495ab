import type { SubscriptionRow } from '../../db/schema.js';
import { recordAudit } from '../moderation/audit.js';
import { CACHE_TTL_MS, cachePerCore, earliest } from '../change-bound-cache.js';
import type { Core } from '../context.js';
import { forbidden, notFound, unauthenticated, validationFailed } from '../errors.js';
import { can, visibleFields } from '../access/policy.js';
import type { User } from '../users/user.js';
import { loadUser } from '../users/user-store.js';
import { isSignedIn, type Viewer } from '../access/viewer.js';

/** Civitai's membership tiers, lowest first (`src/server/common/constants.ts`). */
export const SUBSCRIPTION_TIERS = Object.freeze(['free', 'founder', 'bronze', 'silver', 'gold'] as const);
export type SubscriptionTier = (typeof SUBSCRIPTION_TIERS)[number];

export const isSubscriptionTier = (value: string): value is SubscriptionTier => (SUBSCRIPTION_TIERS as readonly string[]).includes(value);

/** A user's subscription to a product (Civitai membership), written by the host site. */
export interface Subscription {
  readonly id: number;
  readonly user_id: number;
  readonly product: string;
  readonly tier: SubscriptionTier;
  readonly created_at: number;
  /** Null: until canceled. */
  readonly expires_at: number | null;
  readonly canceled_at: number | null;
  /** Neither canceled nor expired when loaded. */
  readonly is_active: boolean;
}

const PRODUCT_MAX = 64;

function toSubscription(row: SubscriptionRow, now: number): Subscription {
  return Object.freeze({
    id: row.id,
    user_id: row.user_id,
    product: row.product,
    // Tiers are checked when written; an unknown stored value counts as the lowest.
    tier: isSubscriptionTier(row.tier) ? row.tier : 'free',
    created_at: row.created_at,
    expires_at: row.expires_at,
    canceled_at: row.canceled_at,
    is_active: row.canceled_at === null && (row.expires_at === null || row.expires_at > now),
  });
}

/** The highest tier among the active subscriptions, or null when there is none. Pure. */
export function highestTier(subscriptions: readonly Subscription[]): SubscriptionTier | null {
  let best = -1;
  for (const subscription of subscriptions) {
    if (subscription.is_active) best = Math.max(best, SUBSCRIPTION_TIERS.indexOf(subscription.tier));
  }
  return best < 0 ? null : SUBSCRIPTION_TIERS[best]!;
}

async function targetUser(core: Core, userId: number): Promise<User> {
  const user = await loadUser(core, userId);
  if (!user) throw notFound('user');
  return user;
}

/** Subscribes a user to a product at a tier (server data: admins and the system). */
export async function addSubscription(
  core: Core,
  viewer: Viewer,
  input: { userId: number; product: string; tier: string; expiresAt?: number | null },
): Promise<Subscription> {
  const user = await targetUser(core, input.userId);
  if (!can(viewer, 'user.write_server_data', user)) throw forbidden();
  const problems: Record<string, string[]> = {};
  if (!isSubscriptionTier(input.tier)) problems.tier = [`must be one of ${SUBSCRIPTION_TIERS.join(', ')}`];
  const product = input.product.trim();
  if (product.length === 0 || product.length > PRODUCT_MAX) problems.product = [`must be 1 to ${PRODUCT_MAX} characters long`];
  if (input.expiresAt != null && !Number.isSafeInteger(input.expiresAt)) problems.expires_at = ['must be a time in milliseconds'];
  if (Object.keys(problems).length > 0) throw validationFailed(problems);
  const now = core.now();
  const added = await core.db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('subscriptions')
      .values({ user_id: user.id, product, tier: input.tier, created_at: now, expires_at: input.expiresAt ?? null, canceled_at: null })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, viewer, now, {
      action: 'subscription.add',
      subjectType: 'subscription',
      subjectId: row.id,
      targetUserId: user.id,
      details: { product, tier: input.tier, expires_at: row.expires_at },
    });
    return toSubscription(row, now);
  });
  // Cached memberships (Civitai's who-am-I) must show it.
  await core.changes.publish(core.db, { kind: 'user', userId: user.id });
  return added;
}

/** Cancels a subscription now; canceling a canceled one changes nothing. */
export async function cancelSubscription(core: Core, viewer: Viewer, subscriptionId: number): Promise<Subscription> {
  const now = core.now();
  const canceled = await core.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('subscriptions').selectAll().where('id', '=', subscriptionId).executeTakeFirst();
    if (!row) throw notFound('subscription');
    const user = await loadUser({ db: trx, now: core.now }, row.user_id);
    if (!user || !can(viewer, 'user.write_server_data', user)) throw forbidden();
    if (row.canceled_at !== null) return toSubscription(row, now);
    const updated = await trx.updateTable('subscriptions').set({ canceled_at: now }).where('id', '=', subscriptionId).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, viewer, now, {
      action: 'subscription.cancel',
      subjectType: 'subscription',
      subjectId: subscriptionId,
      targetUserId: row.user_id,
      details: { product: row.product, tier: row.tier },
    });
    return toSubscription(updated, now);
  });
  await core.changes.publish(core.db, { kind: 'user', userId: canceled.user_id });
  return canceled;
}

/** Every subscription of a user, active or not, newest first: for the user and admins. */
export async function listSubscriptions(core: Core, viewer: Viewer, userId: number): Promise<Subscription[]> {
  const user = await targetUser(core, userId);
  if (viewer.id !== user.id && !visibleFields(viewer, user).serverData) throw forbidden();
  const now = core.now();
  const rows = await core.db
    .selectFrom('subscriptions')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map((row) => toSubscription(row, now));
}

/**
 * The active subscriptions of many users in one query, for rendering tiers (no N+1). Every
 * requested id has an entry, empty when the user has none.
 */
export async function loadSubscriptionsFor(core: Pick<Core, 'db' | 'now'>, userIds: readonly number[]): Promise<Map<number, Subscription[]>> {
  const result = new Map<number, Subscription[]>(userIds.map((id) => [id, []]));
  if (userIds.length === 0) return result;
  const now = core.now();
  const rows = await core.db
    .selectFrom('subscriptions')
    .selectAll()
    .where('user_id', 'in', [...new Set(userIds)])
    .where('canceled_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  for (const row of rows) result.get(row.user_id)?.push(toSubscription(row, now));
  return result;
}

/** What a user's active subscriptions make them. */
export interface Membership {
  /** The highest active tier; `free` without any active subscription. */
  readonly tier: SubscriptionTier;
  /** The names of the active subscription products, newest first, each once. */
  readonly products: readonly string[];
}

/** The membership an active subscription list gives. Pure. */
export function membershipOf(active: readonly Subscription[]): Membership {
  return Object.freeze({
    tier: highestTier(active) ?? 'free',
    products: Object.freeze([...new Set(active.filter((s) => s.is_active).map((s) => s.product))]),
  });
}

const membershipCacheFor = cachePerCore<number, Membership>();

/**
 * A user's membership, from this core's cache or the database: dropped when the user changes
 * (subscriptions added or canceled announce the user) or when one of its subscriptions expires.
 */
async function membershipOfUser(core: Core, userId: number): Promise<Membership> {
  const cache = membershipCacheFor(core);
  const now = core.now();
  const cached = cache.get(userId, now);
  if (cached) return cached;
  const generation = cache.generation;
  const active = (await loadSubscriptionsFor(core, [userId])).get(userId) ?? [];
  const membership = membershipOf(active);
  const validUntil = earliest(now + CACHE_TTL_MS, ...active.map((subscription) => subscription.expires_at));
  cache.set(userId, membership, { validUntil, dependsOn: [{ kind: 'user', userId }] }, generation);
  return membership;
}

/**
 * The signed-in viewer and their membership (Civitai `GET /api/v1/me`): the viewer as
 * authenticated, and the membership cached with it. @throws CoreError unauthenticated for an
 * anonymous viewer.
 */
export async function getOwnMembership(core: Core, viewer: Viewer): Promise<{ user: User; membership: Membership }> {
  if (!isSignedIn(viewer)) throw unauthenticated('no user');
  return { user: viewer.user, membership: await membershipOfUser(core, viewer.id) };
}
