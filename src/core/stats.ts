import { sql } from 'kysely';
import { can } from './access/policy.js';
import { levelName } from './access/levels.js';
import type { Viewer } from './access/viewer.js';
import type { Core } from './context.js';
import { forbidden, invalidParam } from './errors.js';

/** Sizes an operator graphs: accounts, sanctions in force, live sessions. */
export interface StoreCounts {
  /** Every account row, deleted (scrubbed) ones included: `count(*)` is served from an index. */
  readonly accounts: number;
  readonly activeBans: number;
  readonly activeMutes: number;
  readonly activeSessions: number;
}

/**
 * Counts for the metrics gauges. Each is one aggregate; callers cache the result (the metrics
 * endpoint reads it at most once a minute) so a scrape never costs a scan per request.
 */
export async function countStore(core: Core, now: number): Promise<StoreCounts> {
  const [accounts, sanctions, sessions] = await Promise.all([
    core.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
    countActiveSanctions(core, now),
    core.db
      .selectFrom('sessions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirstOrThrow(),
  ]);
  return { accounts: Number(accounts.n), ...sanctions, activeSessions: Number(sessions.n) };
}

/** Bans and mutes in force now: neither lifted nor expired. */
async function countActiveSanctions(core: Core, now: number): Promise<{ activeBans: number; activeMutes: number }> {
  const rows = await core.db
    .selectFrom('sanctions')
    .select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
    .where('lifted_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .groupBy('kind')
    .execute();
  const count = (kind: string): number => Number(rows.find((row) => row.kind === kind)?.n ?? 0);
  return { activeBans: count('ban'), activeMutes: count('mute') };
}

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
export const MAX_STATS_DAYS = 366;
export const MAX_STATS_HOURS = 24 * 14;

export interface DashboardWindow {
  /** Days of sign-ups, today (UTC) included: 1 to `MAX_STATS_DAYS`. */
  readonly days: number;
  /** Hours of login failures, the current hour included: 1 to `MAX_STATS_HOURS`. */
  readonly hours: number;
}

export interface DashboardStats {
  /** One entry per UTC day, oldest first, zeros included. */
  readonly signupsPerDay: readonly { readonly dayStart: number; readonly count: number }[];
  /** Live (not deleted) accounts per level, ascending. */
  readonly usersByLevel: readonly { readonly level: number; readonly levelName: string | null; readonly count: number }[];
  readonly activeBans: number;
  readonly activeMutes: number;
  /** One entry per hour, oldest first, zeros included. */
  readonly loginFailuresPerHour: readonly { readonly hourStart: number; readonly count: number }[];
}

/** `count` rows keyed by bucket number → one entry per bucket from `first`, zeros filled in. */
function fillBuckets(rows: readonly { bucket: unknown; n: unknown }[], first: number, length: number): number[] {
  const counts = new Map(rows.map((row) => [Number(row.bucket), Number(row.n)]));
  return Array.from({ length }, (_, i) => counts.get(first + i) ?? 0);
}

function checkWindow(window: DashboardWindow): void {
  if (!Number.isInteger(window.days) || window.days < 1 || window.days > MAX_STATS_DAYS) throw invalidParam('days', `days must be 1 to ${MAX_STATS_DAYS}`);
  if (!Number.isInteger(window.hours) || window.hours < 1 || window.hours > MAX_STATS_HOURS)
    throw invalidParam('hours', `hours must be 1 to ${MAX_STATS_HOURS}`);
}

/**
 * The console dashboard's figures (policy `stats.view`: staff). Each series is one aggregate over
 * an indexed range (`users.created_at`, `login_attempts.created_at`), bounded by the window.
 */
export async function dashboardStats(core: Core, viewer: Viewer, window: DashboardWindow): Promise<DashboardStats> {
  if (!can(viewer, 'stats.view')) throw forbidden('Only staff may read the dashboard');
  checkWindow(window);
  const now = core.now();
  const firstDay = Math.floor(now / DAY_MS) - (window.days - 1);
  const firstHour = Math.floor(now / HOUR_MS) - (window.hours - 1);
  const dayOf = sql<number>`${sql.ref('created_at')} / ${sql.lit(DAY_MS)}`;
  const hourOf = sql<number>`${sql.ref('created_at')} / ${sql.lit(HOUR_MS)}`;
  const [signups, levels, sanctions, failures] = await Promise.all([
    core.db
      .selectFrom('users')
      .select([dayOf.as('bucket'), (eb) => eb.fn.countAll<number>().as('n')])
      .where('created_at', '>=', firstDay * DAY_MS)
      .groupBy(dayOf)
      .execute(),
    core.db
      .selectFrom('users')
      .select(['level', (eb) => eb.fn.countAll<number>().as('n')])
      .where('is_deleted', '=', 0)
      .groupBy('level')
      .orderBy('level')
      .execute(),
    countActiveSanctions(core, now),
    core.db
      .selectFrom('login_attempts')
      .select([hourOf.as('bucket'), (eb) => eb.fn.countAll<number>().as('n')])
      .where('created_at', '>=', firstHour * HOUR_MS)
      .where('success', '=', 0)
      .groupBy(hourOf)
      .execute(),
  ]);
  return {
    signupsPerDay: fillBuckets(signups, firstDay, window.days).map((count, i) => ({ dayStart: (firstDay + i) * DAY_MS, count })),
    usersByLevel: levels.map((row) => ({ level: Number(row.level), levelName: levelName(Number(row.level)), count: Number(row.n) })),
    ...sanctions,
    loginFailuresPerHour: fillBuckets(failures, firstHour, window.hours).map((count, i) => ({ hourStart: (firstHour + i) * HOUR_MS, count })),
  };
}
