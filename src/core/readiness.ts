import { pendingMigrations } from '../db/migrate.js';
import type { Core } from './context.js';

export type Readiness = { readonly ready: true } | { readonly ready: false; readonly reason: string };

/**
 * Whether this instance should receive traffic: the database answers within `timeoutMs`, its
 * schema is what this build expects, and changes made by other instances are being heard.
 */
export async function checkReadiness(core: Core, timeoutMs: number): Promise<Readiness> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const pending = await Promise.race([pendingMigrations(core.db), timeout]);
    if (pending === 'timeout') return { ready: false, reason: 'database did not answer in time' };
    if (pending.length > 0) return { ready: false, reason: `migrations pending: ${pending.join(', ')}` };
  } catch {
    return { ready: false, reason: 'database unreachable' };
  } finally {
    clearTimeout(timer);
  }
  if (!core.changes.listening) return { ready: false, reason: 'change feed not listening' };
  return { ready: true };
}
