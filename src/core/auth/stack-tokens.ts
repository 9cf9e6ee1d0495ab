import { decodeJwt, errors, jwtVerify, SignJWT } from 'jose';
import type { Core } from '../context.js';
import { viewerFor, type Credential, type Viewer } from '../access/viewer.js';
import { restrictedReason, type RestrictedReason } from '../orgs/stack-users.js';
import { stackAccessTokenKey, type StackProject } from '../orgs/stack-projects.js';
import { approximateUserBytes, type User } from '../users/user.js';
import { CACHE_TTL_MS, cachePerCore, earliest } from '../change-bound-cache.js';
import { hashSecret } from './secrets.js';
import { liveStackSession, type LiveStackSession } from './stack-sessions.js';

/** Stack Auth's access tokens live ten minutes; the SDK refreshes them with the refresh token. */
export const ACCESS_TOKEN_LIFETIME_S = 600;
const ALGORITHM = 'HS256';

/** The claims the SDK validates (`accessTokenPayloadSchema` in @stackframe/stack-shared). */
export interface StackAccessTokenClaims {
  readonly sub: string;
  readonly iat: number;
  readonly exp: number;
  readonly iss: string;
  readonly aud: string;
  readonly project_id: string;
  readonly branch_id: string;
  readonly refresh_token_id: string;
  readonly role: 'authenticated';
  readonly name: string | null;
  readonly email: string | null;
  readonly email_verified: boolean;
  readonly selected_team_id: string | null;
  readonly signed_up_at: number;
  readonly is_anonymous: boolean;
  readonly is_restricted: boolean;
  readonly restricted_reason: { readonly type: RestrictedReason } | null;
  readonly requires_totp_mfa: boolean;
}

export const issuerOf = (projectId: string): string => `urn:roster:stack:projects:${projectId}`;

async function keyOf(core: Core, project: StackProject): Promise<Uint8Array> {
  const key = await stackAccessTokenKey(core, project.id);
  if (!key) throw new Error(`stack project ${project.id} vanished`);
  return key;
}

/** A signed access token for a session of the project, describing its user as of now. */
export async function issueStackAccessToken(core: Core, project: StackProject, session: { sessionId: number; user: User }, branchId = 'main'): Promise<string> {
  const { user } = session;
  const team =
    user.selected_team_id === null
      ? undefined
      : await core.db.selectFrom('organizations').select('uuid').where('id', '=', user.selected_team_id).executeTakeFirst();
  const reason = restrictedReason(user, project.config);
  const iat = Math.floor(core.now() / 1000);
  const claims: Omit<StackAccessTokenClaims, 'sub' | 'iat' | 'exp' | 'iss' | 'aud'> = {
    project_id: project.id,
    branch_id: branchId,
    refresh_token_id: String(session.sessionId),
    role: 'authenticated',
    name: user.display_name,
    email: user.email,
    email_verified: user.email_verified,
    selected_team_id: team?.uuid ?? null,
    signed_up_at: Math.floor(user.created_at / 1000),
    is_anonymous: user.is_anonymous,
    is_restricted: reason !== null,
    restricted_reason: reason === null ? null : { type: reason },
    requires_totp_mfa: false,
  };
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setSubject(user.uuid)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ACCESS_TOKEN_LIFETIME_S)
    .setIssuer(issuerOf(project.id))
    .setAudience(project.id)
    .sign(await keyOf(core, project));
}

/** What an `x-stack-access-token` proves (spec §3.2 token errors). */
export type StackTokenCheck =
  | { readonly kind: 'ok'; readonly viewer: Viewer; readonly user: User; readonly sessionId: number }
  /** Not a token of ours: unreadable, or a bad signature. */
  | { readonly kind: 'unparsable' }
  | { readonly kind: 'expired'; readonly expiredAtMillis: number; readonly userId: string; readonly refreshTokenId: string }
  | { readonly kind: 'wrong_project' }
  /** Well signed, but its session was revoked or its user deleted or banned since. */
  | { readonly kind: 'no_user' };

/** An access token that checked out: its project, its session and that session's user. */
interface CheckedAccess {
  readonly projectId: string;
  readonly sessionId: number;
  readonly user: User;
  readonly credential: Extract<Credential, { kind: 'session' }>;
}

const checkedAccessFor = cachePerCore<string, CheckedAccess>();

const admitted = (access: CheckedAccess, ip: string | null): StackTokenCheck => ({
  kind: 'ok',
  viewer: viewerFor(access.user, access.credential, ip),
  user: access.user,
  sessionId: access.sessionId,
});

/** A token whose signature and claims hold, and whose session is live. */
interface LiveAccess {
  readonly kind: 'live';
  readonly sessionId: number;
  readonly session: LiveStackSession;
  /** The token's expiry, in seconds. */
  readonly exp: number;
}

/** Verifies the token and loads its session: what a token not in the cache needs. */
async function checkAccessToken(core: Core, project: StackProject, token: string): Promise<Exclude<StackTokenCheck, { kind: 'ok' }> | LiveAccess> {
  let unverified: Record<string, unknown>;
  try {
    unverified = decodeJwt(token);
  } catch {
    return { kind: 'unparsable' };
  }
  if (unverified.project_id !== project.id) return typeof unverified.project_id === 'string' ? { kind: 'wrong_project' } : { kind: 'unparsable' };
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, await keyOf(core, project), {
      algorithms: [ALGORITHM],
      issuer: issuerOf(project.id),
      audience: project.id,
      currentDate: new Date(core.now()),
      clockTolerance: 0,
    }));
  } catch (error) {
    if (error instanceof errors.JWTExpired && typeof unverified.exp === 'number') {
      return { kind: 'expired', expiredAtMillis: unverified.exp * 1000, userId: String(unverified.sub), refreshTokenId: String(unverified.refresh_token_id) };
    }
    return { kind: 'unparsable' };
  }
  const sessionId = Number(payload.refresh_token_id);
  const session = await liveStackSession(core, project, sessionId);
  if (!session || session.user.uuid !== payload.sub) return { kind: 'no_user' };
  return { kind: 'live', sessionId, session, exp: Number(payload.exp) };
}

/**
 * Checks an access token for the project: signature, issuer, audience and expiry (clock of the
 * core), then that its session is still live, so that a revocation, password change, ban or
 * deletion ends it at once rather than when it expires. A token that checked out is remembered
 * (by its hash, per core) until it expires or its session or user changes, so that a signed-in
 * client's requests run no query to authenticate.
 */
export async function authenticateStackAccessToken(core: Core, project: StackProject, token: string, ip: string | null): Promise<StackTokenCheck> {
  const tokenHash = hashSecret(token);
  const cache = checkedAccessFor(core);
  const now = core.now();
  const cached = cache.get(tokenHash, now);
  // A token names its project: another project's (cached or not) is checked in full, to be refused as such.
  if (cached && cached.projectId === project.id) return admitted(cached, ip);
  const generation = cache.generation;
  const checked = await checkAccessToken(core, project, token);
  if (checked.kind !== 'live') return checked;
  const { sessionId, session, exp } = checked;
  const { user } = session;
  // When the session was opened: a recent sign-in proves ownership for password and email changes.
  const credential = Object.freeze({ kind: 'session' as const, id: sessionId, createdAt: session.createdAt });
  const access: CheckedAccess = Object.freeze({ projectId: project.id, sessionId, user, credential });
  const validUntil = earliest(now + CACHE_TTL_MS, exp * 1000, session.expiresAt, user.mute?.expires_at);
  const dependsOn = [
    { kind: 'credential', tokenHash: session.tokenHash },
    { kind: 'user', userId: user.id },
    // Nothing rotates a project's signing key today; should anything, its tokens go with it.
    { kind: 'stack_project', projectId: project.id },
  ] as const;
  cache.set(tokenHash, access, { validUntil, dependsOn, bytes: approximateUserBytes(user) }, generation);
  return admitted(access, ip);
}
