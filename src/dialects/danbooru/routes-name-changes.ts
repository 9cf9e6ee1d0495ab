import { ACTION_SCOPES } from '../../core/auth/scopes.js';
import type { Core } from '../../core/context.js';
import { forbidden, notFound, validationFailed } from '../../core/errors.js';
import type { NameChange } from '../../core/users/name-changes.js';
import { searchTier } from '../../core/access/policy.js';
import { renameUser } from '../../core/users/users.js';
import type { Viewer } from '../../core/access/viewer.js';
import { eq, type Filter } from '../../query/ast.js';
import { listNameChanges } from '../../query/list-name-changes.js';
import { renameFields } from './errors.js';
import { blankSearchRedirect, ID_DESC, requestedPage } from './list-request.js';
import { danbooruNameProblem } from './params.js';
import { parseNameChangeSearch } from './record-search.js';
import { renderNameChange } from './render.js';
import { parseInteger } from '../rails/ruby-coercion.js';
import type { DanbooruCall, DanbooruResponse, DanbooruRoutes, RouteGroup } from './routes.js';
import { recordId, requireHash, textParam } from './routes.js';
import { selectRecordFields } from './user-records.js';

/**
 * Name history (user_name_change_requests_controller.rb). Creating a request renames at once:
 * yourself once a week, or, for moderators, a user below them (`user_name_change_request[user_id]`).
 */

/** The newest change matching `filter` that the viewer may see, or null. */
async function newestChange(core: Core, viewer: Viewer, filter: Filter): Promise<NameChange | null> {
  const { items } = await listNameChanges(core, viewer, { filter, sort: ID_DESC, page: { kind: 'offset', limit: 1, offset: 0 } });
  return items[0] ?? null;
}

async function index(core: Core, call: DanbooruCall): Promise<DanbooruResponse> {
  const normalized = blankSearchRedirect(call);
  if (normalized) return normalized;
  const page = requestedPage(call);
  const filter = parseNameChangeSearch(call.params.search, { tier: searchTier(call.viewer), now: core.now(), timeZone: call.reader.timeZone });
  const { items } = await listNameChanges(core, call.viewer, { filter, sort: ID_DESC, page });
  const records = items.map((change) => selectRecordFields(call.params.only, renderNameChange(change, call.reader)));
  return { kind: 'list', root: 'user_name_change_requests', child: 'user_name_change_request', records };
}

async function show(core: Core, call: DanbooruCall): Promise<DanbooruResponse> {
  const change = await newestChange(core, call.viewer, eq('id', recordId(call.pathId, 'user_name_change_request')));
  if (change === null) throw notFound('user_name_change_request');
  return { kind: 'record', root: 'user_name_change_request', record: selectRecordFields(call.params.only, renderNameChange(change, call.reader)) };
}

async function create(core: Core, call: DanbooruCall): Promise<DanbooruResponse> {
  if (call.viewer.id === null) throw forbidden();
  const request = requireHash(call.params, 'user_name_change_request');
  const desiredName = textParam(request, 'desired_name') ?? '';
  const userId = parseInteger(textParam(request, 'user_id') ?? '') ?? call.viewer.id;
  const problem = danbooruNameProblem(desiredName);
  if (problem !== null) throw validationFailed({ desired_name: [problem] });
  await renameUser(core, call.viewer, userId, desiredName).catch(renameFields({ name: 'desired_name' }));
  const change = await newestChange(core, call.viewer, eq('user_id', userId));
  if (change === null) throw notFound('user_name_change_request');
  const location = call.url(`/user_name_change_requests/${change.id}`);
  return { kind: 'record', root: 'user_name_change_request', record: renderNameChange(change, call.reader), status: 201, location };
}

export function nameChangeRoutes({ core }: DanbooruRoutes): RouteGroup {
  return [
    { method: 'GET', path: '/user_name_change_requests', action: 'user_name_change_requests:index', handle: (call) => index(core, call) },
    { method: 'GET', path: '/user_name_change_requests/:id', action: 'user_name_change_requests:show', handle: (call) => show(core, call) },
    { method: 'POST', path: '/user_name_change_requests', action: ACTION_SCOPES.rename, handle: (call) => create(core, call) },
  ];
}
