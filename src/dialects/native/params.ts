import type { Static } from '@fastify/type-provider-typebox';
import type { NewApiKey } from '../../core/auth/api-keys.js';
import type { AuditLogQuery } from '../../core/moderation/audit-log.js';
import { parseDuration } from '../../core/moderation/durations.js';
import { invalidParam, notFound, unauthenticated } from '../../core/errors.js';
import { parseLevel } from '../../core/access/levels.js';
import { assertPagingAllowed } from '../../core/access/paging.js';
import type { Sanction, SanctionInput } from '../../core/moderation/moderation.js';
import { normalizeName } from '../../core/users/names.js';
import type { OffsetPage, OrganizationInput, OrganizationPatch } from '../../core/orgs/organizations.js';
import type { User } from '../../core/users/user.js';
import type { CreateUserInput, UserPatch } from '../../core/users/users.js';
import type { Viewer } from '../../core/access/viewer.js';
import { and, cmp, exists, match, TRUE, type Filter } from '../../query/ast.js';
import type { ListRequest } from '../../query/list-page.js';
import type { PageRequest, SortKey } from '../../query/search.js';
import { parseFilterParam } from './filter-param.js';
import type {
  ApiKeyBody,
  AuditListQuery,
  CreateUserBody,
  NameChangeListQuery,
  OrganizationBody,
  OrganizationPatchBody,
  SanctionBody,
  SanctionListQuery,
  UserListQuery,
  UserPatchBody,
} from './request-schemas.js';
import { MAX_ID } from './schemas.js';

/** Request → core inputs. Pure: no I/O, no rules beyond reading the native format. */
export const DEFAULT_LIMIT = 50;
const MAX_SORT_KEYS = 8;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `-created_at,name` → created_at descending, then name ascending. */
export function parseSort(text: string | undefined): SortKey[] {
  const parts = (text ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  if (parts.length > MAX_SORT_KEYS) throw invalidParam('sort', `sort takes at most ${MAX_SORT_KEYS} fields`);
  return parts.map((part) => {
    if (!/^-?[a-z_][a-z0-9_]*$/i.test(part)) throw invalidParam('sort', `cannot sort by "${part}"`);
    const descending = part.startsWith('-');
    return { kind: 'field', field: descending ? part.slice(1) : part, direction: descending ? 'desc' : 'asc' };
  });
}

/** Keyset pages by default; `offset` for random access. Both at once is ambiguous. */
export function parsePage(query: { limit?: number; cursor?: string; offset?: number }): PageRequest {
  const limit = query.limit ?? DEFAULT_LIMIT;
  if (query.offset !== undefined && query.cursor !== undefined) throw invalidParam('offset', 'use either cursor or offset, not both');
  if (query.offset !== undefined) return { kind: 'offset', limit, offset: query.offset };
  return { kind: 'keyset', limit, cursor: query.cursor ?? null };
}

/** A level number or name. @throws CoreError invalid_param */
export function parseLevelValue(param: string, value: number | string): number {
  const level = parseLevel(String(value));
  if (level === null) throw invalidParam(param, `${param} must be a level number or name`);
  return level;
}

type ListQuery = { filter?: string; sort?: string; limit?: number; cursor?: string; offset?: number; count?: boolean };

function listRequest(query: ListQuery, conditions: readonly Filter[], viewer: Viewer): ListRequest {
  assertPagingAllowed(viewer, query);
  const filter = and(query.filter === undefined ? TRUE : parseFilterParam(query.filter), ...conditions);
  return { filter, sort: parseSort(query.sort), page: parsePage(query), count: query.count ?? false };
}

/** `GET /v1/users`: the `filter` expression ANDed with the convenience parameters. */
export function userListRequest(query: Static<typeof UserListQuery>, viewer: Viewer): ListRequest {
  const conditions: Filter[] = [];
  if (query.name !== undefined) conditions.push(match('name', 'exact', normalizeName(query.name)));
  if (query.name_prefix !== undefined) conditions.push(match('name', 'prefix', normalizeName(query.name_prefix)));
  if (query.q !== undefined) conditions.push(match('name', 'contains', query.q.trim()));
  if (query.level !== undefined) conditions.push(cmp('level', 'eq', parseLevelValue('level', query.level)));
  if (query.min_level !== undefined) conditions.push(cmp('level', 'gte', parseLevelValue('min_level', query.min_level)));
  if (query.max_level !== undefined) conditions.push(cmp('level', 'lte', parseLevelValue('max_level', query.max_level)));
  if (query.is_banned !== undefined) conditions.push(cmp('is_banned', 'eq', query.is_banned));
  if (query.is_muted !== undefined) conditions.push(cmp('is_muted', 'eq', query.is_muted));
  if (query.is_deleted !== undefined) conditions.push(cmp('is_deleted', 'eq', query.is_deleted));
  if (query.organization_id !== undefined) conditions.push(exists('memberships', cmp('organization_id', 'eq', query.organization_id)));
  if (query.email !== undefined) conditions.push(match('email', 'contains', query.email.trim()));
  return listRequest(query, conditions, viewer);
}

export function sanctionListRequest(query: Static<typeof SanctionListQuery>, viewer: Viewer): ListRequest {
  const conditions: Filter[] = [];
  if (query.user_id !== undefined) conditions.push(cmp('user_id', 'eq', query.user_id));
  if (query.in_force !== undefined) conditions.push(cmp('in_force', 'eq', query.in_force));
  return listRequest(query, conditions, viewer);
}

export function nameChangeListRequest(query: Static<typeof NameChangeListQuery>, viewer: Viewer): ListRequest {
  return listRequest(query, query.user_id === undefined ? [] : [cmp('user_id', 'eq', query.user_id)], viewer);
}

/** `:id` is a user id or a uuid. */
export function parseUserRef(text: string): { readonly id: number } | { readonly uuid: string } {
  if (/^[1-9][0-9]{0,9}$/.test(text) && Number(text) <= MAX_ID) return { id: Number(text) };
  if (UUID.test(text)) return { uuid: text.toLowerCase() };
  throw invalidParam('id', 'id must be a user id or uuid');
}

/** Copies the keys that are present, renamed; absent keys stay absent (a patch leaves them alone). */
function renamed<T extends object>(source: T, names: Readonly<Partial<Record<keyof T, string>>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [from, to] of Object.entries(names) as [keyof T & string, string][]) {
    if (source[from] !== undefined) out[to] = source[from];
  }
  return out;
}

const PROFILE_NAMES = {
  first_name: 'firstName',
  last_name: 'lastName',
  display_name: 'displayName',
  profile_image_url: 'profileImageUrl',
  client_metadata: 'clientMetadata',
  client_read_only_metadata: 'clientReadOnlyMetadata',
  server_metadata: 'serverMetadata',
  email: 'email',
  email_verified: 'emailVerified',
  password: 'password',
} as const;

export function createUserInput(body: Static<typeof CreateUserBody>, ip: string | null): CreateUserInput {
  const input = renamed(body, { ...PROFILE_NAMES, name: 'name', is_anonymous: 'isAnonymous', inviter_id: 'inviterId' }) as CreateUserInput;
  return { ...input, ...(body.level !== undefined ? { level: parseLevelValue('level', body.level) } : {}), ip };
}

export function userPatch(body: Static<typeof UserPatchBody>): UserPatch {
  return renamed(body, {
    ...PROFILE_NAMES,
    preferences: 'preferences',
    avatar_id: 'avatarId',
    avatar_nsfw: 'avatarNsfw',
    selected_team_id: 'selectedTeamId',
    counters: 'counters',
    artist_tags: 'artistTags',
    is_anonymous: 'isAnonymous',
    country_code: 'countryCode',
    risk_scores: 'riskScores',
    last_forum_read_at: 'lastForumReadAt',
  });
}

export function sanctionInput(body: Static<typeof SanctionBody>): SanctionInput {
  return { userId: body.user_id, reason: body.reason, durationMs: parseDuration(body.duration) };
}

export function apiKeyInput(body: Static<typeof ApiKeyBody>): NewApiKey {
  return renamed(body, { name: 'name', scopes: 'scopes', permitted_ips: 'permittedIps', expires_at: 'expiresAt' });
}

/**
 * `me` and `current` need a signed-in viewer; anonymous requests get the uniform 401. The user is
 * the one the credential check loaded (cached, and dropped on any change to it): who-am-I needs no query.
 */
export function signedInUser(viewer: Viewer): User {
  if (viewer.user === null) throw unauthenticated('no credentials');
  return viewer.user;
}

/** `DELETE /v1/sessions/current`: the session the request was authenticated with. */
export function currentSessionId(viewer: Viewer): number {
  signedInUser(viewer);
  if (viewer.credential.kind !== 'session') throw invalidParam('authorization', 'the request is not authenticated by a session token');
  return viewer.credential.id;
}

/** `/bans/:id` names a ban: a mute under that id is not found there (and vice versa). */
export function expectKind(kind: Sanction['kind'], sanction: Sanction): Sanction {
  if (sanction.kind !== kind) throw notFound(kind);
  return sanction;
}

export function auditQuery(query: Static<typeof AuditListQuery>): AuditLogQuery {
  return {
    limit: query.limit ?? DEFAULT_LIMIT,
    ...(query.target_user_id !== undefined ? { targetUserId: query.target_user_id } : {}),
    ...(query.actor_id !== undefined ? { actorId: query.actor_id } : {}),
    ...(query.action !== undefined ? { action: query.action } : {}),
    ...timeRangeAndCursor(query),
  };
}

/** The time range and id cursor the audit log and login attempts are read by. */
export function timeRangeAndCursor(query: { since?: number; until?: number; cursor?: string }): { since?: number; until?: number; beforeId?: number } {
  return {
    ...(query.since !== undefined ? { since: query.since } : {}),
    ...(query.until !== undefined ? { until: query.until } : {}),
    ...(query.cursor !== undefined ? { beforeId: Number(query.cursor) } : {}),
  };
}

export const offsetPage = (query: { limit?: number; offset?: number }): OffsetPage => ({
  offset: query.offset ?? 0,
  limit: query.limit ?? DEFAULT_LIMIT,
});

const ORGANIZATION_NAMES = {
  slug: 'slug',
  name: 'name',
  description: 'description',
  contact: 'contact',
  profile_image_url: 'profileImageUrl',
  client_metadata: 'clientMetadata',
  client_read_only_metadata: 'clientReadOnlyMetadata',
  server_metadata: 'serverMetadata',
} as const;

export function organizationInput(body: Static<typeof OrganizationBody>): OrganizationInput {
  return renamed(body, { ...ORGANIZATION_NAMES, owner_id: 'ownerId' }) as unknown as OrganizationInput;
}

export function organizationPatch(body: Static<typeof OrganizationPatchBody>): OrganizationPatch {
  return renamed(body, ORGANIZATION_NAMES);
}
