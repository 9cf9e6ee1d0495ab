import type { User } from '../users/user.js';
import { searchTier, tierAllows, type SearchTier } from './search-tier.js';
import { isSystem, type Viewer } from './viewer.js';

/**
 * Who may read what: one rule for every field and every related collection the service hands
 * out, asked alike by the renderers (may this viewer see this field of this row?), by the query
 * engine's filters and sorts (may this viewer search on it, and through which rows?) and by
 * the list routes. Search can then never find what reading hides.
 *
 * A field rule names the lowest search tier that reads the field on every row the viewer can
 * see (`null`: no tier), and whether the row's own user reads it too. Being the row's user
 * grants reading only: a search runs over everyone's rows, so it needs the tier.
 */
export interface ReadRule {
  readonly tier: SearchTier | null;
  readonly self: boolean;
}

const rule = (tier: SearchTier | null, self = false): ReadRule => Object.freeze({ tier, self });
const PUBLIC = rule('public');

/** The entities whose rows the service reads out (query/fields.ts catalogues the searchable ones). */
export type ReadableEntity = 'users' | 'bans' | 'mutes' | 'name_changes' | 'memberships' | 'subscriptions' | 'organizations';

/** The fields of a user: the catalogue's columns and derived flags, plus rendered-only values. */
const USER_RULES: Readonly<Record<string, ReadRule>> = Object.freeze({
  email: rule('admin', true),
  email_verified: rule('admin', true),
  // Whether an account signed itself up; e621 shows only the consequence (is_unactivated, public).
  self_signed_up: rule('admin', true),
  has_password: rule('admin', true),
  client_metadata: rule('admin', true),
  client_read_only_metadata: rule('admin', true),
  // Stack Auth: the team a user has selected is their own business and server data.
  selected_team_id: rule('admin', true),
  // Danbooru's private settings: the user alone; admins get no more (spec A1).
  preferences: rule(null, true),
  last_forum_read_at: rule(null, true),
  last_logged_in_at: rule('moderator', true),
  last_active_at: rule('moderator', true),
  last_ip_addr: rule('moderator'),
  // Stack Auth shows users why they are restricted; the private details are for admins.
  restricted_by_admin_reason: rule('admin', true),
  restricted_by_admin_private_details: rule('admin'),
  server_metadata: rule('admin'),
  risk_scores: rule('admin'),
  country_code: rule('admin'),
  // Bans are public (Danbooru's ban list); that someone is muted is public (Civitai's status),
  // but the mute itself (reason, actor, term) is read as /v1/mutes is: moderators and the user.
  mute: rule('moderator', true),
});

/**
 * The read rule of a field. Fields of a user not listed above are public; the fields of the
 * other entities are read by whoever may read the row (see {@link readableRows}).
 */
export function readRule(entity: ReadableEntity, field: string): ReadRule {
  return entity === 'users' && Object.hasOwn(USER_RULES, field) ? USER_RULES[field]! : PUBLIC;
}

/** Whether one viewer may read one field, asked of each row by the id of its user. */
export type FieldReader = (rowUserId: number | null) => boolean;

const ALWAYS: FieldReader = () => true;
const NEVER: FieldReader = () => false;

/**
 * {@link canRead} for one viewer and field over many rows (a page): the rule and the viewer's
 * tier are read once, and a row is then only compared with the viewer when the rule lets users
 * read their own.
 */
export function fieldReader(viewer: Viewer, entity: ReadableEntity, field: string): FieldReader {
  if (isSystem(viewer)) return ALWAYS;
  const { tier, self } = readRule(entity, field);
  if (tier !== null && tierAllows(searchTier(viewer), tier)) return ALWAYS;
  const viewerId = viewer.id;
  return self && viewerId !== null ? (rowUserId) => rowUserId === viewerId : NEVER;
}

/** May `viewer` read `field` of the row whose user is `rowUserId`? */
export function canRead(viewer: Viewer, entity: ReadableEntity, field: string, rowUserId: number | null = null): boolean {
  return fieldReader(viewer, entity, field)(rowUserId);
}

/** May a viewer of `tier` search and sort on `field`: readable on every row they can see. */
export function canSearchField(tier: SearchTier, entity: ReadableEntity, field: string): boolean {
  const { tier: needed } = readRule(entity, field);
  return needed !== null && tierAllows(tier, needed);
}

/**
 * The rows of an entity a viewer may read, in a small vocabulary the query engine turns into
 * filters and the core evaluates on loaded rows:
 * - `all` / `none`;
 * - `undeletedOwner`: rows whose user is not deleted (Danbooru's name history for members);
 * - `orgPeers`: memberships the viewer could list (CVAT): their own, the active memberships
 *   of organizations they are an active member of, and every membership of organizations
 *   they manage (owner or maintainer);
 * - `memberOrgs`: organizations the viewer owns or actively belongs to (CVAT's organization list).
 */
export type RowScope =
  | { readonly kind: 'all' }
  | { readonly kind: 'none' }
  | { readonly kind: 'undeletedOwner' }
  | { readonly kind: 'orgPeers'; readonly userId: number }
  | { readonly kind: 'memberOrgs'; readonly userId: number };

const ALL: RowScope = Object.freeze({ kind: 'all' });
const NONE: RowScope = Object.freeze({ kind: 'none' });
const UNDELETED_OWNER: RowScope = Object.freeze({ kind: 'undeletedOwner' });

/** Organization roles that see every membership of their organization, pending ones too. */
export const MANAGING_ROLES: readonly string[] = Object.freeze(['owner', 'maintainer']);

/** Which rows of `entity` a viewer of `tier` (signed in as `userId`, or null) may read. */
export function readableRows(tier: SearchTier, userId: number | null, entity: ReadableEntity): RowScope {
  switch (entity) {
    case 'users':
    case 'bans':
      return ALL;
    case 'mutes':
      return tierAllows(tier, 'moderator') ? ALL : NONE;
    case 'name_changes':
      // Danbooru: anonymous viewers see no history, members that of accounts not deleted.
      if (tierAllows(tier, 'moderator')) return ALL;
      return tierAllows(tier, 'member') ? UNDELETED_OWNER : NONE;
    case 'memberships':
      if (tierAllows(tier, 'admin')) return ALL;
      return userId === null ? NONE : Object.freeze({ kind: 'orgPeers', userId });
    case 'subscriptions':
      return tierAllows(tier, 'admin') ? ALL : NONE;
    case 'organizations':
      if (tierAllows(tier, 'admin')) return ALL;
      return userId === null ? NONE : Object.freeze({ kind: 'memberOrgs', userId });
  }
}

/** The rows `viewer` may read (see {@link readableRows}). */
export const rowsReadableBy = (viewer: Viewer, entity: ReadableEntity): RowScope =>
  readableRows(isSystem(viewer) ? 'admin' : searchTier(viewer), viewer.id, entity);

/** May `viewer` read the name history of `target`? The row form of {@link readableRows}. */
export function canReadNameHistory(viewer: Viewer, target: User): boolean {
  const scope = rowsReadableBy(viewer, 'name_changes');
  return scope.kind === 'all' || (scope.kind === 'undeletedOwner' && !target.is_deleted);
}
