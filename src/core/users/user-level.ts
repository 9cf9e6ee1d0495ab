import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { recordUserAudit } from '../moderation/audit.js';
import type { Core } from '../context.js';
import { forbidden, validationFailed } from '../errors.js';
import { isUserLevel } from '../access/levels.js';
import { can, canAssignLevel } from '../access/policy.js';
import { ACTION_SCOPES, requireScope } from '../auth/scopes.js';
import { lockUser, requireUser } from './require-user.js';
import type { User } from './user.js';
import type { Viewer } from '../access/viewer.js';

/**
 * Promotes or demotes a user. The promoter must outrank both the user and the new level
 * (Danbooru's user_promotion.rb); the level must be on the ladder. Audited as `user.set_level`
 * with `{from, to}`; setting the current level again changes and records nothing.
 */
export async function setUserLevel(core: Core, viewer: Viewer, userId: number, level: number): Promise<User> {
  const now = core.now();
  await core.db.transaction().execute((trx) => writeUserLevel(trx, viewer, now, userId, level));
  // Announced even when the level was already that one: locking the row moved its updated_at,
  // which cached copies of the user (who-am-I) would otherwise show stale.
  await core.changes.publish(core.db, { kind: 'user', userId });
  return requireUser(core, userId);
}

/** `setUserLevel` inside the caller's transaction (the caller announces the user). */
export async function writeUserLevel(trx: Kysely<Database>, viewer: Viewer, now: number, userId: number, level: number): Promise<void> {
  const target = await lockUser(trx, now, userId);
  requireScope(viewer, ACTION_SCOPES.changeLevel);
  if (!can(viewer, 'user.set_level', target)) throw forbidden();
  if (!isUserLevel(level)) throw validationFailed({ level: ['is not a valid level'] });
  if (!canAssignLevel(viewer, target, level)) throw forbidden('Cannot assign a level at or above your own');
  if (target.level === level) return;
  await trx.updateTable('users').set({ level, updated_at: now }).where('id', '=', userId).execute();
  await recordUserAudit(trx, viewer, now, userId, 'user.set_level', { from: target.level, to: level });
}
