import { fixedQuery } from '../../db/fixed-query.js';
import type { SessionRow } from '../../db/schema.js';
import type { Core } from '../context.js';
import { forbidden, notFound, validationFailed } from '../errors.js';
import { can } from '../access/policy.js';
import type { Viewer } from '../access/viewer.js';
import type { StackProject } from '../orgs/stack-projects.js';
import { signUp } from '../users/user-create.js';
import type { User } from '../users/user.js';
import { loadUser } from '../users/user-store.js';
import { requireUser } from '../users/require-user.js';
import { generateSecret, hashSecret } from './secrets.js';
import { login, SESSION_LIFETIME_MS } from './sessions.js';

/**
 * Stack Auth sessions are core sessions tagged with their project: the session token is the
 * refresh token (stored hashed, revoked by password changes, bans and deletion like any
 * session), and its id is the access token's `refresh_token_id`.
 */
export interface StackSession {
  readonly sessionId: number;
  /** Shown once, here. */
  readonly refreshToken: string;
  readonly user: User;
}

/** The longest session `POST /auth/sessions` may open (`expires_in_millis`); the SDK asks for one year. */
const MAX_SESSION_MS = 2 * 365 * 24 * 60 * 60 * 1000;
const MAX_USER_AGENT_LENGTH = 512;

interface SessionOptions {
  readonly expiresInMillis?: number;
  readonly ip: string | null;
  readonly userAgent?: string | null;
}

async function insertSession(core: Core, project: StackProject, userId: number, options: SessionOptions): Promise<{ sessionId: number; refreshToken: string }> {
  const refreshToken = generateSecret();
  const now = core.now();
  const row = await core.db
    .insertInto('sessions')
    .values({
      user_id: userId,
      token_hash: hashSecret(refreshToken),
      created_at: now,
      expires_at: now + (options.expiresInMillis ?? SESSION_LIFETIME_MS),
      last_seen_at: now,
      ip: options.ip,
      user_agent: options.userAgent?.slice(0, MAX_USER_AGENT_LENGTH) ?? null,
      stack_project_id: project.id,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { sessionId: row.id, refreshToken };
}

/** `POST /auth/password/sign-up`: a new account (self-service signup rules) signed in at once. */
export async function stackPasswordSignUp(
  core: Core,
  viewer: Viewer,
  project: StackProject,
  input: { email: string; password: string } & SessionOptions,
): Promise<StackSession> {
  const user = await signUp(core, viewer, { email: input.email, password: input.password, ip: input.ip });
  return { ...(await insertSession(core, project, user.id, input)), user };
}

/** `POST /auth/anonymous/sign-up`: an anonymous account, signed in at once. */
export async function stackAnonymousSignUp(core: Core, viewer: Viewer, project: StackProject, options: SessionOptions): Promise<StackSession> {
  const user = await signUp(core, viewer, { isAnonymous: true, ip: options.ip });
  return { ...(await insertSession(core, project, user.id, options)), user };
}

/** `POST /auth/password/sign-in`: the core's login (throttled, one error for every failure) as a session of the project. */
export async function stackPasswordSignIn(
  core: Core,
  project: StackProject,
  input: { email: string; password: string; ip: string | null; userAgent?: string | null },
): Promise<StackSession> {
  const { session, token, user } = await login(core, {
    login: input.email,
    password: input.password,
    ip: input.ip,
    userAgent: input.userAgent ?? null,
    stackProjectId: project.id,
  });
  return { sessionId: session.id, refreshToken: token, user };
}

/** `POST /auth/sessions` (server access): a session for any live user, e.g. to impersonate them. */
export async function openStackSession(core: Core, viewer: Viewer, project: StackProject, userId: number, options: SessionOptions): Promise<StackSession> {
  const user = await requireUser(core, userId);
  if (user.is_deleted) throw notFound('user');
  if (!can(viewer, 'user.open_session', user)) throw forbidden();
  const lifetime = options.expiresInMillis;
  if (lifetime !== undefined && (!Number.isSafeInteger(lifetime) || lifetime <= 0 || lifetime > MAX_SESSION_MS)) {
    throw validationFailed({ expires_in_millis: [`must be a positive integer of at most ${MAX_SESSION_MS}`] });
  }
  return { ...(await insertSession(core, project, userId, options)), user };
}

/** A session not revoked, by id (expiry and project are the caller's to check). */
const liveSessionById = fixedQuery<[sessionId: number], Pick<SessionRow, 'user_id' | 'expires_at' | 'stack_project_id' | 'created_at' | 'token_hash'>>(
  (db, args) =>
    db
      .selectFrom('sessions')
      .select(['user_id', 'expires_at', 'stack_project_id', 'created_at', 'token_hash'])
      .where('id', '=', args.value<number>(0))
      .where('revoked_at', 'is', null),
);

/** A live session of a project and its user, as loaded now. */
export interface LiveStackSession {
  readonly user: User;
  /** When it was opened (signed in). */
  readonly createdAt: number;
  readonly expiresAt: number;
  /** Its refresh token's hash: what its revocation announces. */
  readonly tokenHash: string;
}

/**
 * The live session of a project by id: not revoked or expired, of this project, its user
 * neither deleted nor banned. Null otherwise, whatever the reason.
 */
export async function liveStackSession(core: Core, project: StackProject, sessionId: number): Promise<LiveStackSession | null> {
  if (!Number.isSafeInteger(sessionId)) return null;
  const [row] = await liveSessionById(core.db, sessionId);
  if (!row || row.stack_project_id !== project.id || row.expires_at <= core.now()) return null;
  const user = await loadUser(core, row.user_id);
  if (!user || user.is_deleted || user.ban !== null) return null;
  return { user, createdAt: row.created_at, expiresAt: row.expires_at, tokenHash: row.token_hash };
}

/** The session a refresh token opens (`POST /auth/oauth/token`), or null when it opens none. */
export async function refreshStackSession(core: Core, project: StackProject, refreshToken: string): Promise<{ sessionId: number; user: User } | null> {
  if (refreshToken.length === 0 || refreshToken.length > 256) return null;
  const row = await core.db.selectFrom('sessions').select('id').where('token_hash', '=', hashSecret(refreshToken)).executeTakeFirst();
  if (!row) return null;
  const session = await liveStackSession(core, project, row.id);
  if (!session) return null;
  await core.db.updateTable('sessions').set({ last_seen_at: core.now() }).where('id', '=', row.id).execute();
  return { sessionId: row.id, user: session.user };
}
