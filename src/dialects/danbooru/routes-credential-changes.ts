import { ACTION_SCOPES } from '../../core/auth/scopes.js';
import type { Core } from '../../core/context.js';
import { isCoreError, validationFailed } from '../../core/errors.js';
import { updateUser } from '../../core/users/users.js';
import type { DanbooruCall, DanbooruResponse, DanbooruRoutes, RouteGroup } from './routes.js';
import { recordId, requireHash, textParam } from './routes.js';

/**
 * Password and email changes (passwords_controller.rb, emails_controller.rb). Both need the
 * current password — `user[old_password]` for a new password, `user[password]` for a new email —
 * checked by the core (an API key alone never proves it); the core's `current_password` problem
 * is reported under Danbooru's field name. 204 on success.
 */
function renamingProof(field: string): (error: unknown) => never {
  return (error) => {
    const fields = isCoreError(error) && error.code === 'validation_failed' ? error.details.fields : undefined;
    if (fields?.current_password) {
      const { current_password: messages, ...rest } = fields;
      throw validationFailed({ ...rest, [field]: messages });
    }
    throw error;
  };
}

/** `PUT /users/:id/password`: `user[old_password]`, `user[password]`, `user[password_confirmation]`. */
async function changePassword(core: Core, call: DanbooruCall): Promise<DanbooruResponse> {
  const id = recordId(call.pathId, 'user');
  const params = requireHash(call.params, 'user');
  const password = textParam(params, 'password') ?? '';
  const confirmation = textParam(params, 'password_confirmation');
  if (confirmation !== undefined && confirmation !== password) throw validationFailed({ password_confirmation: ["Passwords don't match"] });
  const oldPassword = textParam(params, 'old_password');
  await updateUser(core, call.viewer, id, { password }, oldPassword === undefined ? {} : { currentPassword: oldPassword }).catch(renamingProof('old_password'));
  return { kind: 'empty' };
}

/** `PUT /users/:id/email`: `user[email]` and the current `user[password]`. */
async function changeEmail(core: Core, call: DanbooruCall): Promise<DanbooruResponse> {
  const id = recordId(call.pathId, 'user');
  const params = requireHash(call.params, 'user');
  const password = textParam(params, 'password');
  await updateUser(core, call.viewer, id, { email: textParam(params, 'email') ?? '' }, password === undefined ? {} : { currentPassword: password }).catch(
    renamingProof('password'),
  );
  return { kind: 'empty' };
}

export function credentialChangeRoutes({ core }: DanbooruRoutes): RouteGroup {
  return [
    { method: ['PUT', 'PATCH'], path: '/users/:id/password', action: ACTION_SCOPES.changePassword, handle: (call) => changePassword(core, call) },
    { method: ['PUT', 'PATCH'], path: '/users/:id/email', action: ACTION_SCOPES.changeEmail, handle: (call) => changeEmail(core, call) },
  ];
}
