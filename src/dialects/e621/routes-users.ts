import type { Core } from '../../core/context.js';
import { CoreError, forbidden, isCoreError } from '../../core/errors.js';
import { getUser, getUserByName, signUp, updateUser } from '../../core/users/users.js';
import { clientIp } from '../../http/client-ip.js';
import { searchUsers } from '../../query/search-users.js';
import { searchRedirectQuery } from '../rails/search-normalize.js';
import { parseE621Settings, parseE621Signup } from './account-params.js';
import { parsePage } from './page-params.js';
import { renderE621Anonymous, renderE621User } from './render.js';
import type { E621Call, E621Response, E621Routes, RouteSpec } from './routes.js';
import { parseE621UserSearch } from './user-search.js';

/** e621ng's users controller (specs part B2): index, show by id or name, me, signup, update. */

async function index(core: Core, call: E621Call): Promise<E621Response> {
  // application_controller.rb: blank `search[...]` values are dropped by a redirect (specs part D).
  const normalized = searchRedirectQuery(call.request.query);
  if (normalized !== null) return { kind: 'redirect', location: call.here(normalized) };
  // users_controller.rb: `?name=X` goes to the user's page (without the format).
  const name = call.params.name;
  if (typeof name === 'string' && name.trim() !== '') return { kind: 'redirect', location: call.url(`/users/${encodeURIComponent(name.trim())}`) };
  const page = parsePage(call.params);
  const { filter, sort } = parseE621UserSearch(call.params.search, call.viewer, core.now(), call.timeZone);
  if (page.limit === 0) return { kind: 'list', records: [] };
  const { users } = await searchUsers(core, call.viewer, { filter, sort, page });
  return { kind: 'list', records: users.map((user) => renderE621User(user, call.viewer, call.timeZone, false)) };
}

/** `/users/me`: the viewer as the credential check loaded it (cached, and dropped on any change to the user), as `upload_limit`. */
async function self(core: Core, call: E621Call): Promise<E621Response> {
  if (call.viewer.user === null) return { kind: 'record', record: renderE621Anonymous(core.now(), call.timeZone) };
  return { kind: 'record', record: renderE621User(call.viewer.user, call.viewer, call.timeZone, true) };
}

/**
 * The old `/users/upload_limit.json` collection route: the signed-in user (the `e621` client's
 * `getSelf()` reads its `id`); member_only, so anonymous callers are refused.
 */
async function uploadLimit(call: E621Call): Promise<E621Response> {
  if (call.viewer.user === null) throw forbidden();
  return { kind: 'record', record: renderE621User(call.viewer.user, call.viewer, call.timeZone, false) };
}

/** `/users/<id or name>`: all digits is an id, anything else a name (ignoring case). */
async function show(core: Core, call: E621Call): Promise<E621Response> {
  if (call.pathId === 'me') return self(core, call);
  if (call.pathId === 'upload_limit') return uploadLimit(call);
  const user = /^\d+$/.test(call.pathId) ? await getUser(core, Number(call.pathId)) : await getUserByName(core, call.pathId);
  return { kind: 'record', record: renderE621User(user, call.viewer, call.timeZone, true) };
}

async function create(core: Core, call: E621Call): Promise<E621Response> {
  const signup = parseE621Signup(call.params);
  const user = await signUp(core, call.viewer, { ...signup, ip: clientIp(call.request) }).catch(renameTaken);
  return { kind: 'record', status: 201, record: renderE621User(user, { ...call.viewer, id: user.id }, call.timeZone, false) };
}

/** e621's wording for a taken name. */
function renameTaken(error: unknown): never {
  if (isCoreError(error) && error.code === 'conflict' && error.details.fields?.name !== undefined) {
    throw new CoreError(error.code, error.message, { ...error.details, fields: { ...error.details.fields, name: ['already exists'] } });
  }
  throw error;
}

/** `PUT /users/:id.json`: always the current user; the id is ignored (users_controller.rb). */
async function update(core: Core, call: E621Call): Promise<E621Response> {
  if (call.viewer.id === null) throw forbidden();
  await updateUser(core, call.viewer, call.viewer.id, parseE621Settings(call.params));
  return { kind: 'empty' };
}

export function userRoutes({ core }: E621Routes): readonly RouteSpec[] {
  return [
    { method: 'GET', path: '/users', action: 'users:index', xml: false, handle: (call) => index(core, call) },
    { method: 'GET', path: '/users/:id', action: 'users:show', xml: false, handle: (call) => show(core, call) },
    { method: 'POST', path: '/users', action: 'users:create', xml: false, handle: (call) => create(core, call) },
    { method: ['PUT', 'PATCH'], path: '/users/:id', action: 'users:update', xml: false, handle: (call) => update(core, call) },
  ];
}
