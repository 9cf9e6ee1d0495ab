import type { Core } from '../../core/context.js';
import { forbidden } from '../../core/errors.js';
import { can, canAssignLevel } from '../../core/access/policy.js';
import type { User } from '../../core/users/user.js';
import type { UserPatch } from '../../core/users/users.js';
import { updateAccount } from '../../core/users/account-update.js';
import type { Viewer } from '../../core/access/viewer.js';
import { fieldErrors, unknownField } from './errors.js';
import { isCvatGroup, levelAfter, type CvatGroup } from './levels.js';

/**
 * `PATCH /api/users/{id}` (spec §1.2–1.3, the seed's words winning): users change their own
 * `first_name`, `last_name` and `email`; `username`, `is_staff`, `is_superuser`, `is_active`
 * and `groups` are administrators'. Any other key is 403 before validation. Every key is
 * authorized and validated before anything is written; the writes are then one core call
 * (`updateAccount`: update, rename, level, ban / lift in one transaction), each part audited.
 */
const KNOWN_KEYS = ['username', 'first_name', 'last_name', 'email', 'groups', 'is_staff', 'is_superuser', 'is_active'] as const;
type KnownKey = (typeof KNOWN_KEYS)[number];

export interface CvatUserPatch {
  readonly username?: string;
  readonly profile: UserPatch;
  readonly groups?: readonly CvatGroup[];
  readonly privileged?: boolean;
  readonly isActive?: boolean;
}

const USERNAME = /^[\w.@+-]+$/u;
const INVALID_USERNAME = 'Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.';
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** DRF `BooleanField`'s accepted spellings. */
function readBoolean(value: unknown): boolean | undefined {
  if (value === true || value === 'true' || value === 'True' || value === 1 || value === '1') return true;
  if (value === false || value === 'false' || value === 'False' || value === 0 || value === '0') return false;
  return undefined;
}

function readText(value: unknown, max: number, problems: Record<string, string[]>, field: string): string | undefined {
  if (typeof value !== 'string') {
    problems[field] = ['Not a valid string.'];
    return undefined;
  }
  if ([...value].length > max) problems[field] = [`Ensure this field has no more than ${max} characters.`];
  return value;
}

/** Reads the body: unknown keys are 403, bad values 400 with Django's messages. */
export function parseUserPatch(body: unknown): CvatUserPatch {
  const fields = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  if (Object.keys(fields).some((key) => !(KNOWN_KEYS as readonly string[]).includes(key))) throw unknownField();
  const has = (key: KnownKey): boolean => Object.hasOwn(fields, key);
  const problems: Record<string, string[]> = {};
  let username: string | undefined;
  if (has('username')) {
    username = readText(fields.username, 150, problems, 'username');
    if (username !== undefined && !problems.username && (username === '' || !USERNAME.test(username)))
      problems.username = [username === '' ? 'This field may not be blank.' : INVALID_USERNAME];
  }
  const profile: { firstName?: string; lastName?: string; email?: string | null } = {};
  if (has('first_name')) profile.firstName = readText(fields.first_name, 150, problems, 'first_name');
  if (has('last_name')) profile.lastName = readText(fields.last_name, 150, problems, 'last_name');
  if (has('email')) {
    const email = readText(fields.email, 254, problems, 'email');
    if (email !== undefined && !problems.email && email !== '' && !EMAIL.test(email)) problems.email = ['Enter a valid email address.'];
    profile.email = email === '' ? null : email;
  }
  let groups: CvatGroup[] | undefined;
  if (has('groups')) {
    const list = fields.groups;
    if (!Array.isArray(list)) problems.groups = ['Expected a list of items but got type "' + typeof list + '".'];
    else {
      const bad: unknown = (list as unknown[]).find((name) => !isCvatGroup(name));
      if (bad !== undefined) problems.groups = [`Object with name=${typeof bad === 'string' ? bad : JSON.stringify(bad)} does not exist.`];
      else groups = list as CvatGroup[];
    }
  }
  const flags: Partial<Record<'is_staff' | 'is_superuser' | 'is_active', boolean>> = {};
  for (const key of ['is_staff', 'is_superuser', 'is_active'] as const) {
    if (!has(key)) continue;
    const value = readBoolean(fields[key]);
    if (value === undefined) problems[key] = ['Must be a valid boolean.'];
    else flags[key] = value;
  }
  if (Object.keys(problems).length > 0) throw fieldErrors(problems);
  const privileged = flags.is_superuser ?? flags.is_staff;
  return {
    ...(username !== undefined && { username }),
    profile: Object.fromEntries(Object.entries(profile).filter(([, v]) => v !== undefined)),
    ...(groups !== undefined && { groups }),
    ...(privileged !== undefined && { privileged }),
    ...(flags.is_active !== undefined && { isActive: flags.is_active }),
  };
}

const DEACTIVATION_REASON = 'Deactivated through the CVAT API (is_active: false)';

/** Authorizes every part of the patch against the policy, then applies it. Returns the user as stored. */
export async function applyUserPatch(core: Core, viewer: Viewer, target: User, patch: CvatUserPatch): Promise<User> {
  const level = patch.groups !== undefined || patch.privileged !== undefined ? levelAfter(target.level, patch) : target.level;
  const deactivates = patch.isActive === false && target.ban === null && !target.is_deleted;
  const reactivates = patch.isActive === true && target.ban !== null;
  const adminKeys = patch.username !== undefined || patch.groups !== undefined || patch.privileged !== undefined || patch.isActive !== undefined;
  const allowed =
    (!adminKeys || can(viewer, 'user.manage_account', target)) &&
    (patch.profile.firstName === undefined && patch.profile.lastName === undefined ? true : can(viewer, 'user.update_profile', target)) &&
    (patch.profile.email === undefined || can(viewer, 'user.change_email', target)) &&
    (level === target.level || canAssignLevel(viewer, target, level)) &&
    (!deactivates && !reactivates ? true : can(viewer, 'user.ban', target));
  if (!allowed) throw forbidden();
  // One core call, one transaction: a part refused half way leaves nothing written.
  return updateAccount(core, viewer, target.id, {
    profile: patch.profile,
    ...(patch.username !== undefined && { name: patch.username }),
    level,
    ...(patch.isActive !== undefined && { active: patch.isActive }),
    deactivationReason: DEACTIVATION_REASON,
  });
}
