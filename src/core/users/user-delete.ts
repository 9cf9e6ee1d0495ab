import type { Kysely } from 'kysely';
import type { Database, UserRowUpdate } from '../../db/schema.js';
import { recordUserAudit } from '../moderation/audit.js';
import type { Core } from '../context.js';
import { conflict, forbidden, validationFailed } from '../errors.js';
import { insertNameChange } from './name-changes.js';
import { nameKey } from './names.js';
import { verifyPassword } from '../auth/passwords.js';
import { can } from '../access/policy.js';
import { lockUser, requireUser } from './require-user.js';
import { revokeAllSessions } from '../auth/sessions.js';
import type { User } from './user.js';
import { isSystem, type Viewer } from '../access/viewer.js';

export interface DeleteOptions {
  /** Deleting yourself: your current password, when the account has one. */
  readonly password?: string;
  /**
   * Core callers only: self-deletion that a rule other than the password allows (a Stack project
   * with `allow_client_user_deletion`, whose clients hold no password; core/orgs/stack-users.ts).
   */
  readonly withoutPassword?: boolean;
}

/**
 * Deletes an account the Danbooru way: the row stays (ids in other systems keep pointing at
 * it) but is scrubbed, renamed to `user_<id>` through the name history, and loses its
 * credentials, memberships and pending invitations, all in one transaction. Deleting yourself
 * requires your current password when the account has one. An account already deleted gives
 * `conflict` (it still exists and can be read, so not_found would be wrong).
 */
export async function deleteUser(core: Core, viewer: Viewer, userId: number, options: DeleteOptions = {}): Promise<User> {
  const target = await requireUser(core, userId);
  authorizeDelete(viewer, target);
  const self = viewer.id === userId && !isSystem(viewer);
  if (self && options.minimumAgeMs !== undefined && core.now() - target.created_at < options.minimumAgeMs) {
    throw validationFailed({ base: ['Account is too new to be deleted'] });
  }
  if (self && !options.withoutPassword) await requireCurrentPassword(core, userId, options.password);
  const now = core.now();
  await core.db.transaction().execute(async (trx) => {
    const locked = await lockUser(trx, now, userId);
    authorizeDelete(viewer, locked);
    const name = `user_${userId}`;
    if (locked.name !== name) await insertNameChange(trx, { userId, oldName: locked.name, newName: name, actorId: viewer.id, now });
    await trx.updateTable('users').set(scrubbedRow(name, now)).where('id', '=', userId).execute();
    await removeAccess(trx, userId, now);
    await recordUserAudit(trx, viewer, now, userId, 'user.delete', { name: locked.name, self });
  });
  await core.changes.publish(core.db, { kind: 'user', userId });
  return requireUser(core, userId);
}

export interface DeleteOptions {
  /** The current password, required to delete yourself when the account has one. */
  readonly password?: string;
  /** e621: an account younger than this cannot delete itself. */
  readonly minimumAgeMs?: number;
}

function authorizeDelete(viewer: Viewer, target: User): void {
  if (!can(viewer, 'user.delete', target)) throw forbidden();
  if (target.is_deleted) throw conflict('user', { is_deleted: ['already deleted'] });
}

async function requireCurrentPassword(core: Core, userId: number, password: string | undefined): Promise<void> {
  const row = await core.db.selectFrom('users').select('password_hash').where('id', '=', userId).executeTakeFirst();
  if (!row?.password_hash) return;
  const ok = password !== undefined && (await verifyPassword(row.password_hash, password)).ok;
  if (!ok) throw validationFailed({ password: ['is incorrect'] });
}

function scrubbedRow(name: string, now: number): UserRowUpdate {
  return {
    name,
    name_lower: nameKey(name),
    is_deleted: 1,
    password_hash: null,
    email: null,
    email_lower: null,
    email_verified: 0,
    first_name: '',
    last_name: '',
    display_name: null,
    profile_image_url: null,
    avatar_id: null,
    preferences: '{}',
    client_metadata: null,
    client_read_only_metadata: null,
    server_metadata: null,
    last_logged_in_at: null,
    last_ip_addr: null,
    last_active_at: null,
    selected_team_id: null,
    country_code: null,
    risk_scores: null,
    updated_at: now,
  };
}

/** Credentials, sessions, memberships and pending invitations go with the account. */
async function removeAccess(trx: Kysely<Database>, userId: number, now: number): Promise<void> {
  await trx.deleteFrom('api_keys').where('user_id', '=', userId).execute();
  await revokeAllSessions(trx, userId, now);
  await trx.deleteFrom('memberships').where('user_id', '=', userId).execute();
  await trx.deleteFrom('invitations').where('user_id', '=', userId).where('accepted_at', 'is', null).where('declined_at', 'is', null).execute();
}
