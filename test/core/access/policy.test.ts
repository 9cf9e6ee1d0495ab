import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { COUNTER_NAMES, type UserRow } from '../../../src/db/schema.js';
import { Level } from '../../../src/core/access/levels.js';
import {
  can,
  canAssignLevel,
  outranks,
  searchTier,
  visibleFields,
  type GlobalAction,
  type OrgAction,
  type OrgTarget,
  type UserAction,
} from '../../../src/core/access/policy.js';
import { toUser, type ActiveSanction, type User } from '../../../src/core/users/user.js';
import { ANONYMOUS, SYSTEM, viewerFor, type Viewer } from '../../../src/core/access/viewer.js';

type State = 'ok' | 'banned' | 'deleted';

function fakeUser(id: number, level: number, state: State = 'ok'): User {
  const row = {
    ...Object.fromEntries(COUNTER_NAMES.map((name) => [name, 0])),
    id,
    uuid: `00000000-0000-4000-8000-${String(id).padStart(12, '0')}`,
    name: `u${id}`,
    name_lower: `u${id}`,
    email: null,
    email_lower: null,
    email_verified: 0,
    password_hash: null,
    first_name: '',
    last_name: '',
    display_name: null,
    profile_image_url: null,
    avatar_id: null,
    avatar_nsfw: 'None',
    level,
    inviter_id: null,
    is_deleted: state === 'deleted' ? 1 : 0,
    is_anonymous: 0,
    restricted_by_admin: 0,
    restricted_by_admin_reason: null,
    restricted_by_admin_private_details: null,
    preferences: '{}',
    client_metadata: null,
    client_read_only_metadata: null,
    server_metadata: null,
    selected_team_id: null,
    country_code: null,
    risk_scores: null,
    created_at: 0,
    updated_at: 0,
    last_logged_in_at: null,
    last_active_at: null,
    last_forum_read_at: null,
    last_ip_addr: null,
  } as UserRow;
  const ban: ActiveSanction | null = state === 'banned' ? { id: 1, reason: 'x', actor_id: null, created_at: 0, expires_at: null } : null;
  return toUser({ ...row, has_password: 0 }, { ban, mute: null });
}

/** A viewer by name: a ladder level (`Member`), optionally `banned`/`deleted`, or `anonymous`/`system`. */
function viewer(spec: string): Viewer {
  if (spec === 'anonymous') return ANONYMOUS;
  if (spec === 'system') return SYSTEM;
  const [levelName, state] = spec.split(' ') as [keyof typeof Level, State | undefined];
  return viewerFor(fakeUser(1, Level[levelName], state ?? 'ok'), { kind: 'session', id: 1 }, null);
}

/** The target: the viewer's own account (`self`), or another user at a level, optionally deleted. */
function target(v: Viewer, relation: string): User {
  if (relation === 'self') return v.user!;
  const [levelName, state] = relation.split(' ') as [keyof typeof Level, State | undefined];
  return fakeUser(2, Level[levelName], state ?? 'ok');
}

// [viewer, target (self | level of another user), action, expected]
const USER_ROWS: readonly [string, string, UserAction, boolean][] = [
  ['Member', 'self', 'user.update_preferences', true],
  ['Member banned', 'self', 'user.update_preferences', false],
  ['Member deleted', 'self', 'user.update_preferences', false],
  ['Admin', 'Member', 'user.update_preferences', false],
  ['Owner', 'Member', 'user.update_preferences', false],
  ['system', 'Member', 'user.update_preferences', true],
  ['Member', 'self', 'user.update_profile', true],
  ['Member', 'Member', 'user.update_profile', false],
  ['Moderator', 'Member', 'user.update_profile', false],
  ['Admin', 'Member', 'user.update_profile', true],
  ['Admin', 'Admin', 'user.update_profile', false],
  ['Admin', 'Owner', 'user.update_profile', false],
  ['anonymous', 'Member', 'user.update_profile', false],
  ['Member', 'self', 'user.change_email', true],
  ['Member banned', 'self', 'user.change_email', false],
  ['Admin', 'Moderator', 'user.change_email', true],
  ['Moderator', 'Member', 'user.change_email', false],
  ['Member', 'self', 'user.rename', true],
  ['Member', 'Member', 'user.rename', false],
  ['Moderator', 'Member', 'user.rename', true],
  ['Moderator', 'Approver', 'user.rename', true],
  ['Moderator', 'Moderator', 'user.rename', false],
  ['Admin', 'Moderator', 'user.rename', true],
  ['Admin', 'Owner', 'user.rename', false],
  ['Admin', 'Member', 'user.set_level', true],
  ['Admin', 'Moderator', 'user.set_level', true],
  ['Admin', 'Admin', 'user.set_level', false],
  ['Admin', 'self', 'user.set_level', false],
  ['Admin', 'Member deleted', 'user.set_level', false],
  ['Owner', 'Admin', 'user.set_level', true],
  ['Moderator', 'Member', 'user.set_level', false],
  ['Member', 'self', 'user.set_level', false],
  ['system', 'Owner', 'user.set_level', true],
  ['Member', 'self', 'user.delete', true],
  ['Gold', 'self', 'user.delete', true],
  ['Member banned', 'self', 'user.delete', false],
  ['Moderator', 'self', 'user.delete', false],
  ['Admin', 'self', 'user.delete', false],
  // danbooru-api-users.txt: "Only the Owner-level user can delete any account."
  ['Admin', 'Member', 'user.delete', false],
  ['Owner', 'Member', 'user.delete', true],
  ['Admin', 'Admin', 'user.delete', false],
  ['Owner', 'Admin', 'user.delete', true],
  ['Moderator', 'Member', 'user.delete', false],
  ['Member', 'Member', 'user.delete', false],
  ['Moderator', 'Member', 'user.ban', true],
  ['Moderator', 'Approver', 'user.ban', true],
  ['Moderator', 'Moderator', 'user.ban', false],
  ['Moderator', 'self', 'user.ban', false],
  ['Admin', 'Moderator', 'user.ban', true],
  ['Admin', 'Owner', 'user.ban', false],
  ['Approver', 'Member', 'user.ban', false],
  ['anonymous', 'Member', 'user.ban', false],
  ['Moderator', 'Member', 'user.mute', true],
  ['Moderator', 'Admin', 'user.mute', false],
  ['Member', 'Restricted', 'user.mute', false],
  ['Admin', 'Member', 'user.restrict', true],
  ['Admin', 'self', 'user.restrict', true],
  ['Admin', 'Owner', 'user.restrict', false],
  ['Moderator', 'Member', 'user.restrict', false],
  ['Member', 'self', 'user.restrict', false],
  ['Admin', 'Member', 'user.write_server_data', true],
  ['Admin', 'self', 'user.write_server_data', true],
  ['Owner', 'Admin', 'user.write_server_data', true],
  ['Moderator', 'Member', 'user.write_server_data', false],
  ['Member', 'self', 'user.write_server_data', false],
  ['Admin', 'Member', 'user.manage_account', true],
  ['Admin', 'self', 'user.manage_account', true],
  ['Admin', 'Admin', 'user.manage_account', false],
  ['Owner', 'Admin', 'user.manage_account', true],
  ['Moderator', 'Member', 'user.manage_account', false],
  ['Member', 'self', 'user.manage_account', false],
  ['Member', 'self', 'user.manage_credentials', true],
  ['Admin', 'Member', 'user.manage_credentials', false],
  ['Member deleted', 'self', 'user.manage_credentials', false],
  ['system', 'Member', 'user.manage_credentials', true],
  ['Member', 'self', 'user.oversee_credentials', true],
  ['Member', 'Member', 'user.oversee_credentials', false],
  ['Moderator', 'Member', 'user.oversee_credentials', false],
  ['Admin', 'Member', 'user.oversee_credentials', true],
  ['Admin', 'Admin', 'user.oversee_credentials', false],
  ['Member deleted', 'self', 'user.oversee_credentials', false],
  ['anonymous', 'Member', 'user.view_name_history', false],
  ['Member', 'Member', 'user.view_name_history', true],
  ['Member', 'Member deleted', 'user.view_name_history', false],
  ['Moderator', 'Member deleted', 'user.view_name_history', true],
  ['Moderator', 'Owner deleted', 'user.view_name_history', true],
];

const GLOBAL_ROWS: readonly [string, GlobalAction, boolean][] = [
  ['anonymous', 'user.sign_up', true],
  ['Member', 'user.sign_up', false],
  ['Admin', 'user.sign_up', false],
  ['anonymous', 'user.create', true],
  ['Member', 'user.create', false],
  ['Moderator', 'user.create', false],
  ['Admin', 'user.create', true],
  ['system', 'user.create', true],
  ['anonymous', 'user.create_privileged', false],
  ['Moderator', 'user.create_privileged', false],
  ['Admin', 'user.create_privileged', true],
  ['system', 'user.create_privileged', true],
  ['anonymous', 'org.create', false],
  ['Restricted', 'org.create', false],
  ['Member', 'org.create', true],
  ['Member banned', 'org.create', false],
  ['Member deleted', 'org.create', false],
  ['Moderator', 'audit.view', false],
  ['Admin', 'audit.view', true],
];

// [viewer, viewer's role (or none), active, action, target membership role, target is self, expected]
const ORG_ROWS: readonly [string, OrgTarget['viewerRole'], boolean, OrgAction, OrgTarget['targetRole'], boolean, boolean][] = [
  ['Member', null, false, 'org.view', undefined, false, false],
  ['Member', 'worker', true, 'org.view', undefined, false, true],
  ['Member', 'worker', false, 'org.view', undefined, false, false],
  ['Member', 'worker', true, 'org.update', undefined, false, false],
  ['Member', 'maintainer', true, 'org.update', undefined, false, true],
  ['Member', 'maintainer', true, 'org.delete', undefined, false, false],
  ['Member', 'owner', true, 'org.delete', undefined, false, true],
  ['Member', 'maintainer', true, 'membership.change', 'worker', false, true],
  ['Member', 'maintainer', true, 'membership.change', 'maintainer', false, false],
  ['Member', 'maintainer', true, 'membership.change', 'owner', false, false],
  ['Member', 'owner', true, 'membership.change', 'maintainer', false, true],
  ['Member', 'worker', true, 'membership.remove', 'worker', true, true],
  ['Member', 'worker', true, 'membership.change', 'worker', true, false],
  ['Member', 'owner', true, 'membership.remove', 'owner', true, false],
  ['Admin', null, false, 'org.delete', undefined, false, true],
];

describe('policy.can on users', () => {
  for (const [who, relation, action, expected] of USER_ROWS) {
    test(`${who} → ${relation}: ${action} is ${expected ? 'allowed' : 'refused'}`, () => {
      const v = viewer(who);
      assert.equal(can(v, action, target(v, relation)), expected);
    });
  }
});

describe('policy.can, global actions', () => {
  for (const [who, action, expected] of GLOBAL_ROWS) {
    test(`${who}: ${action} is ${expected ? 'allowed' : 'refused'}`, () => assert.equal(can(viewer(who), action), expected));
  }
});

describe('policy.can on organizations', () => {
  for (const [who, role, active, action, targetRole, targetSelf, expected] of ORG_ROWS) {
    test(`${who} (${role ?? 'no role'}${active ? '' : ', inactive'}): ${action}${targetRole ? ` on ${targetSelf ? 'own ' : ''}${targetRole}` : ''} is ${expected ? 'allowed' : 'refused'}`, () => {
      const v = viewer(who);
      const orgTarget: OrgTarget = { viewerRole: role, viewerActive: active, targetRole, targetUserId: targetSelf ? v.id! : 99 };
      assert.equal(can(v, action, orgTarget), expected);
    });
  }
});

describe('policy.canAssignLevel and outranks', () => {
  const rows: readonly [string, string, keyof typeof Level, boolean][] = [
    ['Admin', 'Member', 'Moderator', true],
    ['Admin', 'Member', 'Admin', false],
    ['Admin', 'Member', 'Owner', false],
    ['Admin', 'Moderator', 'Restricted', true],
    ['Admin', 'Admin', 'Member', false],
    ['Owner', 'Member', 'Admin', true],
    ['Owner', 'Member', 'Owner', false],
    ['Moderator', 'Member', 'Gold', false],
    ['system', 'Owner', 'Member', true],
  ];
  for (const [who, relation, level, expected] of rows) {
    test(`${who} gives a ${relation} the level ${level}: ${expected}`, () => {
      const v = viewer(who);
      assert.equal(canAssignLevel(v, target(v, relation), Level[level]), expected);
    });
  }
  test('outranks is strict and the system outranks everyone', () => {
    assert.equal(outranks(viewer('Moderator'), Level.Approver), true);
    assert.equal(outranks(viewer('Moderator'), Level.Moderator), false);
    assert.equal(outranks(SYSTEM, Level.Owner), true);
    assert.equal(outranks(ANONYMOUS, Level.Restricted), false);
  });
});

describe('policy.searchTier and visibleFields', () => {
  const tiers: readonly [string, string][] = [
    ['anonymous', 'public'],
    ['Restricted', 'member'],
    ['Member', 'member'],
    ['Approver', 'member'],
    ['Moderator', 'moderator'],
    ['Admin', 'admin'],
    ['Owner', 'admin'],
    ['system', 'admin'],
  ];
  for (const [who, tier] of tiers) test(`${who} searches at tier ${tier}`, () => assert.equal(searchTier(viewer(who)), tier));

  // [viewer, target, private, email, lastIp, serverData, restrictionDetails]
  const visibility: readonly [string, string, boolean, boolean, boolean, boolean, boolean][] = [
    ['anonymous', 'Member', false, false, false, false, false],
    ['Member', 'self', true, true, false, false, false],
    ['Member', 'Member', false, false, false, false, false],
    ['Moderator', 'Member', false, false, true, false, false],
    ['Admin', 'Member', false, true, true, true, true],
    ['Admin', 'self', true, true, true, true, true],
    ['system', 'Member', true, true, true, true, true],
  ];
  for (const [who, relation, ...expected] of visibility) {
    test(`${who} sees of ${relation}: ${expected.join(', ')}`, () => {
      const v = viewer(who);
      const fields = visibleFields(v, target(v, relation));
      assert.deepEqual([fields.private, fields.email, fields.lastIp, fields.serverData, fields.restrictionDetails], expected);
    });
  }
});
