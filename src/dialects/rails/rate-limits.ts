/**
 * Rails-family token buckets (Danbooru's rate_limiter.rb): each key (the user, the IP subnet) holds up to
 * `burst` points, regains `rate` per second and pays `cost` per action; an action is limited when
 * any of its keys falls below zero. A limited attempt still pays, down to `MINIMUM_POINTS`, so
 * hammering only lengthens the wait. Only the caller's own keys are charged, so nobody can use
 * the limits to lock someone else out.
 *
 * The buckets live in this instance's memory: behind a load balancer each instance counts on
 * its own, so the effective limit is multiplied by the number of instances.
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

interface Bucket {
  points: number;
  at: number;
  readonly rule: RateRule;
}

/** Buckets kept before full ones are swept away. */
const SWEEP_THRESHOLD = 10_000;

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number) {}

  /** Charges `rule.cost` to every key; limited when any key is now below zero. */
  hit(rule: RateRule, keys: readonly string[]): RateLimitState {
    return this.charge(rule, keys, rule.cost);
  }

  /** Gives back a charge (a reserved signup that did not happen). */
  refund(rule: RateRule, keys: readonly string[]): void {
    this.charge(rule, keys, -rule.cost);
  }

  private charge(rule: RateRule, keys: readonly string[], cost: number): RateLimitState {
    const now = this.now();
    if (this.buckets.size > SWEEP_THRESHOLD) this.sweep(now);
    const limits: Record<string, number> = {};
    for (const key of keys) {
      const id = `${rule.action} ${key}`;
      const bucket = this.buckets.get(id) ?? { points: rule.burst, at: now, rule };
      const refilled = Math.min(rule.burst, bucket.points + (rule.rate * Math.max(0, now - bucket.at)) / 1000);
      bucket.points = Math.max(MINIMUM_POINTS, Math.min(rule.burst, refilled - cost));
      bucket.at = now;
      this.buckets.set(id, bucket);
      limits[key] = bucket.points;
    }
    return { rule, limited: Object.values(limits).some((points) => points < 0), limits };
  }

  /** Drops buckets that have refilled completely: a missing bucket reads as full. */
  private sweep(now: number): void {
    for (const [id, { points, at, rule }] of this.buckets) {
      if (points + (rule.rate * (now - at)) / 1000 >= rule.burst) this.buckets.delete(id);
    }
  }
}

/** The `X-Rate-Limit` header: the rule and the points left per key. */
export function rateLimitHeader(state: RateLimitState): string {
  const { action, cost, rate, burst } = state.rule;
  return JSON.stringify({ action, cost, rate, burst, minimum_points: MINIMUM_POINTS, enabled: true, limits: state.limits });
}

/** An IPv6 address's /64 network, where one subscriber's addresses live. */
function ipv6Subnet(ip: string): string {
  const [head = '', tail] = ip.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((group) => (Number.parseInt(group, 16) || 0).toString(16))
    .join(':')}::/64`;
}

/** The keys an action is charged to: the signed-in user and the address (IPv6 by /64). */
export function rateLimitKeys(userId: number | null, ip: string | null): string[] {
  const keys = userId === null ? [] : [`users/${userId}`];
  if (ip !== null) keys.push(`ip/${ip.includes(':') ? ipv6Subnet(ip) : ip}`);
  return keys;
}
