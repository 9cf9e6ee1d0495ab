import type { Scope } from '../../core/auth/scopes.js';

/**
 * The API key scope each Stack route needs, in the core's vocabulary (`METHOD /path` as
 * registered under `/stack`), checked by the core on the viewer `resolveAccess` establishes.
 * Stack's credentials today are project keys and session access tokens, which carry no scopes;
 * the table keeps the rule fail-closed should a restricted credential ever reach these routes.
 * `null`: the route reads no credential (public images, the CORS preflight, the refresh grant).
 */
export const STACK_SCOPES: Readonly<Record<string, Scope | null>> = Object.freeze({
  'GET /api/v1/users/me': 'users:profile',
  'PATCH /api/v1/users/me': 'users:update',
  'DELETE /api/v1/users/me': 'users:destroy',
  'GET /api/v1/users': 'users:index',
  'POST /api/v1/users': 'users:create',
  'GET /api/v1/users/:user_id': 'users:show',
  'PATCH /api/v1/users/:user_id': 'users:update',
  'DELETE /api/v1/users/:user_id': 'users:destroy',
  'POST /api/v1/auth/password/sign-up': 'users:create',
  'POST /api/v1/auth/anonymous/sign-up': 'users:create',
  'POST /api/v1/auth/password/sign-in': 'sessions:create',
  'POST /api/v1/auth/sessions': 'sessions:create',
  'DELETE /api/v1/auth/sessions/current': 'sessions:destroy',
  'POST /api/v1/auth/oauth/token': null,
  'GET /api/v1/profile-images/:image_id': null,
  'OPTIONS /*': null,
});
