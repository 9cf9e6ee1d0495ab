import type { ApiKeyRow, SessionRow } from '../../db/schema.js';
import { fixedQuery } from '../../db/fixed-query.js';
import { parseStringList } from './api-keys.js';
import type { Core } from '../context.js';
import { CACHE_TTL_MS, earliest } from '../change-bound-cache.js';
import { credentialBinding, credentialCacheFor, recordCredentialUse, type CachedCredential } from './credential-cache.js';
import { nameKey } from '../users/names.js';
import { hashSecret } from './secrets.js';
import { loadUser } from '../users/user-store.js';
import { viewerFor, type Viewer } from '../access/viewer.js';

/** Anything longer is not one of our tokens (43 characters) nor an imported key; refuse without a lookup. */
const MAX_TOKEN_LENGTH = 256;

/**
 * When a session left unused expires (`ROSTER_SESSION_IDLE_MINUTES` after its last use, or its
 * opening); null when idle sessions never expire. Uses are written within a second (the usage
 * recorder), far below any sensible idle timeout.
 */
function sessionIdleUntil(core: Core, session: { readonly created_at: number; readonly last_seen_at: number | null }): number | null {
  if (core.config.sessionIdleMs <= 0) return null;
  return Math.max(Number(session.created_at), Number(session.last_seen_at ?? 0)) + core.config.sessionIdleMs;
}

const liveKeyByHash = fixedQuery<[tokenHash: string], Pick<ApiKeyRow, 'id' | 'user_id' | 'scopes' | 'permitted_ips' | 'expires_at'>>((db, args) =>
  db
    .selectFrom('api_keys')
    .select(['id', 'user_id', 'scopes', 'permitted_ips', 'expires_at'])
    .where('token_hash', '=', args.value<string>(0))
    .where('revoked_at', 'is', null),
);

const liveSessionByHash = fixedQuery<[tokenHash: string], Pick<SessionRow, 'id' | 'user_id' | 'expires_at' | 'created_at' | 'last_seen_at'>>((db, args) =>
  db
    .selectFrom('sessions')
    .select(['id', 'user_id', 'expires_at', 'created_at', 'last_seen_at'])
    .where('token_hash', '=', args.value<string>(0))
    .where('revoked_at', 'is', null)
    // A Stack refresh token is a credential of its project only (core/auth/stack-sessions.ts).
    .where('stack_project_id', 'is', null),
);

/** Finds the live API key or session with this token hash, and its owner as of now. */
async function lookUpToken(core: Core, tokenHash: string, now: number): Promise<CachedCredential | null> {
  const [[key], [session]] = await Promise.all([liveKeyByHash(core.db, tokenHash), liveSessionByHash(core.db, tokenHash)]);
  const found = key ?? session;
  if (!found || (found.expires_at !== null && found.expires_at <= now)) return null;
  const idleUntil = session && !key ? sessionIdleUntil(core, session) : null;
  if (idleUntil !== null && idleUntil <= now) return null;
  const user = await loadUser(core, found.user_id);
  if (!user) return null;
  const credential: CachedCredential['credential'] = key
    ? Object.freeze({
        kind: 'api_key',
        id: key.id,
        scopes: parseStringList(key.scopes),
        permittedIps: parseStringList(key.permitted_ips),
        expiresAt: key.expires_at,
      })
    : Object.freeze({ kind: 'session', id: found.id, createdAt: session?.created_at ?? now });
  const validUntil = earliest(now + CACHE_TTL_MS, found.expires_at, idleUntil, user.ban?.expires_at, user.mute?.expires_at);
  return Object.freeze({ user, credential, validUntil });
}

/**
 * The credential for a token hash, from this core's cache or the database. A result is cached
 * (banned owners included, so that a ban's lifting is heard by user id) unless an invalidation
 * arrived while it was being looked up.
 */
async function resolveToken(core: Core, tokenHash: string): Promise<CachedCredential | null> {
  const cache = credentialCacheFor(core);
  const now = core.now();
  const cached = cache.get(tokenHash, now);
  core.telemetry.emit({ kind: 'credential_cache', result: cached ? 'hit' : 'miss' });
  if (cached) return cached;
  const generation = cache.generation;
  const found = await lookUpToken(core, tokenHash, now);
  if (found) cache.set(tokenHash, found, credentialBinding(tokenHash, found), generation);
  return found;
}

/** The viewer for a resolved credential, or null when its owner may not sign in (deleted, banned). */
function admit(core: Core, entry: CachedCredential, ip: string | null): Viewer | null {
  // The entry is valid only while a ban it saw is in force (validUntil), so a ban here is current.
  if (entry.user.is_deleted || entry.user.ban !== null) return null;
  recordCredentialUse(core, entry.credential, ip);
  return viewerFor(entry.user, entry.credential, ip);
}

const isPlausibleToken = (token: string): boolean => token.length > 0 && token.length <= MAX_TOKEN_LENGTH;

/**
 * Authenticates an API key secret or a session token. Null for anything that does not
 * authenticate — unknown, wrong, expired, revoked, owner deleted or banned — with no way to tell
 * which (the HTTP layer gives one uniform 401). Cached per core; revocations, bans and deletions
 * on any instance take effect on the next call through the change feed.
 */
export async function authenticateBearer(core: Core, token: string, ip: string | null): Promise<Viewer | null> {
  if (!isPlausibleToken(token)) return null;
  const entry = await resolveToken(core, hashSecret(token));
  return entry ? admit(core, entry, ip) : null;
}

/**
 * Danbooru/e621 `login` + `api_key` (query parameters or Basic): the key must be an API key of
 * the user named `name`, matched ignoring case with spaces as `_`. Null as for `authenticateBearer`.
 */
export async function authenticateNameAndKey(core: Core, name: string, key: string, ip: string | null): Promise<Viewer | null> {
  if (!isPlausibleToken(key) || name.length === 0) return null;
  const entry = await resolveToken(core, hashSecret(key));
  if (!entry || entry.credential.kind !== 'api_key' || nameKey(entry.user.name) !== nameKey(name)) return null;
  return admit(core, entry, ip);
}
