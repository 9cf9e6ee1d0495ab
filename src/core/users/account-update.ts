import type { Core } from '../context.js';
import { writeLift, writeSanction } from '../moderation/moderation.js';
import type { Reauthentication } from '../auth/reauthenticate.js';
import { userConflict } from '../unique-violation.js';
import type { Viewer } from '../access/viewer.js';
import { lockUser, requireUser } from './require-user.js';
import { writeUserLevel } from './user-level.js';
import { writeRename } from './user-rename.js';
import { prepareUserPatch, writeUserPatch, type UserPatch } from './user-update.js';
import type { User } from './user.js';

/** Several changes to one account, made by one request (CVAT's `PATCH /api/users/{id}`). */
export interface AccountChange {
  readonly profile?: UserPatch;
  /** A new name; the current one (exactly) changes nothing. */
  readonly name?: string;
  /** A new level; the current one changes nothing. */
  readonly level?: number;
  /** false: deactivate (a permanent ban, for `deactivationReason`) unless banned; true: lift the ban in force. */
  readonly active?: boolean;
  readonly deactivationReason?: string;
}

/**
 * Applies every part of `change` in one transaction, all or nothing: the profile patch, the
 * rename, the level and the (de)activation, each under its own rules and audit (updateUser,
 * renameUser, setUserLevel, banUser, liftSanction). Any refusal — a taken name, a level the
 * viewer may not give — rolls back the parts already written.
 */
export async function updateAccount(core: Core, viewer: Viewer, userId: number, change: AccountChange, proof: Reauthentication = {}): Promise<User> {
  const profile = change.profile !== undefined && Object.keys(change.profile).length > 0 ? change.profile : null;
  const prepared = profile ? await prepareUserPatch(core, viewer, userId, profile, proof) : null;
  const now = core.now();
  try {
    await core.db.transaction().execute(async (trx) => {
      if (prepared) await writeUserPatch(trx, viewer, now, prepared);
      const current = await lockUser(trx, now, userId);
      // Each step asks the viewer's key for the scope of its own dedicated route: a key for profile
      // edits cannot rename, promote or ban through this wider request.
      if (change.name !== undefined && change.name !== current.name) await writeRename(trx, viewer, now, userId, change.name);
      if (change.level !== undefined && change.level !== current.level) await writeUserLevel(trx, viewer, now, userId, change.level);
      if (change.active === false && current.ban === null && !current.is_deleted) {
        await writeSanction(trx, viewer, now, 'ban', { userId, reason: change.deactivationReason ?? 'Deactivated', durationMs: null });
      }
      if (change.active === true && current.ban !== null) await writeLift(trx, viewer, now, current.ban.id);
    });
  } catch (error) {
    throw userConflict(error);
  }
  await core.changes.publish(core.db, { kind: 'user', userId });
  return requireUser(core, userId);
}
