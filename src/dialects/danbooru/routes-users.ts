import type { Core } from '../../core/context.js';
import { searchTier } from '../../core/access/policy.js';
import { getUser } from '../../core/users/users.js';
import type { Viewer } from '../../core/access/viewer.js';
import type { Filter } from '../../query/ast.js';
import { searchEntity } from '../../query/list-page.js';
import { searchUsers } from '../../query/search-users.js';
import { blankSearchRedirect, requestedPage } from './list-request.js';
import { renderAnonymousUser } from './render.js';
import { isTruthy } from '../rails/ruby-coercion.js';
import type { DanbooruCall, DanbooruResponse, DanbooruRoutes, Params, RouteGroup } from './routes.js';
import { isHash, recordId } from './routes.js';
import { parseUserSearch, resolveUserFilter, type CountUpTo } from './search-syntax.js';
import { anonymousRecord, userRecords } from './user-records.js';

/** Reading users: index, show, profile, and the legacy show path. */

/** users_controller.rb: `?name=X` searches `name_or_past_name_matches` and redirects on a single hit. */
function withNameLookup(params: Params): { search: unknown; redirect: boolean } {
  const name = params.name;
  const redirect = typeof params.redirect === 'string' && isTruthy(params.redirect);
  if (typeof name !== 'string' || name.trim() === '') return { search: params.search, redirect };
  return { search: { ...(isHash(params.search) ? params.search : {}), name_or_past_name_matches: name }, redirect: true };
}

/** Counts matches for the two rules that depend on rows found (search-syntax.ts). */
const countUpTo =
  (core: Core, viewer: Viewer): CountUpTo =>
  async (filter: Filter, limit: number) =>
    (await searchEntity(core, viewer, 'users', { filter, sort: [], page: { kind: 'offset', limit, offset: 0 } })).ids.length;

/** The show path of a user, keeping the request's extension. */
const showPath = (call: DanbooruCall, id: number): string => `/users/${id}${call.extension === null ? '' : `.${call.extension}`}`;

async function index(core: Core, call: DanbooruCall): Promise<DanbooruResponse> {
  const normalized = blankSearchRedirect(call);
  if (normalized) return normalized;
  const { search: searchParam, redirect } = withNameLookup(call.params);
  const page = requestedPage(call);
  const search = parseUserSearch(searchParam, {
    tier: searchTier(call.viewer),
    now: core.now(),
    timeZone: call.reader.timeZone,
    viewerId: call.viewer.id,
  });
  const filter = await resolveUserFilter(search, countUpTo(core, call.viewer));
  const { users } = await searchUsers(core, call.viewer, { filter, sort: search.sort, page });
  if (redirect && users.length === 1) return { kind: 'redirect', status: 302, location: call.url(showPath(call, users[0]!.id)) };
  return { kind: 'list', root: 'users', child: 'user', records: await userRecords(core, call.viewer, call.reader, call.params.only, users, false) };
}

async function show(core: Core, call: DanbooruCall): Promise<DanbooruResponse> {
  const user = await getUser(core, recordId(call.pathId, 'user'));
  const [record] = await userRecords(core, call.viewer, call.reader, call.params.only, [user], true);
  return { kind: 'record', root: 'user', record: record! };
}

/** The current user; anonymous callers get `User.anonymous` (200, as Danbooru answers JSON and XML). */
async function profile(core: Core, call: DanbooruCall): Promise<DanbooruResponse> {
  const user = call.viewer.user;
  if (user === null) {
    return { kind: 'record', root: 'user', record: anonymousRecord(call.params.only, renderAnonymousUser(call.reader, core.now())) };
  }
  // The viewer as the credential check loaded it (cached, and dropped on any change to the user).
  const [record] = await userRecords(core, call.viewer, call.reader, call.params.only, [user], true);
  return { kind: 'record', root: 'user', record: record! };
}

export function userRoutes({ core }: DanbooruRoutes): RouteGroup {
  return [
    { method: 'GET', path: '/users', action: 'users:index', handle: (call) => index(core, call) },
    { method: 'GET', path: '/users/:id', action: 'users:show', handle: (call) => show(core, call) },
    { method: 'GET', path: '/profile', action: 'users:profile', handle: (call) => profile(core, call) },
    {
      method: 'GET',
      path: '/user/show/:id',
      action: null,
      // routes.rb: the old path is a permanent redirect to the new one.
      handle: async (call) => ({
        kind: 'redirect',
        status: 301,
        location: call.url(`/users/${encodeURIComponent(call.pathId)}${call.extension === null ? '' : `.${call.extension}`}`),
      }),
    },
  ];
}
