import { forbidden } from '../errors.js';
import { ipInRanges, rangeWithin } from './ip-ranges.js';
import type { Viewer } from '../access/viewer.js';

/**
 * The one vocabulary of API key scopes, for every dialect: `resource:action`, in Danbooru's
 * spelling (its keys store these names, `users:index`), the resource possibly namespaced
 * (`admin/users:update`). Each dialect declares, per route, the scope that route needs; a route
 * that declares none is refused to every scoped key (fail closed), so a new route or dialect
 * never widens an existing key.
 */
export const SCOPES = Object.freeze([
  'users:index',
  'users:show',
  'users:profile',
  'users:create',
  'users:update',
  'users:destroy',
  'users:restrict',
  'admin/users:update',
  'passwords:update',
  'emails:update',
  'user_name_change_requests:index',
  'user_name_change_requests:show',
  'user_name_change_requests:create',
  'bans:index',
  'bans:show',
  'bans:create',
  'bans:destroy',
  'mutes:index',
  'mutes:show',
  'mutes:create',
  'mutes:destroy',
  'api_keys:index',
  'api_keys:create',
  'api_keys:destroy',
  'sessions:index',
  'sessions:create',
  'sessions:destroy',
  'organizations:index',
  'organizations:show',
  'organizations:create',
  'organizations:update',
  'organizations:destroy',
  'memberships:index',
  'memberships:show',
  'memberships:update',
  'memberships:destroy',
  'invitations:index',
  'invitations:show',
  'invitations:create',
  'invitations:update',
  'invitations:destroy',
  'subscriptions:index',
  'subscriptions:create',
  'subscriptions:destroy',
  'audit_log:index',
  'login_attempts:index',
  'stats:index',
  'stack_projects:index',
  'stack_projects:create',
  'stack_projects:update',
  'users:export',
  'users:import',
] as const);

export type Scope = (typeof SCOPES)[number];

/**
 * The scope of each action a dedicated route exists for, asked by the core step that writes it
 * (writeRename, writeUserLevel, writeSanction, writeLift, prepareUserPatch for email and password)
 * whatever route reaches it: a wider request (CVAT's user PATCH, e621's settings) needs it too.
 */
export const ACTION_SCOPES = Object.freeze({
  rename: 'user_name_change_requests:create',
  changeLevel: 'admin/users:update',
  ban: 'bans:create',
  liftBan: 'bans:destroy',
  mute: 'mutes:create',
  liftMute: 'mutes:destroy',
  changeEmail: 'emails:update',
  changePassword: 'passwords:update',
} as const satisfies Record<string, Scope>);

const KNOWN: ReadonlySet<string> = new Set(SCOPES);

export const isScope = (text: string): text is Scope => KNOWN.has(text);

/**
 * Refuses (`forbidden`, Danbooru's 403 "Access denied") a request made with an API key whose
 * restrictions do not allow `scope` from `ip`: a scope list that lacks it (an empty list allows
 * every scope), a permitted-address list that lacks `ip` (empty allows any), or a route that
 * declares no scope at all (`undefined`) when the key is scoped. `null` is a route that runs no
 * action (a redirect). Sessions and the system are unrestricted; expiry is checked when the key
 * is looked up. Every dialect's credential path calls this for every route.
 */
export function authorizeCredential(viewer: Viewer, scope: Scope | null | undefined, ip: string | null): void {
  const credential = viewer.credential;
  if (credential.kind !== 'api_key' || scope === null) return;
  requireScope(viewer, scope);
  if (credential.permittedIps.length > 0 && (ip === null || !ipInRanges(ip, credential.permittedIps))) {
    throw forbidden('Access denied', { entity: 'api_key' });
  }
}

/**
 * Refuses (`forbidden`) a scoped API key that lacks `scope` (`undefined`: no scope declared,
 * refused to every scoped key). Each core step that writes an action with a dedicated route asks for
 * that route's scope (`ACTION_SCOPES`), so one route's scope never grants what another guards.
 */
export function requireScope(viewer: Viewer, scope: Scope | undefined): void {
  const credential = viewer.credential;
  if (credential.kind !== 'api_key' || credential.scopes.length === 0) return;
  if (scope === undefined || !credential.scopes.includes(scope)) throw forbidden('Access denied', { entity: 'api_key' });
}

export interface CredentialLimits {
  readonly scopes: readonly string[];
  readonly permittedIps: readonly string[];
  readonly expiresAt: number | null;
}

/**
 * A credential minted by an API key may be no wider than that key: its scopes a subset of the
 * key's (none when the key has some means all, which is wider), its addresses within the key's,
 * and it expires no later. Sessions and the system mint anything. Throws `forbidden`.
 */
export function assertNotWiderThanCaller(viewer: Viewer, limits: CredentialLimits): void {
  const credential = viewer.credential;
  if (credential.kind !== 'api_key') return;
  const problems: Record<string, string[]> = {};
  if (credential.scopes.length > 0) {
    if (limits.scopes.length === 0) problems.scopes = ['cannot be wider than the scopes of the key making this request'];
    else if (limits.scopes.some((s) => !credential.scopes.includes(s))) problems.scopes = ['cannot include scopes the key making this request lacks'];
  }
  if (credential.permittedIps.length > 0) {
    if (limits.permittedIps.length === 0 || limits.permittedIps.some((ip) => !rangeWithin(ip, credential.permittedIps))) {
      problems.permitted_ips = ['must lie within the permitted addresses of the key making this request'];
    }
  }
  const parentExpiry = credential.expiresAt ?? null;
  if (parentExpiry !== null && (limits.expiresAt === null || limits.expiresAt > parentExpiry)) {
    problems.expires_at = ['cannot be later than the expiry of the key making this request'];
  }
  if (Object.keys(problems).length > 0) {
    throw forbidden('A key cannot create a credential wider than itself', { entity: 'api_key', fields: problems });
  }
}
