import type { BucketStore } from '../../core/rate-limits/rate-limits.js';
import { addressKey } from '../../core/auth/ip-ranges.js';

/**
 * Rails-family token buckets (Danbooru's rate_limiter.rb): each key (the user, the IP subnet) holds up to
 * `burst` points, regains `rate` per second and pays `cost` per action; an action is limited when
 * any of its keys falls below zero. A limited attempt still pays, down to `MINIMUM_POINTS`, so
 * hammering only lengthens the wait. Only the caller's own keys are charged, so nobody can use
 * the limits to lock someone else out.
 * The buckets are the core's (`bucketStoreFor`): on PostgreSQL one budget in the database for
 * every instance, as Danbooru keeps them in its database.
 */
export interface RateRule {
  /** The action's name (`users:update`), shown in the header. */
  readonly action: string;
  /** Points regained per second. */
  readonly rate: number;
  readonly burst: number;
  readonly cost: number;
}

export const MINIMUM_POINTS = -30;

export interface RateLimitState {
  readonly rule: RateRule;
  readonly limited: boolean;
  /** Points left per key after this hit. */
  readonly limits: Readonly<Record<string, number>>;
}

/** Charges the buckets of a core's store, shared by every instance on PostgreSQL. */
export class RateLimiter {
  constructor(
    private readonly now: () => number,
    private readonly store: BucketStore,
  ) {}

  /** Charges `rule.cost` to every key; limited when any key is now below zero. */
  async hit(rule: RateRule, keys: readonly string[]): Promise<RateLimitState> {
    const limits = await this.store.charge({ ...rule, minimum: MINIMUM_POINTS }, keys, rule.cost, this.now());
    return { rule, limited: Object.values(limits).some((points) => points < 0), limits };
  }

  /** Gives back a charge (a reserved signup that did not happen). */
  async refund(rule: RateRule, keys: readonly string[]): Promise<void> {
    await this.store.charge({ ...rule, minimum: MINIMUM_POINTS }, keys, -rule.cost, this.now());
  }
}

/** The `X-Rate-Limit` header: the rule and the points left per key. */
export function rateLimitHeader(state: RateLimitState): string {
  const { action, cost, rate, burst } = state.rule;
  return JSON.stringify({ action, cost, rate, burst, minimum_points: MINIMUM_POINTS, enabled: true, limits: state.limits });
}

/** The keys an action is charged to: the signed-in user and the address (IPv6 by /64). */
export function rateLimitKeys(userId: number | null, ip: string | null): string[] {
  const keys = userId === null ? [] : [`users/${userId}`];
  if (ip !== null) keys.push(`ip/${addressKey(ip)}`);
  return keys;
}
