/**
 * Token buckets (Danbooru's rate_limiter.rb): each key holds up to `burst` points, regains `rate`
 * per second and pays a cost per action, never falling below `minimum`. The store only does the
 * arithmetic, atomically per call; what a limit means (which keys, which costs, the answer) is
 * the caller's.
 */
export interface BucketRule {
  /** The action the buckets belong to; the same key under two actions is two buckets. */
  readonly action: string;
  /** Points regained per second. */
  readonly rate: number;
  readonly burst: number;
  /** The floor: a limited caller who keeps trying still pays, down to here. */
  readonly minimum: number;
}

export interface BucketStore {
  /**
   * Takes `cost` points from the bucket of each key (gives them back when negative) at `now`
   * (ms), after refilling it for the time since its last charge; returns the points left per key.
   * A missing bucket is full. All keys are charged in one atomic step.
   */
  charge(rule: BucketRule, keys: readonly string[], cost: number, now: number): Promise<Readonly<Record<string, number>>>;
}

/** The points of a bucket that held `points` at `at`, refilled until `now` and charged `cost`. */
export function nextPoints(rule: BucketRule, points: number, at: number, now: number, cost: number): number {
  const refilled = Math.min(rule.burst, points + (rule.rate * Math.max(0, now - at)) / 1000);
  return Math.max(rule.minimum, Math.min(rule.burst, refilled - cost));
}

/** When a bucket holding `points` at `now` is full again. */
export const fullAt = (rule: BucketRule, points: number, now: number): number =>
  rule.rate > 0 ? now + Math.ceil(((rule.burst - points) * 1000) / rule.rate) : Number.MAX_SAFE_INTEGER;

interface Bucket {
  points: number;
  at: number;
  fullAt: number;
}

/** Buckets kept before full ones are swept away. */
const SWEEP_THRESHOLD = 10_000;

/** One process's buckets in memory: enough where one process serves (SQLite). */
export class MemoryBucketStore implements BucketStore {
  private readonly buckets = new Map<string, Bucket>();

  async charge(rule: BucketRule, keys: readonly string[], cost: number, now: number): Promise<Readonly<Record<string, number>>> {
    if (this.buckets.size > SWEEP_THRESHOLD) this.sweep(now);
    const left: Record<string, number> = {};
    for (const key of keys) {
      const id = `${rule.action} ${key}`;
      const bucket = this.buckets.get(id);
      const points = nextPoints(rule, bucket?.points ?? rule.burst, bucket?.at ?? now, now, cost);
      this.buckets.set(id, { points, at: now, fullAt: fullAt(rule, points, now) });
      left[key] = points;
    }
    return left;
  }

  /** Drops buckets that have refilled completely: a missing bucket reads as full. */
  private sweep(now: number): void {
    for (const [id, bucket] of this.buckets) if (bucket.fullAt <= now) this.buckets.delete(id);
  }
}
