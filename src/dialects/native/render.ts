import type { Static } from '@fastify/type-provider-typebox';
import type { ApiKey } from '../../core/auth/api-keys.js';
import type { AuditLogEntry, AuditLogPage } from '../../core/moderation/audit-log.js';
import { levelName } from '../../core/access/levels.js';
import type { Sanction } from '../../core/moderation/moderation.js';
import { administersOrganizations, type Organization } from '../../core/orgs/organizations.js';
import { canRead } from '../../core/access/visibility.js';
import type { User } from '../../core/users/user.js';
import type { Viewer } from '../../core/access/viewer.js';
import type { ListPage } from '../../query/list-page.js';
import type { UserSearchResult } from '../../query/search-users.js';
import type { AuditEntrySchema, OrganizationSchema, SanctionSchema, UserSchema } from './schemas.js';

/**
 * Core results → native JSON. Only what the core's read rules (core/access/visibility.ts) allow is built; the response schemas
 * (schemas.ts) then drop anything not declared. No queries here: the core loaded everything.
 */
export type NativeUser = Static<typeof UserSchema>;

/** Fields of a user that only some viewers read, in the order they are rendered. */
const GUARDED_USER_FIELDS = [
  'email',
  'email_verified',
  'has_password',
  'client_metadata',
  'client_read_only_metadata',
  'selected_team_id',
  'preferences',
  'last_forum_read_at',
  'last_logged_in_at',
  'last_active_at',
  'last_ip_addr',
  'restricted_by_admin_reason',
  'restricted_by_admin_private_details',
  'server_metadata',
  'risk_scores',
  'country_code',
] as const satisfies readonly (keyof User & keyof NativeUser)[];

/** A user as `viewer` may see them: every guarded field is asked of the core's read rules. */
export function renderUser(viewer: Viewer, user: User): NativeUser {
  const may = (field: string): boolean => canRead(viewer, 'users', field, user.id);
  const rendered: Record<string, unknown> = {
    id: user.id,
    uuid: user.uuid,
    name: user.name,
    level: user.level,
    level_name: levelName(user.level) ?? String(user.level),
    first_name: user.first_name,
    last_name: user.last_name,
    display_name: user.display_name,
    profile_image_url: user.profile_image_url,
    avatar_id: user.avatar_id,
    inviter_id: user.inviter_id,
    is_deleted: user.is_deleted,
    is_anonymous: user.is_anonymous,
    is_banned: user.ban !== null,
    is_muted: user.mute !== null,
    ban: user.ban,
    // That a user is muted is public; what the mute says is not (as /v1/mutes).
    ...(may('mute') ? { mute: user.mute } : {}),
    restricted_by_admin: user.restricted_by_admin,
    counters: user.counters,
    created_at: user.created_at,
    updated_at: user.updated_at,
  };
  for (const field of GUARDED_USER_FIELDS) if (may(field)) rendered[field] = user[field];
  return rendered as NativeUser;
}

/** A keyset page envelope: `{items, next_cursor, has_more, total?}`. */
export function renderPage<T, R>(page: ListPage<T>, render: (item: T) => R) {
  return {
    items: page.items.map(render),
    next_cursor: page.nextCursor,
    has_more: page.hasMore,
    ...(page.total === null ? {} : { total: page.total }),
  };
}

export const renderUserPage = (viewer: Viewer, result: UserSearchResult) =>
  renderPage<User, NativeUser>({ ...result, items: result.users }, (user) => renderUser(viewer, user));

/** Lists and single records the core already shapes for outsiders (no secret, no hash). */
export const renderApiKey = (apiKey: ApiKey) => ({ ...apiKey, scopes: [...apiKey.scopes], permitted_ips: [...apiKey.permitted_ips] });

export const renderSanction = (sanction: Sanction): Static<typeof SanctionSchema> => ({ ...sanction });

export const renderAuditEntry = (entry: AuditLogEntry): Static<typeof AuditEntrySchema> => ({ ...entry });

export const renderAuditPage = (page: AuditLogPage) => ({
  items: page.items.map(renderAuditEntry),
  next_cursor: page.nextBeforeId === null ? null : String(page.nextBeforeId),
  has_more: page.nextBeforeId !== null,
});

/** An organization; its server-side metadata only for those who administer organizations. */
export function renderOrganization(viewer: Viewer, organization: Organization): Static<typeof OrganizationSchema> {
  const { server_metadata, contact, ...visible } = organization;
  const rendered = { ...visible, contact: { ...contact } };
  return administersOrganizations(viewer) ? { ...rendered, server_metadata } : rendered;
}

/** An offset listing (organizations, memberships): `{items, total}`. */
export const renderListing = <T, R>(listing: { readonly items: readonly T[]; readonly total: number }, render: (item: T) => R) => ({
  items: listing.items.map(render),
  total: listing.total,
});
