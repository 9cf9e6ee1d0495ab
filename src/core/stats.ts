import type { Core } from './context.js';

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
    core.db
      .selectFrom('sanctions')
      .select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
      .where('lifted_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .groupBy('kind')
      .execute(),
    core.db
      .selectFrom('sessions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirstOrThrow(),
  ]);
  const sanctionCount = (kind: string): number => Number(sanctions.find((row) => row.kind === kind)?.n ?? 0);
  return {
    accounts: Number(accounts.n),
    activeBans: sanctionCount('ban'),
    activeMutes: sanctionCount('mute'),
    activeSessions: Number(sessions.n),
  };
}
