import type { Core } from '../core/context.js';
import { invalidParam } from '../core/errors.js';
import type { Viewer } from '../core/access/viewer.js';
import type { StackProjectConfig } from '../core/orgs/stack-projects.js';
import { teamIdOfUuid } from '../core/orgs/stack-users.js';
import type { User } from '../core/users/user.js';
import { loadUsers } from '../core/users/user-store.js';
import { and, cmp, eq, exists, isNull, match, not, or, TRUE, type Filter } from './ast.js';
import { searchEntity } from './list-page.js';

/** Stack Auth `GET /users` (spec §3.5), as the dialect parsed it. */
export interface StackUserListRequest {
  /** Absent: every matching user (Stack has no maximum). */
  readonly limit: number | null;
  /** A user uuid: the page starts at that user (inclusive). */
  readonly cursor: string | null;
  readonly desc: boolean;
  readonly teamUuid: string | null;
  readonly query: string | null;
  readonly includeRestricted: boolean;
  readonly includeAnonymous: boolean;
  readonly onlyAnonymous: boolean;
}

export interface StackUserListPage {
  readonly users: User[];
  /** The uuid of the first user of the next page, or null. */
  readonly nextCursor: string | null;
}

// A page of "everything" still needs a number; no installation holds this many users.
const ALL = 1_000_000_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Who is listed by default: no anonymous, no admin-restricted, none unverified when verification is required. */
function standingFilter(request: StackUserListRequest, config: StackProjectConfig): Filter {
  if (request.onlyAnonymous) return eq('is_anonymous', true);
  if (request.includeAnonymous) return TRUE;
  const notAnonymous = eq('is_anonymous', false);
  if (request.includeRestricted) return notAnonymous;
  const verified = config.require_email_verification ? and(not(isNull('email')), eq('email_verified', true)) : TRUE;
  return and(notAnonymous, eq('restricted_by_admin', false), verified);
}

/** Display name or email containing the text, ignoring case, or exactly this id when it is a uuid. */
function queryFilter(query: string | null): Filter {
  if (query === null || query === '') return TRUE;
  const text = or(match('display_name', 'contains', query), match('email', 'contains', query));
  return UUID.test(query) ? or(eq('uuid', query.toLowerCase()), text) : text;
}

/** Rows at or after the cursor user in the list's order (created_at, then id). */
async function cursorFilter(core: Core, uuid: string | null, desc: boolean): Promise<Filter> {
  if (uuid === null) return TRUE;
  const [user] = UUID.test(uuid) ? await loadUsersByUuid(core, uuid) : [];
  if (!user) throw invalidParam('cursor', 'does not name a user');
  const op = desc ? 'lt' : 'gt';
  return or(cmp('created_at', op, user.created_at), and(eq('created_at', user.created_at), cmp('id', desc ? 'lte' : 'gte', user.id)));
}

async function loadUsersByUuid(core: Core, uuid: string): Promise<User[]> {
  const row = await core.db.selectFrom('users').select('id').where('uuid', '=', uuid.toLowerCase()).executeTakeFirst();
  return row ? loadUsers(core, [row.id]) : [];
}

/**
 * Lists a project's users in sign-up order: one row past the page is read, and its uuid is the
 * next cursor (Stack's cursors are inclusive). Deleted accounts are never listed.
 *
 * @throws CoreError `invalid_param` (cursor), `not_found` `team`.
 */
export async function listStackUsers(core: Core, viewer: Viewer, config: StackProjectConfig, request: StackUserListRequest): Promise<StackUserListPage> {
  const team =
    request.teamUuid === null ? TRUE : exists('memberships', and(eq('organization_id', await teamIdOfUuid(core, request.teamUuid)), eq('is_active', true)));
  const filter = and(
    eq('is_deleted', false),
    standingFilter(request, config),
    queryFilter(request.query),
    team,
    await cursorFilter(core, request.cursor, request.desc),
  );
  const limit = request.limit ?? ALL;
  const result = await searchEntity(core, viewer, 'users', {
    filter,
    sort: [{ kind: 'field', field: 'created_at', direction: request.desc ? 'desc' : 'asc' }],
    page: { kind: 'offset', limit: limit === ALL ? ALL : limit + 1, offset: 0 },
  });
  const pageIds = result.ids.slice(0, limit);
  const next = result.ids.length > limit ? result.ids[limit] : undefined;
  const [users, nextUsers] = await Promise.all([loadUsers(core, pageIds), next === undefined ? [] : loadUsers(core, [next])]);
  return { users, nextCursor: nextUsers[0]?.uuid ?? null };
}
