import { decodeJwt, errors, jwtVerify, SignJWT } from 'jose';
import type { Core } from '../context.js';
import { viewerFor, type Viewer } from '../access/viewer.js';
import { restrictedReason, type RestrictedReason } from '../orgs/stack-users.js';
import { stackAccessTokenKey, type StackProject } from '../orgs/stack-projects.js';
import type { User } from '../users/user.js';
import { liveSessionById, stackSessionUser } from './stack-sessions.js';

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

/**
 * Checks an access token for the project: signature, issuer, audience and expiry (clock of the
 * core), then that its session is still live, so that a revocation, password change, ban or
 * deletion ends it at once rather than when it expires.
 */
export async function authenticateStackAccessToken(core: Core, project: StackProject, token: string, ip: string | null): Promise<StackTokenCheck> {
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
  const user = await stackSessionUser(core, project, sessionId);
  if (!user || user.uuid !== payload.sub) return { kind: 'no_user' };
  // When the session was opened: a recent sign-in proves ownership for password and email changes.
  const [session] = await liveSessionById(core.db, sessionId);
  const credential = { kind: 'session' as const, id: sessionId, ...(session ? { createdAt: session.created_at } : {}) };
  return { kind: 'ok', viewer: viewerFor(user, credential, ip), user, sessionId };
}
