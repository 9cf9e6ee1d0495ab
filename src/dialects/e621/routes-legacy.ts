import type { Core } from '../../core/context.js';
import { getUser } from '../../core/users/users.js';
import { searchUsers } from '../../query/search-users.js';
import { toI } from '../rails/ruby-coercion.js';
import { parseLegacySearch } from './legacy-params.js';
import { renderLegacyAnonymous, renderLegacyUser } from './legacy-render.js';
import { parsePage } from './page-params.js';
import type { E621Call, E621Response, E621Routes, RouteSpec } from './routes.js';

/** The legacy users API of seeds/e621-legacy-users-api.txt, in JSON and XML. */

async function index(core: Core, call: E621Call): Promise<E621Response> {
  const page = parsePage(call.params);
  const { filter, sort } = parseLegacySearch(call.params);
  if (page.limit === 0) return { kind: 'list', records: [] };
  const { users } = await searchUsers(core, call.viewer, { filter, sort, page });
  return { kind: 'list', records: users.map((user) => renderLegacyUser(user, call.timeZone)) };
}

/** `?id=`; without it, the signed-in user (anonymous: e621's anonymous user). */
async function show(core: Core, call: E621Call): Promise<E621Response> {
  const id = call.params.id;
  if (id === undefined || id === '') {
    if (call.viewer.user === null) return { kind: 'record', record: renderLegacyAnonymous(core.now(), call.timeZone) };
    // The viewer as the credential check loaded it (cached, and dropped on any change to the user).
    return { kind: 'record', record: renderLegacyUser(call.viewer.user, call.timeZone) };
  }
  const user = await getUser(core, typeof id === 'string' ? toI(id) : 0);
  return { kind: 'record', record: renderLegacyUser(user, call.timeZone) };
}

export function legacyRoutes({ core }: E621Routes): readonly RouteSpec[] {
  return [
    { method: 'GET', path: '/user/index', action: 'users:index', xml: true, handle: (call) => index(core, call) },
    { method: 'GET', path: '/user/show', action: 'users:show', xml: true, handle: (call) => show(core, call) },
  ];
}
