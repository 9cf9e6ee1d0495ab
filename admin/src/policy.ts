/**
 * What the signed-in viewer may do, asked of the core's own policy (src/core/access/policy.ts,
 * pure and free of I/O): the console never offers an action the server would refuse, and the
 * ladder is written once. The API's user JSON carries every field the rules read (id, level,
 * deletion, ban); the rest of the core's `User` is filled with neutral values.
 */
import { Level, USER_LEVELS, levelName } from '../../src/core/access/levels.js';
import { can, canAssignLevel, visibleFields, type GlobalAction, type OrgAction, type OrgTarget, type UserAction } from '../../src/core/access/policy.js';
import { searchTier } from '../../src/core/access/search-tier.js';
import type { Viewer } from '../../src/core/access/viewer.js';
import { canSearchField } from '../../src/core/access/visibility.js';
import type { User } from '../../src/core/users/user.js';
import type { ApiUser } from './types.js';

export { Level, USER_LEVELS, levelName };

function asCoreUser(user: ApiUser): User {
  return {
    ...(user as unknown as User),
    ban: user.ban,
    mute: user.mute ?? null,
  };
}

export function viewerOf(user: ApiUser): Viewer {
  return { id: user.id, user: asCoreUser(user), level: user.level, credential: { kind: 'session', id: 0 }, ip: null };
}

export const mayOnUser = (viewer: ApiUser, action: UserAction, target: ApiUser): boolean => can(viewerOf(viewer), action, asCoreUser(target));

export const mayGlobally = (viewer: ApiUser, action: GlobalAction): boolean => can(viewerOf(viewer), action);

/** The levels `viewer` may give `target`: below their own, never the one the target holds. */
export function assignableLevels(viewer: ApiUser, target: ApiUser): number[] {
  return USER_LEVELS.filter((level) => level !== target.level && canAssignLevel(viewerOf(viewer), asCoreUser(target), level));
}

/** Server-written data (subscriptions, server metadata) is read by the user and by admins. */
export const readsServerData = (viewer: ApiUser, target: ApiUser): boolean =>
  viewer.id === target.id || visibleFields(viewerOf(viewer), asCoreUser(target)).serverData;

/** May the viewer search users by `field` (the email filter: whoever may read every email)? */
export const maySearchUsersBy = (viewer: ApiUser, field: string): boolean => canSearchField(searchTier(viewerOf(viewer)), 'users', field);

export const mayOrg = (viewer: ApiUser, action: OrgAction, target: OrgTarget): boolean => can(viewerOf(viewer), action, target);
