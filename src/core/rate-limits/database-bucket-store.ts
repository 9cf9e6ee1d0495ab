import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { EngineCapabilities } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import { fullAt, type BucketRule, type BucketStore } from './bucket-store.js';

/** How often (at most) full buckets are deleted. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * Buckets in the `rate_buckets` table, shared by every instance on the database. A charge is one
 * `INSERT … ON CONFLICT DO UPDATE … RETURNING` over all its keys: the refill and the charge are
 * computed from the row as the database holds it, under its row lock, so concurrent charges from
 * any number of instances never lose one another's points. Keys are charged in sorted order so
 * that two statements never lock the same two rows in opposite orders.
 */
export class DatabaseBucketStore implements BucketStore {
  private nextSweep = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly engine: EngineCapabilities['engine'],
  ) {}

  async charge(rule: BucketRule, keys: readonly string[], cost: number, now: number): Promise<Readonly<Record<string, number>>> {
    const ids = [...new Set(keys.map((key) => `${rule.action} ${key}`))].sort();
    if (ids.length === 0) return {};
    if (now >= this.nextSweep) this.sweep(now);
    const [greatest, least] = this.engine === 'postgres' ? ['greatest', 'least'] : ['max', 'min'];
    const max = (...values: RawBuilder<unknown>[]) => sql`${sql.raw(greatest)}(${sql.join(values)})`;
    const min = (...values: RawBuilder<unknown>[]) => sql`${sql.raw(least)}(${sql.join(values)})`;
    const num = (value: number) => sql`cast(${value} as double precision)`;
    const [rate, burst, minimum, charge] = [num(rule.rate), num(rule.burst), num(rule.minimum), num(cost)];
    const elapsed = sql`${max(sql`excluded.updated_at - rate_buckets.updated_at`, sql`0`)}`;
    const refilled = min(burst, sql`rate_buckets.points + ${rate} * ${elapsed} / 1000.0`);
    const points = max(minimum, min(burst, sql`${refilled} - ${charge}`));
    // full_at as fullAt() computes it, from the new points; a rule that never refills never sweeps.
    const full = rule.rate > 0 ? sql`excluded.updated_at + cast(ceil((${burst} - ${points}) * 1000.0 / ${rate}) as bigint)` : sql`${Number.MAX_SAFE_INTEGER}`;
    const initial = Math.max(rule.minimum, Math.min(rule.burst, rule.burst - cost));
    const rows = await sql<{ key: string; points: number }>`
      insert into rate_buckets (key, points, updated_at, full_at)
      values ${sql.join(ids.map((id) => sql`(${id}, ${initial}, ${now}, ${fullAt(rule, initial, now)})`))}
      on conflict (key) do update set points = ${points}, updated_at = excluded.updated_at, full_at = ${full}
      returning key, points`.execute(this.db);
    const byId = new Map(rows.rows.map((row) => [row.key, Number(row.points)]));
    // In the caller's order of keys (the header lists them so), whatever order RETURNING gave.
    return Object.fromEntries(keys.map((key) => [key, byId.get(`${rule.action} ${key}`) as number]));
  }

  /** Deletes buckets that are full again (a missing bucket reads as full); best effort, in the background. */
  private sweep(now: number): void {
    this.nextSweep = now + SWEEP_INTERVAL_MS;
    void this.db
      .deleteFrom('rate_buckets')
      .where('full_at', '<=', now)
      .execute()
      .catch(() => {});
  }
}
