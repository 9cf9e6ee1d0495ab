import type { LoginAttemptRow } from '../../db/schema.js';
import type { Core } from '../context.js';
import { forbidden } from '../errors.js';
import { can } from '../access/policy.js';
import type { Viewer } from '../access/viewer.js';
import { checkBeforeIdPage, pageBeforeId, withinTimeRange, type BeforeIdPage, type BeforeIdRequest, type TimeRange } from '../paginator.js';

/** Why a login was refused, or `success`. Callers never see it; admins read it here. */
export type LoginOutcome =
  'success' | 'unknown_login' | 'wrong_password' | 'no_usable_password' | 'account_deleted' | 'account_banned' | 'rate_limited' | 'malformed_login';

/** One sign-in attempt as admins read it. Never holds the password. */
export interface LoginAttempt {
  readonly id: number;
  readonly created_at: number;
  readonly user_id: number | null;
  readonly login: string;
  readonly ip: string | null;
  readonly success: boolean;
  readonly reason: LoginOutcome;
}

/** `limit` from 1 to {@link LOGIN_ATTEMPTS_MAX_LIMIT}; `beforeId`: attempts older than it; `since`/`until`: their time range. */
export interface LoginAttemptQuery extends BeforeIdRequest, TimeRange {
  readonly userId?: number;
  readonly ip?: string;
  readonly success?: boolean;
}

export type LoginAttemptPage = BeforeIdPage<LoginAttempt>;

export const LOGIN_ATTEMPTS_MAX_LIMIT = 1000;
const MAX_LOGIN_TEXT = 320;

/** Writes one attempt. A failure to write must not turn a refusal into a 500, nor block a login. */
export async function recordLoginAttempt(
  core: Core,
  attempt: { readonly login: string; readonly userId: number | null; readonly ip: string | null; readonly outcome: LoginOutcome },
): Promise<void> {
  try {
    await core.db
      .insertInto('login_attempts')
      .values({
        created_at: core.now(),
        user_id: attempt.userId,
        // NUL cannot be stored in PostgreSQL text; such a login is refused as malformed anyway.
        login: attempt.login.trim().replaceAll('\u0000', '').slice(0, MAX_LOGIN_TEXT),
        ip: attempt.ip,
        success: attempt.outcome === 'success' ? 1 : 0,
        reason: attempt.outcome,
      })
      .execute();
  } catch {
    // Advisory, like credential use bookkeeping: the login's own answer stands.
  }
}

const toAttempt = (row: LoginAttemptRow): LoginAttempt =>
  Object.freeze({
    id: row.id,
    created_at: Number(row.created_at),
    user_id: row.user_id,
    login: row.login,
    ip: row.ip,
    success: row.success === 1,
    reason: row.reason as LoginOutcome,
  });

/**
 * Sign-in attempts, newest first, narrowed by account, address, outcome and time; paged by id.
 * Admins only (`audit.view`: attempts are part of the audit trail).
 *
 * @throws CoreError `forbidden` for anyone else; `invalid_param` for a bad limit, id or time.
 */
export async function listLoginAttempts(core: Core, viewer: Viewer, query: LoginAttemptQuery): Promise<LoginAttemptPage> {
  if (!can(viewer, 'audit.view')) throw forbidden();
  checkBeforeIdPage(query.limit, LOGIN_ATTEMPTS_MAX_LIMIT, [
    ['user_id', query.userId],
    ['cursor', query.beforeId],
  ]);
  let select = core.db.selectFrom('login_attempts').selectAll();
  if (query.userId !== undefined) select = select.where('user_id', '=', query.userId);
  if (query.ip !== undefined) select = select.where('ip', '=', query.ip);
  if (query.success !== undefined) select = select.where('success', '=', query.success ? 1 : 0);
  const page = await pageBeforeId(withinTimeRange(select, query), query);
  return { items: page.items.map(toAttempt), nextBeforeId: page.nextBeforeId };
}

/** Deletes attempts older than the configured retention; for the periodic job. Returns how many. */
export async function pruneLoginAttempts(core: Core, now: number): Promise<number> {
  const result = await core.db
    .deleteFrom('login_attempts')
    .where('created_at', '<', now - core.config.loginAttemptsRetentionMs)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
