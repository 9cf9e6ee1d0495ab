import type { Core } from '../context.js';
import { notFound } from '../errors.js';
import { requireUser } from './require-user.js';
import type { User } from './user.js';
import { loadUserByName, loadUserByUuid } from './user-store.js';

export { createUser, signUp, type CreateUserInput } from './user-create.js';
export { updateUser, type PreferencesPatch, type UserPatch } from './user-update.js';
export { setUserLevel } from './user-level.js';
export { renameUser, SELF_RENAME_INTERVAL_MS } from './user-rename.js';
export { deleteUser } from './user-delete.js';
export type { NameChange } from './name-changes.js';

/*
 * Searches (searchUsers, listNameChanges, searchSanctions) live in src/query, which may import
 * core but not the reverse (test/architecture/imports.test.ts).
 *
 * Reads. Every account is public in every dialect (deleted ones too, as `user_<id>`); what a
 * viewer may see of it is policy.ts `visibleFields`, applied when rendering.
 */

/** The user with this id. @throws CoreError not_found */
export async function getUser(core: Core, userId: number): Promise<User> {
  return requireUser(core, userId);
}

/** The user currently named `name`, ignoring case and normalizing spaces. @throws CoreError not_found */
export async function getUserByName(core: Core, name: string): Promise<User> {
  const user = await loadUserByName(core, name);
  if (!user) throw notFound('user');
  return user;
}

/** The user with this uuid (Stack Auth's id), in any case. @throws CoreError not_found */
export async function getUserByUuid(core: Core, uuid: string): Promise<User> {
  const user = await loadUserByUuid(core, uuid);
  if (!user) throw notFound('user');
  return user;
}
