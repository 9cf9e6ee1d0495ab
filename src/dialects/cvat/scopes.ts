import { ACTION_SCOPES, type Scope } from '../../core/auth/scopes.js';

/**
 * The API key scope each CVAT route needs, in the core's vocabulary (`METHOD /path` as
 * registered under `/cvat`). A route missing here (the 405 answers) is refused to every scoped
 * key, as DRF checks permissions before it looks for the method; a test walks the routes to
 * keep this table complete.
 */
export const CVAT_SCOPES: Readonly<Record<string, Scope | null>> = Object.freeze({
  'GET /api/users': 'users:index',
  'GET /api/users/self': 'users:profile',
  'GET /api/users/:id': 'users:show',
  'PATCH /api/users/:id': 'users:update',
  'DELETE /api/users/:id': 'users:destroy',
  'GET /api/organizations': 'organizations:index',
  'POST /api/organizations': 'organizations:create',
  'GET /api/organizations/:id': 'organizations:show',
  'PATCH /api/organizations/:id': 'organizations:update',
  'DELETE /api/organizations/:id': 'organizations:destroy',
  'GET /api/memberships': 'memberships:index',
  'GET /api/memberships/:id': 'memberships:show',
  'PATCH /api/memberships/:id': 'memberships:update',
  'DELETE /api/memberships/:id': 'memberships:destroy',
  'GET /api/invitations': 'invitations:index',
  'POST /api/invitations': 'invitations:create',
  'GET /api/invitations/:key': 'invitations:show',
  'POST /api/invitations/:key/accept': 'invitations:update',
  'POST /api/invitations/:key/decline': 'invitations:update',
  'POST /api/invitations/:key/resend': 'invitations:create',
  'DELETE /api/invitations/:key': 'invitations:destroy',
  'POST /api/auth/login': 'sessions:create',
  'POST /api/auth/register': 'users:create',
  'POST /api/auth/logout': 'sessions:destroy',
  'POST /api/auth/password/change': ACTION_SCOPES.changePassword,
});
