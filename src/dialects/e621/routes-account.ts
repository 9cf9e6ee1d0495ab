import { ACTION_SCOPES } from '../../core/auth/scopes.js';
import type { Core } from '../../core/context.js';
import { forbidden, isCoreError, validationFailed } from '../../core/errors.js';
import { deleteUser, setUserLevel } from '../../core/users/users.js';
import { toI } from '../rails/ruby-coercion.js';
import { userHash } from './account-params.js';
import { E621HttpError } from './errors.js';
import { canonicalLevel } from './levels.js';
import type { E621Call, E621Response, E621Routes, RouteSpec } from './routes.js';

/** e621ng's account maintenance (specs part B2): self-deletion and the staff level change. */

const WEEK_MS = 7 * 86_400_000;

/** user_deletion.rb's validation failures are a 400 with the message. */
function asBadRequest(error: unknown): never {
  if (isCoreError(error) && error.code === 'validation_failed') {
    const messages = Object.entries(error.details.fields ?? {}).flatMap(([field, list]) =>
      list.map((m) => (field === 'base' ? m : `${field[0]!.toUpperCase()}${field.slice(1)} ${m}`)),
    );
    throw new E621HttpError(400, { success: false, message: messages.join('; ') || error.message, code: null });
  }
  throw error;
}

/** `DELETE /maintenance/user/deletion` with `password`: scrubs the current account, then 302 to the posts page. */
async function deleteSelf(core: Core, call: E621Call): Promise<E621Response> {
  if (call.viewer.id === null) throw forbidden();
  const password = typeof call.params.password === 'string' ? call.params.password : '';
  await deleteUser(core, call.viewer, call.viewer.id, { password, minimumAgeMs: WEEK_MS }).catch(asBadRequest);
  return { kind: 'redirect', location: call.url('/posts') };
}

/** `PUT /staff/users/:id.json` with `user[level]` in e621ng numbers; Admin only (the core's rule). */
async function setLevel(core: Core, call: E621Call): Promise<E621Response> {
  const raw = userHash(call.params).level;
  const level = canonicalLevel(typeof raw === 'string' || typeof raw === 'number' ? toI(String(raw)) : -1);
  if (level === null) throw validationFailed({ level: ['is not a valid level'] });
  await setUserLevel(core, call.viewer, /^\d+$/.test(call.pathId) ? Number(call.pathId) : 0, level);
  return { kind: 'empty' };
}

export function accountRoutes({ core }: E621Routes): readonly RouteSpec[] {
  return [
    { method: 'DELETE', path: '/maintenance/user/deletion', action: 'users:destroy', xml: false, handle: (call) => deleteSelf(core, call) },
    { method: 'PUT', path: '/staff/users/:id', action: ACTION_SCOPES.changeLevel, xml: false, handle: (call) => setLevel(core, call) },
  ];
}
