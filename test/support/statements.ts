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
