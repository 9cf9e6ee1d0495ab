import type { Kysely } from 'kysely';
import type { Database, SessionRow } from '../../db/schema.js';
import { loadCredentialOwner, type CredentialReach } from './api-keys.js';
import { recordAudit } from '../moderation/audit.js';
import type { Core } from '../context.js';
import { flushCredentialUse } from './credential-cache.js';
import { forbidden, notFound, unauthenticated } from '../errors.js';
import { recordLoginAttempt, type LoginOutcome } from './login-attempts.js';
import { loginThrottleKeys, reserveLoginAttempt, settleLoginSuccess } from './login-throttle.js';
import { nameKey } from '../users/names.js';
import { hashPassword, isSupportedPasswordHash, verifyDummyPassword, verifyPassword } from './passwords.js';
import { can } from '../access/policy.js';
import { generateSecret, hashSecret } from './secrets.js';
import type { User } from '../users/user.js';
import { loadUser } from '../users/user-store.js';
import { viewerFor, type Viewer } from '../access/viewer.js';
import type { LoginReason } from '../telemetry.js';
import { hasNul } from '../text.js';

/** A session as the core hands it out: never its token nor the token's hash. */
export interface Session {
  readonly id: number;
  readonly user_id: number;
  readonly created_at: number;
  readonly expires_at: number;
  readonly last_seen_at: number | null;
  readonly ip: string | null;
  readonly user_agent: string | null;
  readonly revoked_at: number | null;
}

export interface LoginInput {
  /** The user's name or email, in any case. */
  readonly login: string;
  readonly password: string;
  readonly ip: string | null;
  readonly userAgent?: string | null;
  /** Opens a Stack Auth refresh token of this project instead of a native session. */
  readonly stackProjectId?: string | null;
  /** Opens an admin console session: refused (`forbidden`, no session) unless policy allows `console.sign_in`. */
  readonly console?: boolean;
}

/** How long a session lasts after login. */
export const SESSION_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;
const MAX_LOGIN_LENGTH = 320;
const MAX_USER_AGENT_LENGTH = 512;

function toSession(row: SessionRow): Session {
  return Object.freeze({
    id: row.id,
    user_id: row.user_id,
    created_at: row.created_at,
    expires_at: row.expires_at,
    last_seen_at: row.last_seen_at,
    ip: row.ip,
    user_agent: row.user_agent,
    revoked_at: row.revoked_at,
  });
}

interface LoginCandidate {
  readonly id: number;
  readonly password_hash: string | null;
  readonly is_deleted: number;
}

/** The account a login names: by name first, else by email when exactly one live account has it. */
async function findLoginCandidate(core: Core, login: string): Promise<LoginCandidate | null> {
  const text = login.trim();
  if (text === '' || text.length > MAX_LOGIN_LENGTH) return null;
  const columns = ['id', 'password_hash', 'is_deleted'] as const;
  const byName = await core.db.selectFrom('users').select(columns).where('name_lower', '=', nameKey(text)).executeTakeFirst();
  if (byName || !text.includes('@')) return byName ?? null;
  const byEmail = await core.db
    .selectFrom('users')
    .select(columns)
    .where('email_lower', '=', text.toLowerCase())
    .where('is_deleted', '=', 0)
    .orderBy('id')
    .limit(2)
    .execute();
  return byEmail.length === 1 ? (byEmail[0] ?? null) : null;
}

type Refusal = { readonly refused: Exclude<LoginReason, 'ok'>; readonly userId: number | null };

/** Checks the password and the account; the reason is for logs and the login record only, callers all get the same error. */
async function checkLogin(core: Core, input: LoginInput): Promise<{ user: User; rehash: string | null } | Refusal> {
  const candidate = await findLoginCandidate(core, input.login);
  if (!candidate?.password_hash || !isSupportedPasswordHash(candidate.password_hash)) {
    // Same work as a real check, so that timing does not tell which accounts exist (ASVS 6.3.8).
    await verifyDummyPassword(input.password);
    return candidate ? { refused: 'no_password', userId: candidate.id } : { refused: 'unknown_login', userId: null };
  }
  const verdict = await verifyPassword(candidate.password_hash, input.password);
  if (!verdict.ok) return { refused: 'wrong_password', userId: candidate.id };
  const user = await loadUser(core, candidate.id);
  if (!user || user.is_deleted) return { refused: 'deleted', userId: candidate.id };
  if (user.ban) return { refused: 'banned', userId: candidate.id };
  return { user, rehash: verdict.needsRehash ? candidate.password_hash : null };
}

/** The login record's name for each telemetry reason. */
const OUTCOMES: Readonly<Record<LoginReason, LoginOutcome>> = {
  ok: 'success',
  unknown_login: 'unknown_login',
  wrong_password: 'wrong_password',
  no_password: 'no_usable_password',
  deleted: 'account_deleted',
  banned: 'account_banned',
  throttled: 'rate_limited',
  malformed: 'malformed_login',
};

/**
 * The throttled password check `login` and `verifyCredentials` share. Each attempt is charged to
 * the throttle before its password is checked (atomically: concurrent guesses cannot all slip
 * under the limit), recorded in `login_attempts`, and failures go to telemetry.
 */
async function checkThrottledLogin(core: Core, input: LoginInput, now: number): Promise<{ user: User; rehash: string | null }> {
  const failed = async (reason: LoginReason, userId: number | null): Promise<void> => {
    core.telemetry.emit({ kind: 'login', outcome: 'failure', reason });
    await recordLoginAttempt(core, { login: input.login, ip: input.ip, userId, outcome: OUTCOMES[reason] });
  };
  // No account name holds NUL, and PostgreSQL text cannot store one (the throttle key would).
  if (hasNul(input.login)) {
    await failed('malformed', null);
    throw unauthenticated('malformed login');
  }
  const [accountKey, addressKey] = loginThrottleKeys(input.login, input.ip);
  await reserveLoginAttempt(core, [accountKey, addressKey], now).catch(async (error: unknown) => {
    await failed('throttled', null);
    throw error;
  });
  const outcome = await checkLogin(core, input);
  if ('refused' in outcome) {
    await failed(outcome.refused, outcome.userId);
    throw unauthenticated(outcome.refused);
  }
  await settleLoginSuccess(core, accountKey, addressKey);
  await recordLoginAttempt(core, { login: input.login, ip: input.ip, userId: outcome.user.id, outcome: 'success' });
  return outcome;
}

/**
 * Checks a name or email and password without opening a session (HTTP Basic with a password,
 * CVAT; a current-password confirmation), under the same throttle and with the same uniform
 * `unauthenticated` as `login`. Returns the account.
 */
export async function verifyCredentials(core: Core, input: LoginInput): Promise<User> {
  return (await checkThrottledLogin(core, input, core.now())).user;
}

/**
 * Signs in with a name or email (ignoring case) and a password, and opens a session of
 * `SESSION_LIFETIME_MS`. The token is returned here only. Any failure (unknown account, wrong
 * password, no password, deleted, banned) is the same `unauthenticated` error; too many failures
 * from one address give `rate_limited`. A password stored in an older format is rehashed to Argon2id.
 */
export async function login(core: Core, input: LoginInput): Promise<{ session: Session; token: string; user: User }> {
  const now = core.now();
  const outcome = await checkThrottledLogin(core, input, now);
  if (input.console === true && !can(viewerFor(outcome.user, { kind: 'password' }, input.ip), 'console.sign_in')) {
    throw forbidden('Only staff may sign in to the console');
  }
  core.telemetry.emit({ kind: 'login', outcome: 'success', reason: 'ok' });
  const newHash = outcome.rehash === null ? null : await hashPassword(input.password);
  const token = generateSecret();
  const userId = outcome.user.id;
  const row = await core.db.transaction().execute(async (trx) => {
    if (newHash !== null && outcome.rehash !== null) {
      // Only if unchanged meanwhile: a concurrent password change wins.
      await trx.updateTable('users').set({ password_hash: newHash }).where('id', '=', userId).where('password_hash', '=', outcome.rehash).execute();
    }
    await trx.updateTable('users').set({ last_logged_in_at: now, last_ip_addr: input.ip }).where('id', '=', userId).execute();
    // Cached viewers of this user (who-am-I renders them) must show this sign-in.
    await core.changes.publish(trx, { kind: 'user', userId });
    return trx
      .insertInto('sessions')
      .values({
        user_id: userId,
        token_hash: hashSecret(token),
        created_at: now,
        expires_at: now + SESSION_LIFETIME_MS,
        last_seen_at: now,
        ip: input.ip,
        user_agent: input.userAgent?.slice(0, MAX_USER_AGENT_LENGTH) ?? null,
        stack_project_id: input.stackProjectId ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  });
  const user = (await loadUser(core, userId)) ?? outcome.user;
  return { session: toSession(row), token, user };
}

/** The session `viewer` is signed in with (`id`, from its credential); another user's is `not_found`. */
export async function currentSession(core: Core, viewer: Viewer, id: number): Promise<Session> {
  const row = await core.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || row.user_id !== viewer.id) throw notFound('session');
  return toSession(row);
}

/** The user's sessions that are neither revoked nor expired, newest first. */
export async function listSessions(core: Core, viewer: Viewer, userId: number, reach?: CredentialReach): Promise<Session[]> {
  await loadCredentialOwner(core, viewer, userId, reach);
  await flushCredentialUse(core);
  const rows = await core.db
    .selectFrom('sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', core.now())
    .orderBy('id', 'desc')
    .execute();
  return rows.map(toSession);
}

/** Ends one session (ASVS 7.5.2); someone else's is `not_found`. Ending it twice returns it unchanged. */
export async function revokeSession(core: Core, viewer: Viewer, sessionId: number, reach: CredentialReach = 'user.manage_credentials'): Promise<Session> {
  const row = Number.isSafeInteger(sessionId) ? await core.db.selectFrom('sessions').selectAll().where('id', '=', sessionId).executeTakeFirst() : undefined;
  const owner = row ? await loadUser(core, row.user_id) : null;
  if (!row || !owner || !can(viewer, reach, owner)) throw notFound('session');
  if (row.revoked_at !== null) return toSession(row);
  const now = core.now();
  const revoked = await core.db.transaction().execute(async (trx) => {
    const updated = await trx.updateTable('sessions').set({ revoked_at: now }).where('id', '=', row.id).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, viewer, now, { action: 'session.revoke', subjectType: 'session', subjectId: row.id, targetUserId: row.user_id });
    await core.changes.publish(trx, { kind: 'credential', tokenHash: row.token_hash });
    return updated;
  });
  return toSession(revoked);
}

/**
 * Revokes every open session of a user, inside the caller's transaction (ban, delete, password
 * change; ASVS 7.4.2). The caller publishes `{kind:'user', userId}`, which drops them from caches.
 * Returns how many were revoked.
 */
export async function revokeAllSessions(db: Kysely<Database>, userId: number, now: number): Promise<number> {
  const result = await db.updateTable('sessions').set({ revoked_at: now }).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows);
}
