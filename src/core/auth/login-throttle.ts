import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Core } from '../context.js';
import { rateLimited } from '../errors.js';
import { addressKey } from './ip-ranges.js';
import { nameKey } from '../users/names.js';
import { hashSecret } from './secrets.js';

/** Failures are counted in fixed windows of this length. */
export const LOGIN_WINDOW_MS = 15 * 60_000;

/**
 * Failed logins allowed per window. Counting per account *and address* (not per account alone)
 * is what keeps an attacker from locking a victim out (ASVS 6.1.1/6.3.1): their failures block
 * only their own address. The per-address limit bounds guessing across many accounts.
 */
export const LOGIN_LIMITS = Object.freeze({ accountAndAddress: 10, address: 100 });

export interface ThrottleKey {
  readonly key: string;
  readonly limit: number;
}

/** The counters a login attempt is charged to: `[account+address, address]`. */
export function loginThrottleKeys(login: string, ip: string | null): readonly [ThrottleKey, ThrottleKey] {
  const address = ip === null ? 'unknown' : addressKey(ip);
  // Hashed: bounded length, and the table holds no login names.
  const account = hashSecret(`${nameKey(login)}\n${address}`);
  return [
    { key: `login:account:${account}`, limit: LOGIN_LIMITS.accountAndAddress },
    { key: `login:address:${address}`, limit: LOGIN_LIMITS.address },
  ];
}

/** Throws `rate_limited` (with the seconds to wait) when any of `keys` is blocked at `now`. */
export async function assertLoginAllowed(core: Core, keys: readonly ThrottleKey[], now: number): Promise<void> {
  const rows = await core.db
    .selectFrom('auth_throttle')
    .select(['blocked_until'])
    .where(
      'key',
      'in',
      keys.map((k) => k.key),
    )
    .where('blocked_until', '>', now)
    .execute();
  const until = Math.max(0, ...rows.map((row) => row.blocked_until ?? 0));
  if (until > now) throw rateLimited(Math.ceil((until - now) / 1000));
}

/** Adds one to `key`'s counter (a new window if the last is over); the count and window after. */
async function charge(db: Kysely<Database>, { key, limit }: ThrottleKey, now: number): Promise<{ failures: number; windowStartedAt: number }> {
  const stale = sql<boolean>`auth_throttle.window_started_at <= ${now - LOGIN_WINDOW_MS}`;
  const row = await db
    .insertInto('auth_throttle')
    .values({ key, failures: 1, window_started_at: now, blocked_until: limit <= 1 ? now + LOGIN_WINDOW_MS : null })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        failures: sql<number>`case when ${stale} then 1 else auth_throttle.failures + 1 end`,
        window_started_at: sql<number>`case when ${stale} then ${now} else auth_throttle.window_started_at end`,
        blocked_until: sql<number | null>`case
          when ${stale} then null
          when auth_throttle.failures + 1 >= ${limit} then auth_throttle.window_started_at + ${LOGIN_WINDOW_MS}
          else auth_throttle.blocked_until end`,
      }),
    )
    .returning(['failures', 'window_started_at'])
    .executeTakeFirstOrThrow();
  return { failures: Number(row.failures), windowStartedAt: Number(row.window_started_at) };
}

/**
 * Charges a login attempt to each key *before* the password is checked, and refuses it
 * (`rate_limited`) when that makes any key exceed its limit. Checking first and counting after
 * the (slow) password check let concurrent guesses all pass the check; here every attempt holds
 * its place in the count from the start, so at most `limit` attempts per window get to a check.
 * A successful login gives its charge back (`settleLoginSuccess`): only failures stay counted.
 */
export async function reserveLoginAttempt(core: Core, keys: readonly ThrottleKey[], now: number): Promise<void> {
  // One transaction, one commit: every login makes these writes, and on SQLite each commit
  // appends its pages to the WAL on the event loop (and fills it towards a checkpoint).
  const retryAt = await core.db.transaction().execute(async (trx) => {
    let at = 0;
    for (const key of keys) {
      const { failures, windowStartedAt } = await charge(trx, key, now);
      if (failures > key.limit) at = Math.max(at, windowStartedAt + LOGIN_WINDOW_MS);
    }
    return at;
  });
  // Thrown after the commit: a refused attempt stays counted.
  if (retryAt > now) throw rateLimited(Math.ceil((retryAt - now) / 1000));
}

/** After a successful login: forget the account+address failures, and give back the address charge. */
export async function settleLoginSuccess(core: Core, accountKey: ThrottleKey, addressKey: ThrottleKey): Promise<void> {
  // One commit for both, as in reserveLoginAttempt.
  await core.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('auth_throttle').where('key', '=', accountKey.key).execute();
    await trx
      .updateTable('auth_throttle')
      .set({ failures: sql<number>`case when failures > 0 then failures - 1 else 0 end` })
      .where('key', '=', addressKey.key)
      .execute();
  });
}

/** Deletes counters whose window and block are over; for a periodic job. Returns how many. */
export async function pruneLoginThrottle(core: Core, now: number): Promise<number> {
  const result = await core.db
    .deleteFrom('auth_throttle')
    .where('window_started_at', '<=', now - LOGIN_WINDOW_MS)
    .where((eb) => eb.or([eb('blocked_until', 'is', null), eb('blocked_until', '<=', now)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
