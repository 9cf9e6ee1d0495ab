import { ACTION_SCOPES } from '../../core/auth/scopes.js';
import type { Core } from '../../core/context.js';
import { setUserLevel } from '../../core/users/users.js';
import { parseLevelParam } from './levels.js';
import type { DanbooruCall, DanbooruResponse, DanbooruRoutes, RouteGroup } from './routes.js';
import { recordId, requireHash } from './routes.js';

/**
 * `PUT /admin/users/:id` with `user[level]` (admin/users_controller.rb). The seed restricts it to
 * admins; the core's level rule (below your own level, never to your own level or above) decides.
 * Success redirects to the user (302), as Danbooru always does.
 */
async function changeLevel(core: Core, call: DanbooruCall): Promise<DanbooruResponse> {
  const id = recordId(call.pathId, 'user');
  const level = parseLevelParam(requireHash(call.params, 'user').level);
  // An unreadable level still goes to the core, which refuses it after the policy check.
  await setUserLevel(core, call.viewer, id, level ?? Number.NaN);
  return { kind: 'redirect', status: 302, location: call.url(`/users/${id}`) };
}

export function adminRoutes({ core }: DanbooruRoutes): RouteGroup {
  // Danbooru's permission name is `admin/users:update`: a key restricted to other actions cannot promote.
  return [{ method: ['PUT', 'PATCH'], path: '/admin/users/:id', action: ACTION_SCOPES.changeLevel, handle: (call) => changeLevel(core, call) }];
}
