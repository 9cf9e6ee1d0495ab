import type { Core } from '../context.js';
import { forbidden, notFound } from '../errors.js';
import { deleteUser } from '../users/user-delete.js';
import type { User } from '../users/user.js';
import { isSignedIn, type Viewer } from '../access/viewer.js';
import { toOrganization, type Organization } from './organizations.js';
import type { StackProject, StackProjectConfig } from './stack-projects.js';

/** Why a Stack Auth user is restricted (`restricted_reason.type`). */
export type RestrictedReason = 'anonymous' | 'email_not_verified' | 'restricted_by_administrator';

/**
 * Stack Auth's `computeRestrictedStatus` (spec §3.6), first match wins: anonymous, then an
 * unverified primary email when the project requires verification, then an admin restriction.
 */
export function restrictedReason(user: User, config: StackProjectConfig): RestrictedReason | null {
  if (user.is_anonymous) return 'anonymous';
  if (config.require_email_verification && !(user.email !== null && user.email_verified)) return 'email_not_verified';
  if (user.restricted_by_admin) return 'restricted_by_administrator';
  return null;
}

/** The organizations (Stack teams) these users have selected, by organization id, in one query. */
export async function loadSelectedTeams(core: Core, users: readonly User[]): Promise<ReadonlyMap<number, Organization>> {
  const ids = [...new Set(users.flatMap((user) => (user.selected_team_id === null ? [] : [user.selected_team_id])))];
  if (ids.length === 0) return new Map();
  const rows = await core.db.selectFrom('organizations').selectAll().where('id', 'in', ids).execute();
  return new Map(rows.map((row) => [row.id, toOrganization(row)]));
}

/** The organization id of a Stack team uuid; `not_found` as `entity` when there is none. */
export async function teamIdOfUuid(core: Core, uuid: string, entity = 'team'): Promise<number> {
  const row = await core.db.selectFrom('organizations').select('id').where('uuid', '=', uuid.toLowerCase()).executeTakeFirst();
  if (!row) throw notFound(entity);
  return row.id;
}

/**
 * A client deleting its own user (`DELETE /users/me`): only when the project allows client user
 * deletion, and then without a password, which Stack clients never hold.
 */
export async function deleteOwnStackUser(core: Core, viewer: Viewer, project: StackProject): Promise<User> {
  if (!isSignedIn(viewer)) throw forbidden();
  if (!project.config.allow_client_user_deletion)
    throw forbidden('Client user deletion is not enabled for this project', { reason: 'client_user_deletion_disabled' });
  return deleteUser(core, viewer, viewer.id, { withoutPassword: true });
}
