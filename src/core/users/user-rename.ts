import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { recordUserAudit } from '../moderation/audit.js';
import type { Core } from '../context.js';
import { forbidden, validationFailed } from '../errors.js';
import { countSelfRenamesSince, insertNameChange } from './name-changes.js';
import { nameKey, nameProblems, normalizeName } from './names.js';
import { can } from '../access/policy.js';
import { ACTION_SCOPES, requireScope } from '../auth/scopes.js';
import { lockUser, requireUser } from './require-user.js';
import { userConflict } from '../unique-violation.js';
import type { User } from './user.js';
import { isSystem, type Viewer } from '../access/viewer.js';

/** Danbooru: a user may rename themselves once a week. */
export const SELF_RENAME_INTERVAL_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Renames a user and records the change in the name history. Users rename themselves at most
 * once per week; moderators rename users below them at any time. The name is normalized and
 * must be free ignoring case (conflict otherwise); a case-only change of one's own name is allowed.
 */
export async function renameUser(core: Core, viewer: Viewer, userId: number, newName: string): Promise<User> {
  const now = core.now();
  try {
    await core.db.transaction().execute((trx) => writeRename(trx, viewer, now, userId, newName));
  } catch (error) {
    throw userConflict(error);
  }
  await core.changes.publish(core.db, { kind: 'user', userId });
  return requireUser(core, userId);
}

/** `renameUser` inside the caller's transaction; a taken name fails on the unique index (map with `userConflict`). */
export async function writeRename(trx: Kysely<Database>, viewer: Viewer, now: number, userId: number, newName: string): Promise<void> {
  const name = normalizeName(newName);
  const target = await lockUser(trx, now, userId);
  requireScope(viewer, ACTION_SCOPES.rename);
  if (!can(viewer, 'user.rename', target)) throw forbidden();
  const problems = nameProblems(name);
  if (problems.length > 0) throw validationFailed({ name: problems });
  if (name === target.name) throw validationFailed({ name: ['is the same as the current name'] });
  const self = viewer.id === userId && !isSystem(viewer);
  if (self && (await countSelfRenamesSince(trx, userId, now - SELF_RENAME_INTERVAL_MS)) > 0) {
    throw validationFailed({ name: ['can only be changed once per week'] });
  }
  // History first: if the name is taken the update below fails and the row goes with it.
  await insertNameChange(trx, { userId, oldName: target.name, newName: name, actorId: viewer.id, now });
  await trx
    .updateTable('users')
    .set({ name, name_lower: nameKey(name), updated_at: now })
    .where('id', '=', userId)
    .execute();
  if (!self) {
    await recordUserAudit(trx, viewer, now, userId, 'user.rename', { from: target.name, to: name });
  }
}
