import type { MembershipRole } from '../../db/schema.js';
import { Level } from './levels.js';
import type { User } from '../users/user.js';
import { isSystem, type Viewer } from './viewer.js';
import { canRead, canReadNameHistory } from './visibility.js';

export { searchTier } from './search-tier.js';

/**
 * The one policy: who may do what to whom, and who sees what. Pure, no I/O. Every dialect asks
 * it (through the core calls that enforce it); none decides for itself.
 *
 * The level rule is written once: a moderator or admin acts only on users below their own
 * level, and never raises anyone to their own level or above.
 */
export type UserAction =
  /** Personal settings (Danbooru/e621 preferences): the user alone. */
  | 'user.update_preferences'
  /** Profile data (first/last/display name, avatar, client metadata): self, or an admin above them. */
  | 'user.update_profile'
  | 'user.change_email'
  | 'user.rename'
  | 'user.set_level'
  | 'user.delete'
  | 'user.ban'
  | 'user.mute'
  | 'user.restrict'
  /** Server-written data: client-read-only and server metadata, counters, subscriptions, verification. */
  | 'user.write_server_data'
  /** Create API keys and sign in as oneself: the user alone. */
  | 'user.manage_credentials'
  /** List and revoke someone's API keys and sessions (the admin console; never a secret): self, or an admin above them. */
  | 'user.oversee_credentials'
  /** Open a session for someone else (Stack Auth `POST /auth/sessions`, impersonation): the system, or an admin above them. */
  | 'user.open_session'
  | 'user.view_name_history'
  /** Account administration a dialect reserves for admins (CVAT: username, is_active, groups): admins, on themselves or users below them. */
  | 'user.manage_account';

export type OrgAction = 'org.view' | 'org.update' | 'org.delete' | 'org.invite' | 'org.view_all_members' | 'membership.change' | 'membership.remove';

export type GlobalAction =
  /** Self-service signup: only someone not signed in (admins create accounts with `user.create`). */
  | 'user.sign_up'
  | 'user.create'
  | 'user.create_privileged'
  | 'org.create'
  /** Act on any organization: owners, memberships, server-written metadata. */
  | 'org.administer'
  | 'stack_project.manage'
  | 'audit.view'
  /** Open an admin console session (a cookie session): staff, Moderator and above. */
  | 'console.sign_in'
  /** Site-wide figures for the console's dashboard: staff. */
  | 'stats.view'
  /** Export every user as JSON Lines, or import them: admins. */
  | 'data.transfer';

/** The viewer's and the target's standing in one organization, as org rules need them. */
export interface OrgTarget {
  readonly viewerRole: MembershipRole | null;
  readonly viewerActive: boolean;
  /** For membership actions: the membership acted upon. */
  readonly targetRole?: MembershipRole;
  readonly targetUserId?: number;
}

const isAdmin = (viewer: Viewer): boolean => viewer.level >= Level.Admin;
const isModerator = (viewer: Viewer): boolean => viewer.level >= Level.Moderator;
const isSelf = (viewer: Viewer, target: User): boolean => viewer.id !== null && viewer.id === target.id;
const isUsable = (viewer: Viewer): boolean => viewer.user !== null && !viewer.user.is_deleted && viewer.user.ban === null;

/** The level rule: the system outranks everyone; a person outranks strictly lower levels. */
export function outranks(viewer: Viewer, targetLevel: number): boolean {
  return isSystem(viewer) || viewer.level > targetLevel;
}

/** May `viewer` give `target` the level `newLevel`? Not themselves, not to or from their own level or above. */
export function canAssignLevel(viewer: Viewer, target: User, newLevel: number): boolean {
  if (isSystem(viewer)) return true;
  return can(viewer, 'user.set_level', target) && outranks(viewer, newLevel);
}

/** May `viewer` do `action` to `target`? */
export function can(viewer: Viewer, action: UserAction, target: User): boolean;
export function can(viewer: Viewer, action: OrgAction, target: OrgTarget): boolean;
export function can(viewer: Viewer, action: GlobalAction): boolean;
export function can(viewer: Viewer, action: UserAction | OrgAction | GlobalAction, target?: User | OrgTarget): boolean {
  if (isSystem(viewer)) return true;
  if (GLOBAL_ACTIONS.has(action)) return canGlobal(viewer, action as GlobalAction);
  if (target === undefined) return false;
  return 'uuid' in target ? canOnUser(viewer, action as UserAction, target) : canOnOrg(viewer, action as OrgAction, target);
}

const GLOBAL_ACTIONS: ReadonlySet<string> = new Set<GlobalAction>([
  'user.sign_up',
  'user.create',
  'user.create_privileged',
  'org.create',
  'org.administer',
  'stack_project.manage',
  'audit.view',
  'console.sign_in',
  'stats.view',
  'data.transfer',
]);

function canGlobal(viewer: Viewer, action: GlobalAction): boolean {
  switch (action) {
    case 'user.sign_up':
      return viewer.user === null;
    case 'user.create':
      return viewer.user === null || isAdmin(viewer);
    case 'user.create_privileged':
      return isAdmin(viewer);
    case 'org.create':
      return isUsable(viewer) && viewer.level >= Level.Member;
    case 'org.administer':
    case 'stack_project.manage':
    case 'audit.view':
    case 'data.transfer':
      return isAdmin(viewer);
    case 'console.sign_in':
    case 'stats.view':
      return isUsable(viewer) && isModerator(viewer);
  }
}

function canOnUser(viewer: Viewer, action: UserAction, target: User): boolean {
  const self = isSelf(viewer, target);
  const above = outranks(viewer, target.level);
  switch (action) {
    case 'user.update_preferences':
      return self && isUsable(viewer);
    case 'user.update_profile':
    case 'user.change_email':
      return (self && isUsable(viewer)) || (isAdmin(viewer) && above);
    case 'user.rename':
      return (self && isUsable(viewer)) || (isModerator(viewer) && above);
    case 'user.set_level':
      return isAdmin(viewer) && !self && above && !target.is_deleted;
    case 'user.delete':
      // Danbooru: staff cannot delete their own account, nor can a banned user. The seed: "Only
      // the Owner-level user can delete any account" — not admins.
      if (self) return isUsable(viewer) && viewer.level < Level.Moderator;
      return viewer.level >= Level.Owner && above;
    case 'user.ban':
    case 'user.mute':
      return isModerator(viewer) && !self && above;
    case 'user.restrict':
    case 'user.write_server_data':
    case 'user.manage_account':
      return isAdmin(viewer) && (self || above);
    case 'user.manage_credentials':
      return self && !target.is_deleted;
    case 'user.oversee_credentials':
      return (self && !target.is_deleted) || (isAdmin(viewer) && above);
    case 'user.open_session':
      return isAdmin(viewer) && !self && above && !target.is_deleted;
    case 'user.view_name_history':
      return canReadNameHistory(viewer, target);
  }
}

const ROLE_RANK: Readonly<Record<MembershipRole, number>> = { worker: 1, supervisor: 2, maintainer: 3, owner: 4 };

function canOnOrg(viewer: Viewer, action: OrgAction, target: OrgTarget): boolean {
  if (isAdmin(viewer)) return true;
  const role = target.viewerActive ? target.viewerRole : null;
  const manager = role === 'owner' || role === 'maintainer';
  switch (action) {
    case 'org.view':
      return role !== null;
    case 'org.update':
    case 'org.invite':
    case 'org.view_all_members':
      return manager;
    case 'org.delete':
      return role === 'owner';
    case 'membership.change':
    case 'membership.remove': {
      if (target.targetRole === undefined) return false;
      const selfTarget = target.targetUserId !== undefined && target.targetUserId === viewer.id;
      // CVAT: a non-owner may leave; nobody changes their own role; owners are untouchable;
      // maintainers act only on roles below maintainer.
      if (selfTarget) return action === 'membership.remove' && role !== null && role !== 'owner';
      if (target.targetRole === 'owner') return false;
      if (role === 'owner') return true;
      return role === 'maintainer' && ROLE_RANK[target.targetRole] < ROLE_RANK.maintainer;
    }
  }
}

/** Which groups of a user's fields `viewer` may see: visibility.ts `canRead`, by group. */
export interface FieldVisibility {
  /** Settings, preferences and private timestamps: the user themself (Danbooru gives admins no more). */
  readonly private: boolean;
  readonly email: boolean;
  readonly lastIp: boolean;
  /** Server-written data (server metadata, risk scores): admins. */
  readonly serverData: boolean;
  readonly restrictionDetails: boolean;
}

export function visibleFields(viewer: Viewer, target: User): FieldVisibility {
  const may = (field: string): boolean => canRead(viewer, 'users', field, target.id);
  return Object.freeze({
    private: may('preferences'),
    email: may('email'),
    lastIp: may('last_ip_addr'),
    serverData: may('server_metadata'),
    restrictionDetails: may('restricted_by_admin_private_details'),
  });
}
