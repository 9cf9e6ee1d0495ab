import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { errorCode, nativeFixture, type NativeFixture, type Role } from './fixture.js';

describe('native moderation', () => {
  let f: NativeFixture;
  before(async () => {
    f = await nativeFixture();
  });
  after(() => f.close());

  const ban = (role: Role | null, target: Role, duration = '1d') =>
    f.request(role, 'POST', '/v1/bans', { user_id: f.users[target].id, reason: 'Spam ✓ <script>', duration });

  const refusals: [string, Role | null, Role][] = [
    ['anonymous', null, 'member'],
    ['a member', 'other', 'member'],
    ['a builder', 'builder', 'member'],
    ['a moderator on an admin', 'moderator', 'admin'],
    ['a moderator on themself', 'moderator', 'moderator'],
    ['an admin on an owner', 'admin', 'owner'],
  ];
  for (const [name, role, target] of refusals) {
    test(`refuses a ban by ${name}`, async () => {
      const response = await ban(role, target);
      assert.equal(response.statusCode, 403, response.body);
      assert.equal(errorCode(response), 'forbidden');
    });
  }

  test('refuses bad durations and bodies', async () => {
    const badDuration = await ban('moderator', 'member', 'soon');
    assert.equal(badDuration.statusCode, 400);
    assert.equal(badDuration.json().error.details.param, 'duration');
    const noReason = await f.request('moderator', 'POST', '/v1/bans', { user_id: f.users.member.id, duration: '1d' });
    assert.equal(noReason.statusCode, 400);
    const missing = await f.request('moderator', 'POST', '/v1/bans', { user_id: 999999, reason: 'x', duration: '1d' });
    assert.equal(missing.statusCode, 404);
  });

  test("a moderator bans a member: public list, the user shows banned, the member's key stops working, lifting restores it", async () => {
    assert.equal((await f.request('member', 'GET', '/v1/me')).statusCode, 200);
    const created = await ban('moderator', 'member', '3d');
    assert.equal(created.statusCode, 201, created.body);
    const sanction = created.json() as { id: number; kind: string; in_force: boolean; expires_at: number; actor_id: number };
    assert.equal(sanction.kind, 'ban');
    assert.equal(sanction.in_force, true);
    assert.equal(sanction.actor_id, f.users.moderator.id);

    const listed = await f.request('other', 'GET', `/v1/bans?user_id=${f.users.member.id}&count=true`);
    assert.equal(listed.statusCode, 200);
    assert.equal(listed.json().total, 1);
    assert.equal(listed.json().items[0].reason, 'Spam ✓ <script>');

    const user = await f.request(null, 'GET', `/v1/users/${f.users.member.id}`);
    assert.equal(user.json().is_banned, true);
    assert.equal(user.json().ban.id, sanction.id);
    assert.equal((await f.request(null, 'GET', '/v1/users?is_banned=true')).json().items.length, 1);

    const refused = await f.request('member', 'GET', '/v1/me');
    assert.equal(refused.statusCode, 401);
    assert.deepEqual(refused.json(), { error: { code: 'unauthenticated', message: 'Authentication failed', details: {} } });

    assert.equal((await f.request(null, 'GET', `/v1/bans/${sanction.id}`)).json().id, sanction.id);
    assert.equal((await f.request('moderator', 'GET', `/v1/mutes/${sanction.id}`)).statusCode, 404);
    assert.equal((await f.request('other', 'DELETE', `/v1/bans/${sanction.id}`)).statusCode, 403);

    const lifted = await f.request('moderator', 'DELETE', `/v1/bans/${sanction.id}`);
    assert.equal(lifted.statusCode, 200, lifted.body);
    assert.equal(lifted.json().in_force, false);
    assert.equal((await f.request('member', 'GET', '/v1/me')).statusCode, 200);
  });

  test('mutes: moderators list them, members do not', async () => {
    const created = await f.request('admin', 'POST', '/v1/mutes', { user_id: f.users.builder.id, reason: 'noise', duration: 'forever' });
    assert.equal(created.statusCode, 201, created.body);
    assert.equal(created.json().expires_at, null);
    assert.equal((await f.request('other', 'GET', '/v1/mutes')).statusCode, 403);
    const listed = await f.request('moderator', 'GET', '/v1/mutes');
    assert.equal(listed.statusCode, 200);
    assert.deepEqual(
      listed.json().items.map((m: { user_id: number }) => m.user_id),
      [f.users.builder.id],
    );
    assert.equal((await f.request(null, 'GET', `/v1/users/${f.users.builder.id}`)).json().is_muted, true);
    assert.equal((await f.request('moderator', 'GET', `/v1/bans/${created.json().id}`)).statusCode, 404);
    assert.equal((await f.request('moderator', 'DELETE', `/v1/bans/${created.json().id}`)).statusCode, 404);
  });

  test('restriction by an admin: reason for the user, private details for admins', async () => {
    assert.equal((await f.request('moderator', 'PUT', `/v1/users/${f.users.other.id}/restriction`, { restricted: true })).statusCode, 403);
    const restricted = await f.request('admin', 'PUT', `/v1/users/${f.users.other.id}/restriction`, {
      restricted: true,
      reason: 'Verify your email',
      private_details: 'suspected bot',
    });
    assert.equal(restricted.statusCode, 200, restricted.body);
    assert.equal(restricted.json().restricted_by_admin, true);
    assert.equal(restricted.json().restricted_by_admin_private_details, 'suspected bot');
    const self = (await f.request('other', 'GET', '/v1/me')).json();
    assert.equal(self.restricted_by_admin_reason, 'Verify your email');
    assert.ok(!('restricted_by_admin_private_details' in self));
    const stranger = (await f.request('builder', 'GET', `/v1/users/${f.users.other.id}`)).json();
    assert.equal(stranger.restricted_by_admin, true);
    assert.ok(!('restricted_by_admin_reason' in stranger));
    const lifted = await f.request('admin', 'PUT', `/v1/users/${f.users.other.id}/restriction`, { restricted: false });
    assert.equal(lifted.json().restricted_by_admin, false);
  });
});
