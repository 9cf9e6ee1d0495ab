import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { CoreErrorCode } from '../../../src/core/errors.js';
import { Level } from '../../../src/core/access/levels.js';
import { banUser } from '../../../src/core/moderation/moderation.js';
import { nameProblems } from '../../../src/core/users/names.js';
import { DEFAULT_PREFERENCES } from '../../../src/core/users/preferences.js';
import { createUser, deleteUser, getUser, getUserByName, updateUser } from '../../../src/core/users/users.js';
import type { User } from '../../../src/core/users/user.js';
import { ANONYMOUS, SYSTEM, viewerFor, type Viewer } from '../../../src/core/access/viewer.js';
import { rejects } from '../../support/assertions.js';
import { createTestCore, type TestCore } from '../../support/database.js';

let core: TestCore;
before(async () => {
  core = await createTestCore();
});
after(async () => {
  await core.dispose();
});

let serial = 0;
const make = (level: number = Level.Member, password?: string): Promise<User> =>
  createUser(core, SYSTEM, { name: `del${++serial}`, level, ...(password ? { password } : {}) });
const as = (user: User): Viewer => viewerFor(user, { kind: 'session', id: 0 }, null);

/** A user with everything deletion must remove: profile, preferences, a key, a session, an org membership and an invitation. */
async function richUser(password: string): Promise<User> {
  const created = await createUser(core, SYSTEM, {
    name: `rich${++serial}`,
    password,
    email: `rich${serial}@example.com`,
    emailVerified: true,
    firstName: 'Rich',
    lastName: 'Person',
    displayName: 'Rich P',
    profileImageUrl: 'https://example.com/me.png',
    clientMetadata: { a: 1 },
    serverMetadata: { b: 2 },
  });
  await updateUser(core, as(created), created.id, { preferences: { per_page: 100 } });
  await updateUser(core, SYSTEM, created.id, { countryCode: 'DE', riskScores: { sign_up: { bot: 1, free_trial_abuse: 2 } } });
  const now = core.now();
  await core.db
    .insertInto('api_keys')
    .values({ user_id: created.id, name: 'k', token_hash: randomUUID(), token_hint: 'abcd', created_at: now, updated_at: now })
    .execute();
  await core.db
    .insertInto('sessions')
    .values({ user_id: created.id, token_hash: randomUUID(), created_at: now, expires_at: now + 60_000 })
    .execute();
  const org = await core.db
    .insertInto('organizations')
    .values({ uuid: randomUUID(), slug: `org${serial}`, slug_lower: `org${serial}`, name: 'Org', created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  await core.db
    .insertInto('memberships')
    .values({ organization_id: org.id, user_id: created.id, role: 'worker', is_active: 1, created_at: now, updated_at: now })
    .execute();
  await core.db
    .insertInto('invitations')
    .values({
      key: randomUUID(),
      organization_id: org.id,
      user_id: created.id,
      email: 'x@example.com',
      role: 'worker',
      created_at: now,
      expires_at: now + 60_000,
    })
    .execute();
  await updateUser(core, as(created), created.id, { selectedTeamId: org.id });
  await core.db.updateTable('users').set({ last_logged_in_at: now, last_active_at: now, last_ip_addr: '203.0.113.9' }).where('id', '=', created.id).execute();
  return getUser(core, created.id);
}

const countRows = async (table: 'api_keys' | 'memberships' | 'invitations', userId: number): Promise<number> =>
  (await core.db.selectFrom(table).select('id').where('user_id', '=', userId).execute()).length;

describe('deleteUser', () => {
  test('self-deletion needs the current password', async () => {
    const user = await make(Level.Member, 'my password');
    assert.deepEqual(await rejects(deleteUser(core, as(user), user.id, { password: 'wrong' }), 'validation_failed'), { password: ['is incorrect'] });
    await rejects(deleteUser(core, as(user), user.id), 'validation_failed');
    assert.equal((await getUser(core, user.id)).is_deleted, false);
  });

  test('deletion scrubs the account in one go', async () => {
    const user = await richUser('my password');
    const deleted = await deleteUser(core, as(user), user.id, { password: 'my password' });
    assert.equal(deleted.name, `user_${user.id}`);
    assert.deepEqual(nameProblems(deleted.name, { allowDeletedPattern: true }), []);
    assert.deepEqual(
      {
        is_deleted: deleted.is_deleted,
        has_password: deleted.has_password,
        email: deleted.email,
        email_verified: deleted.email_verified,
        first_name: deleted.first_name,
        last_name: deleted.last_name,
        display_name: deleted.display_name,
        profile_image_url: deleted.profile_image_url,
        client_metadata: deleted.client_metadata,
        server_metadata: deleted.server_metadata,
        selected_team_id: deleted.selected_team_id,
        country_code: deleted.country_code,
        risk_scores: deleted.risk_scores,
        last_logged_in_at: deleted.last_logged_in_at,
        last_active_at: deleted.last_active_at,
        last_ip_addr: deleted.last_ip_addr,
      },
      {
        is_deleted: true,
        has_password: false,
        email: null,
        email_verified: false,
        first_name: '',
        last_name: '',
        display_name: null,
        profile_image_url: null,
        client_metadata: null,
        server_metadata: null,
        selected_team_id: null,
        country_code: null,
        risk_scores: null,
        last_logged_in_at: null,
        last_active_at: null,
        last_ip_addr: null,
      },
    );
    assert.deepEqual(deleted.preferences, DEFAULT_PREFERENCES);
    const row = await core.db.selectFrom('users').select(['email_lower', 'password_hash', 'name_lower']).where('id', '=', user.id).executeTakeFirstOrThrow();
    assert.deepEqual(row, { email_lower: null, password_hash: null, name_lower: `user_${user.id}` });
    assert.equal(await countRows('api_keys', user.id), 0);
    assert.equal(await countRows('memberships', user.id), 0);
    assert.equal(await countRows('invitations', user.id), 0);
    const open = await core.db.selectFrom('sessions').select('id').where('user_id', '=', user.id).where('revoked_at', 'is', null).execute();
    assert.equal(open.length, 0);
    const history = await core.db.selectFrom('name_changes').selectAll().where('user_id', '=', user.id).execute();
    assert.deepEqual(
      history.map((h) => [h.old_name, h.new_name, h.actor_id]),
      [[user.name, `user_${user.id}`, user.id]],
    );
    const audit = await core.db.selectFrom('audit_log').selectAll().where('target_user_id', '=', user.id).where('action', '=', 'user.delete').execute();
    assert.equal(audit.length, 1);
    assert.equal((await getUserByName(core, `USER_${user.id}`)).id, user.id);
  });

  test('deleting an account already deleted is a conflict', async () => {
    const user = await make();
    await deleteUser(core, SYSTEM, user.id);
    assert.deepEqual(await rejects(deleteUser(core, SYSTEM, user.id), 'conflict'), { is_deleted: ['already deleted'] });
  });

  test('an account without a password is deleted by its owner without one', async () => {
    const user = await make();
    assert.equal((await deleteUser(core, as(user), user.id)).is_deleted, true);
  });

  // [actor, target, expected]
  const rows: readonly [string, string, CoreErrorCode | 'ok'][] = [
    ['Moderator', 'self', 'forbidden'],
    ['Admin', 'self', 'forbidden'],
    ['Member banned', 'self', 'forbidden'],
    // danbooru-api-users.txt: "Only the Owner-level user can delete any account."
    ['Admin', 'Member', 'forbidden'],
    ['Admin', 'Moderator', 'forbidden'],
    ['Owner', 'Member', 'ok'],
    ['Admin', 'Admin', 'forbidden'],
    ['Owner', 'Admin', 'ok'],
    ['Moderator', 'Member', 'forbidden'],
    ['Member', 'Member', 'forbidden'],
    ['anonymous', 'Member', 'forbidden'],
  ];
  for (const [who, relation, expected] of rows) {
    test(`${who} deletes ${relation}: ${expected}`, async () => {
      const [levelName, state] = who.split(' ') as [keyof typeof Level, string | undefined];
      let actor = who === 'anonymous' ? null : await make(Level[levelName], 'pass word');
      if (actor && state === 'banned') {
        await banUser(core, SYSTEM, { userId: actor.id, reason: 'x', durationMs: null });
        actor = await getUser(core, actor.id);
      }
      const target = relation === 'self' ? actor! : await make(Level[relation as keyof typeof Level]);
      const attempt = deleteUser(core, actor ? as(actor) : ANONYMOUS, target.id, { password: 'pass word' });
      if (expected !== 'ok') {
        await rejects(attempt, expected);
        assert.equal((await getUser(core, target.id)).is_deleted, false);
      } else {
        assert.equal((await attempt).is_deleted, true);
        const audit = await core.db
          .selectFrom('audit_log')
          .select('actor_id')
          .where('target_user_id', '=', target.id)
          .where('action', '=', 'user.delete')
          .execute();
        assert.deepEqual(audit, [{ actor_id: actor!.id }]);
      }
    });
  }
});
