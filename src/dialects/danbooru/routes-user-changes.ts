import type { Core } from '../../core/context.js';
import { forbidden, isCoreError, validationFailed } from '../../core/errors.js';
import { can } from '../../core/access/policy.js';
import type { User } from '../../core/users/user.js';
import { viewerFor } from '../../core/access/viewer.js';
import { loadUserByName } from '../../core/users/user-store.js';
import { deleteUser, getUser, signUp as signUpUser, updateUser } from '../../core/users/users.js';
import { clientIp } from '../../http/client-ip.js';
import { redirectOn } from './errors.js';
import { parseSettingsUpdate, parseSignup } from './params.js';
import { INVALID_SIGNUP_RULE, SIGNUP_RULE, updateRule } from './rate-limits.js';
import { danbooruViewer, renderUser, USER_COLUMNS } from './render.js';
import type { DanbooruCall, DanbooruResponse, DanbooruRoutes, Params, RouteGroup } from './routes.js';
import { isHash, recordId, requireHash, textParam } from './routes.js';

/** Changing users: signup, settings, deletion (users_controller.rb create/update/destroy). */

/** Signup after Danbooru's own name and password rules; a taken name is reported first, as there. */
async function signUp(core: Core, call: DanbooruCall, userParams: Params): Promise<User> {
  const { input, errors } = parseSignup(userParams);
  if (errors !== null) {
    const taken = input.name !== '' && (await loadUserByName(core, input.name)) !== null;
    throw validationFailed(taken ? { ...errors, name: ['already taken'] } : errors);
  }
  const { name, password, email } = input;
  return signUpUser(core, call.viewer, { name, password, email, firstUserBecomesOwner: true, ip: clientIp(call.request) });
}

const isValidationError = (error: unknown): boolean => isCoreError(error) && (error.code === 'validation_failed' || error.code === 'conflict');

/**
 * `POST /users`: anonymous callers only, no CSRF token or captcha asked of API clients. Each
 * attempt reserves a signup and an invalid attempt; the outcome decides which charge stays.
 */
async function signup(core: Core, call: DanbooruCall): Promise<DanbooruResponse> {
  // Asked before the parameters are read: a signed-in caller gets 403 whatever they sent.
  if (!can(call.viewer, 'user.sign_up')) throw forbidden();
  const userParams = requireHash(call.params, 'user');
  call.rateLimit(INVALID_SIGNUP_RULE);
  call.rateLimit(SIGNUP_RULE);
  const user = await signUp(core, call, userParams).then(
    (created) => {
      call.refund(INVALID_SIGNUP_RULE);
      return created;
    },
    (error: unknown) => {
      call.refund(SIGNUP_RULE);
      if (!isValidationError(error)) call.refund(INVALID_SIGNUP_RULE);
      throw error;
    },
  );
  // The reply shows the new account as its owner sees it.
  const self = danbooruViewer(viewerFor(user, call.viewer.credential, call.viewer.ip));
  return { kind: 'record', root: 'user', record: renderUser(user, self), status: 201, location: call.url(`/users/${user.id}`) };
}

/** Rails `wrap_parameters`: a JSON body without `user` has its column names wrapped into it. */
function settingsParams(call: DanbooruCall): Params {
  const body = call.request.body;
  const isJson = /^application\/json\b/i.test(call.request.headers['content-type'] ?? '');
  if (isJson && isHash(body) && !Object.hasOwn(body, 'user')) {
    const wrapped = Object.fromEntries(USER_COLUMNS.flatMap(([column]) => (Object.hasOwn(body, column) ? [[column, body[column]]] : [])));
    if (Object.keys(wrapped).length > 0) return wrapped;
  }
  return requireHash(call.params, 'user');
}

/** `PUT /users/:id`: the user's own settings only; 204. */
async function update(core: Core, call: DanbooruCall): Promise<DanbooruResponse> {
  call.rateLimit(updateRule(call.viewer.level));
  const target = await getUser(core, call.viewer, recordId(call.pathId, 'user'));
  if (!can(call.viewer, 'user.update_preferences', target)) throw forbidden();
  const { patch, errors } = parseSettingsUpdate(settingsParams(call), {
    level: target.level,
    enablePrivateFavorites: target.preferences.flags.enable_private_favorites,
  });
  if (errors !== null) throw validationFailed(errors);
  if (Object.keys(patch).length > 0) await updateUser(core, call.viewer, target.id, { preferences: patch });
  return { kind: 'empty' };
}

/**
 * `DELETE /users/:id`: yourself with `user[password]`, or another account as policy allows. A
 * deletion refused by its own checks (wrong password) redirects to the deactivation page, as
 * Danbooru does even for JSON; one refused by policy is a 403.
 */
async function destroy(core: Core, call: DanbooruCall): Promise<DanbooruResponse> {
  const id = recordId(call.pathId, 'user');
  const userParams = isHash(call.params.user) ? call.params.user : {};
  const password = textParam(userParams, 'password');
  await deleteUser(core, call.viewer, id, password === undefined ? {} : { password }).catch(
    redirectOn(['validation_failed', 'conflict'], call.url(`/users/${id}/deactivate`)),
  );
  return { kind: 'empty' };
}

export function userChangeRoutes({ core }: DanbooruRoutes): RouteGroup {
  return [
    { method: 'POST', path: '/users', action: 'users:create', handle: (call) => signup(core, call) },
    { method: ['PUT', 'PATCH'], path: '/users/:id', action: 'users:update', handle: (call) => update(core, call) },
    { method: 'DELETE', path: '/users/:id', action: 'users:destroy', handle: (call) => destroy(core, call) },
  ];
}
