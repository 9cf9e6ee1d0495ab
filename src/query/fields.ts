import { COUNTER_NAMES } from '../db/schema.js';
import { canSearchField, readableRows } from '../core/access/visibility.js';
import type { SearchTier } from '../core/access/search-tier.js';
import { and, cmp, exists, isNull, not, or, type Filter } from './ast.js';

/**
 * The field catalogue: every searchable, sortable field declared once, per entity. Dialects map
 * their public names onto these in their own `params.ts`. Who may search a field, and through
 * which rows, is not decided here: the core's read rules (core/access/visibility.ts) say it, and
 * compile checks every field, relation and sort key against them before any SQL is written.
 */
export type FieldType = 'integer' | 'string' | 'boolean' | 'timestamp';

export { SEARCH_TIERS, tierAllows, type SearchTier } from '../core/access/search-tier.js';

export interface FieldDef {
  readonly name: string;
  readonly type: FieldType;
  /** Column on the entity's table. Absent for derived fields. */
  readonly column?: string;
  /** A lower-cased copy kept by the core, used for case-insensitive matching (and indexed). */
  readonly lowerColumn?: string;
  /** Has a substring index (FTS5 trigram column / pg_trgm GIN index). */
  readonly substringIndexed?: boolean;
  readonly nullable: boolean;
  readonly sortable: boolean;
  /** A boolean field defined as a filter over relations, given the current time. */
  readonly derived?: (now: number) => Filter;
  /**
   * Few values, each held by many rows (levels, the deleted flag): a filter on it usually keeps a large share of
   * the rows, so a page ordered by another field is best read by walking that field's index and
   * filtering (see `walkOrder` in compile.ts) rather than through this field's index and a sort.
   */
  readonly coarse?: boolean;
}

export interface RelationDef {
  readonly name: string;
  /** The entity on the other side. */
  readonly target: EntityName;
  /** `outer.<localColumn> = related.<remoteColumn>`. */
  readonly localColumn: string;
  readonly remoteColumn: string;
  /** Fixed conditions on the related rows (e.g. `kind = 'ban'`), as column = value. */
  readonly fixed?: Readonly<Record<string, string | number>>;
  /** Used only by the core's row rules (readable-rows.ts), never in a caller's filter. */
  readonly internal?: boolean;
}

export interface EntityDef {
  readonly name: EntityName;
  readonly table: 'users' | 'sanctions' | 'name_changes' | 'memberships' | 'subscriptions' | 'organizations';
  readonly fields: Readonly<Record<string, FieldDef>>;
  readonly relations: Readonly<Record<string, RelationDef>>;
}

export type EntityName = 'users' | 'bans' | 'mutes' | 'name_changes' | 'memberships' | 'subscriptions' | 'organizations';

const field = (name: string, type: FieldType, options: Partial<FieldDef> = {}): FieldDef =>
  Object.freeze({ name, type, column: name, nullable: false, sortable: false, ...options });

const derived = (name: string, definition: (now: number) => Filter): FieldDef =>
  Object.freeze({ name, type: 'boolean', nullable: false, sortable: false, derived: definition });

/** A sanction applies while it is not lifted and has not expired: no job needed for expiry. */
export const sanctionInForce = (now: number): Filter => and(isNull('lifted_at'), or(isNull('expires_at'), cmp('expires_at', 'gt', now)));

const byName = (fields: readonly FieldDef[]): Readonly<Record<string, FieldDef>> => Object.freeze(Object.fromEntries(fields.map((f) => [f.name, f])));

const USER_FIELDS = byName([
  field('id', 'integer', { sortable: true }),
  field('uuid', 'string'),
  field('name', 'string', { lowerColumn: 'name_lower', substringIndexed: true, sortable: true }),
  field('email', 'string', { lowerColumn: 'email_lower', substringIndexed: true, nullable: true, sortable: true }),
  field('email_verified', 'boolean', {}),
  field('first_name', 'string', { substringIndexed: true, sortable: true }),
  field('last_name', 'string', { substringIndexed: true, sortable: true }),
  field('display_name', 'string', { substringIndexed: true, nullable: true, sortable: true }),
  field('level', 'integer', { sortable: true, coarse: true }),
  field('inviter_id', 'integer', { nullable: true, sortable: true }),
  field('avatar_id', 'integer', { nullable: true }),
  // Indexed with level (migration 0007): SQLite would take that index for `is_deleted = 0` and sort every live user.
  field('is_deleted', 'boolean', { coarse: true }),
  field('is_anonymous', 'boolean'),
  field('restricted_by_admin', 'boolean'),
  field('selected_team_id', 'integer', { nullable: true }),
  field('created_at', 'timestamp', { sortable: true }),
  field('updated_at', 'timestamp', { sortable: true }),
  field('last_logged_in_at', 'timestamp', { nullable: true, sortable: true }),
  field('last_active_at', 'timestamp', { nullable: true, sortable: true }),
  field('last_ip_addr', 'string', { nullable: true }),
  field('self_signed_up', 'boolean'),
  ...COUNTER_NAMES.map((counter) => field(counter, 'integer', { sortable: true })),
  derived('is_banned', (now) => exists('bans', sanctionInForce(now))),
  derived('is_muted', (now) => exists('mutes', sanctionInForce(now))),
  /** e621's Unactivated (level 0, shown to everyone): signed up by themselves, email not verified. */
  derived('is_unactivated', () => and(cmp('self_signed_up', 'eq', true), cmp('email_verified', 'eq', false))),
  /** CVAT's `is_active`: not deleted and not banned. */
  derived('is_active', (now) => and(cmp('is_deleted', 'eq', false), not(exists('bans', sanctionInForce(now))))),
]);

const SANCTION_FIELDS = byName([
  field('id', 'integer', { sortable: true }),
  field('user_id', 'integer', { sortable: true }),
  field('actor_id', 'integer', { nullable: true }),
  field('reason', 'string', { substringIndexed: false }),
  field('created_at', 'timestamp', { sortable: true }),
  field('updated_at', 'timestamp', { sortable: true }),
  field('expires_at', 'timestamp', { nullable: true, sortable: true }),
  field('lifted_at', 'timestamp', { nullable: true }),
  derived('in_force', sanctionInForce),
]);

const NAME_CHANGE_FIELDS = byName([
  field('id', 'integer', { sortable: true }),
  field('user_id', 'integer', { sortable: true }),
  field('old_name', 'string', { lowerColumn: 'old_name_lower' }),
  field('new_name', 'string', { lowerColumn: 'new_name_lower' }),
  field('actor_id', 'integer', { nullable: true }),
  field('created_at', 'timestamp', { sortable: true }),
]);

const MEMBERSHIP_FIELDS = byName([
  field('id', 'integer', { sortable: true }),
  field('organization_id', 'integer'),
  field('user_id', 'integer'),
  field('role', 'string'),
  field('is_active', 'boolean'),
  field('joined_at', 'timestamp', { nullable: true }),
]);

const SUBSCRIPTION_FIELDS = byName([
  field('id', 'integer', { sortable: true }),
  field('product', 'string'),
  field('tier', 'string'),
  field('created_at', 'timestamp'),
  field('expires_at', 'timestamp', { nullable: true }),
  field('canceled_at', 'timestamp', { nullable: true }),
]);

const ORGANIZATION_FIELDS = byName([
  field('id', 'integer', { sortable: true }),
  field('slug', 'string', { lowerColumn: 'slug_lower', sortable: true }),
  field('name', 'string', { sortable: true }),
  field('owner_id', 'integer', { nullable: true }),
  field('created_at', 'timestamp', { sortable: true }),
  field('updated_at', 'timestamp', { sortable: true }),
]);

const userRelations = Object.freeze({
  bans: { name: 'bans', target: 'bans', localColumn: 'id', remoteColumn: 'user_id' },
  mutes: { name: 'mutes', target: 'mutes', localColumn: 'id', remoteColumn: 'user_id' },
  name_changes: { name: 'name_changes', target: 'name_changes', localColumn: 'id', remoteColumn: 'user_id' },
  inviter: { name: 'inviter', target: 'users', localColumn: 'inviter_id', remoteColumn: 'id' },
  invitees: { name: 'invitees', target: 'users', localColumn: 'id', remoteColumn: 'inviter_id' },
  memberships: { name: 'memberships', target: 'memberships', localColumn: 'id', remoteColumn: 'user_id' },
  subscriptions: { name: 'subscriptions', target: 'subscriptions', localColumn: 'id', remoteColumn: 'user_id' },
} satisfies Record<string, RelationDef>);

const sanctionRelations = Object.freeze({
  user: { name: 'user', target: 'users', localColumn: 'user_id', remoteColumn: 'id' },
  actor: { name: 'actor', target: 'users', localColumn: 'actor_id', remoteColumn: 'id' },
} satisfies Record<string, RelationDef>);

/** Every entity the query engine can search. */
export const ENTITIES: Readonly<Record<EntityName, EntityDef>> = Object.freeze({
  users: { name: 'users', table: 'users', fields: USER_FIELDS, relations: userRelations },
  bans: { name: 'bans', table: 'sanctions', fields: SANCTION_FIELDS, relations: sanctionRelations },
  mutes: { name: 'mutes', table: 'sanctions', fields: SANCTION_FIELDS, relations: sanctionRelations },
  name_changes: {
    name: 'name_changes',
    table: 'name_changes',
    fields: NAME_CHANGE_FIELDS,
    relations: { user: { name: 'user', target: 'users', localColumn: 'user_id', remoteColumn: 'id' } },
  },
  memberships: {
    name: 'memberships',
    table: 'memberships',
    fields: MEMBERSHIP_FIELDS,
    relations: {
      peers: { name: 'peers', target: 'memberships', localColumn: 'organization_id', remoteColumn: 'organization_id', internal: true },
    },
  },
  subscriptions: { name: 'subscriptions', table: 'subscriptions', fields: SUBSCRIPTION_FIELDS, relations: {} },
  organizations: {
    name: 'organizations',
    table: 'organizations',
    fields: ORGANIZATION_FIELDS,
    relations: {
      owner: { name: 'owner', target: 'users', localColumn: 'owner_id', remoteColumn: 'id', tier: 'public' },
      memberships: { name: 'memberships', target: 'memberships', localColumn: 'id', remoteColumn: 'organization_id', tier: 'public' },
    },
  },
});

/** Fixed row conditions per entity sharing a table (`sanctions` holds bans and mutes). */
export const ENTITY_FIXED: Readonly<Partial<Record<EntityName, Readonly<Record<string, string>>>>> = Object.freeze({
  bans: { kind: 'ban' },
  mutes: { kind: 'mute' },
});

/** The field, or undefined when the entity has none by that name. */
export function findField(entity: EntityName, name: string): FieldDef | undefined {
  return Object.hasOwn(ENTITIES[entity].fields, name) ? ENTITIES[entity].fields[name] : undefined;
}

export function findRelation(entity: EntityName, name: string): RelationDef | undefined {
  return Object.hasOwn(ENTITIES[entity].relations, name) ? ENTITIES[entity].relations[name] : undefined;
}

/** Who searches: the viewer's tier and, when signed in, their id (row rules such as memberships need it). */
export interface SearchAccess {
  readonly tier: SearchTier;
  readonly viewerId?: number | null;
}

/** May the viewer filter and sort on the field? Only if the core lets them read it on every row they see. */
export function isSearchableField(entity: EntityName, name: string, access: SearchAccess): boolean {
  return findField(entity, name) !== undefined && canSearchField(access.tier, entity, name);
}

/** May the viewer search through the relation? Only if they may read some of its rows, and only through those. */
export function isSearchableRelation(entity: EntityName, name: string, access: SearchAccess): boolean {
  const relation = findRelation(entity, name);
  return relation !== undefined && !relation.internal && readableRows(access.tier, access.viewerId ?? null, relation.target).kind !== 'none';
}
