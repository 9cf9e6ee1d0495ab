import type { Core } from '../../src/core/context.js';

/** The SQL statements `core` ran while `work` did; the result of `work` with them. */
export async function statementsDuring<T>(core: Pick<Core, 'databaseObserver'>, work: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  const statements: string[] = [];
  const stop = core.databaseObserver.onStatement((_seconds, statement) => statements.push(statement.sql));
  try {
    return { result: await work(), statements };
  } finally {
    stop();
  }
}

/**
 * Waits until every change published so far has come back through the feed: PostgreSQL also
 * delivers this instance's own changes a second time, as notifications, a moment later, and
 * each drops cached entries again. Notifications arrive in order, so once a marker's comes
 * back, all earlier ones have.
 */
export async function settleChanges(core: Pick<Core, 'changes' | 'db' | 'caps'>): Promise<void> {
  const tokenHash = `settle-${Math.random()}`;
  const deliveries = core.caps.changeNotifications === 'listen-notify' ? 2 : 1;
  let seen = 0;
  let stop = (): void => {};
  const arrived = new Promise<void>((resolve) => {
    stop = core.changes.subscribe((change) => {
      if (change.kind === 'credential' && change.tokenHash === tokenHash && ++seen === deliveries) resolve();
    });
  });
  await core.changes.publish(core.db, { kind: 'credential', tokenHash });
  await arrived;
  stop();
}
