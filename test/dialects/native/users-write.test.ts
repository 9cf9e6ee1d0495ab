import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { errorCode, nativeFixture, PASSWORD, type NativeFixture, type Role } from './fixture.js';

describe('native user writes', () => {
  let f: NativeFixture;
  before(async () => {
    f = await nativeFixture();
  });
  after(() => f.close());

  describe('POST /v1/users', () => {
    test('anonymous signup creates a member and never echoes the password', async () => {
      const response = await f.request(null, 'POST', '/v1/users', { name: 'new comer', password: 'a long enough password' });
      assert.equal(response.statusCode, 201, response.body);
      assert.equal(response.json().name, 'new_comer');
      assert.equal(response.json().level, 20);
      assert.doesNotMatch(response.body, /a long enough password|password_hash/);
    });

    test('admins create privileged accounts; levels by name', async () => {
      const response = await f.request('admin', 'POST', '/v1/users', {
        name: 'helper',
        level: 'builder',
        email: 'h@example.org',
        server_metadata: { plan: 'x' },
      });
      assert.equal(response.statusCode, 201, response.body);
      assert.equal(response.json().level, 32);
      assert.deepEqual(response.json().server_metadata, { plan: 'x' });
    });

    const refused: [string, Role | null, unknown, number, string][] = [
      ['anonymous asking for a level', null, { name: 'sneaky', level: 50 }, 403, 'forbidden'],
      ['a member creating accounts', 'member', { name: 'puppet' }, 403, 'forbidden'],
      ['an admin creating an equal', 'admin', { name: 'peer', level: 'admin' }, 403, 'forbidden'],
      ['a taken name, in another case', 'admin', { name: 'MEMBER_USER' }, 409, 'conflict'],
      ['an invalid name', 'admin', { name: 'has\u200bzero width' }, 422, 'validation_failed'],
      ['an unknown level', 'admin', { name: 'x1', level: 'emperor' }, 400, 'invalid_param'],
      ['an unknown field', 'admin', { name: 'x2', password_hash: '$2b$...' }, 400, 'invalid_param'],
      ['a wrong type', 'admin', { name: 42 }, 400, 'invalid_param'],
    ];
    for (const [name, role, body, status, code] of refused) {
      test(`refuses ${name}`, async () => {
        const response = await f.request(role, 'POST', '/v1/users', body);
        assert.equal(response.statusCode, status, response.body);
        assert.equal(errorCode(response), code);
      });
    }

    test('validation failures list the fields', async () => {
      const response = await f.request('admin', 'POST', '/v1/users', { name: 'valid_name', email: 'not an email' });
      assert.equal(response.statusCode, 422);
      assert.ok(Array.isArray(response.json().error.details.fields.email));
    });
  });

  describe('PATCH /v1/users/:id', () => {
    test('users change their own profile and preferences', async () => {
      const response = await f.request('builder', 'PATCH', `/v1/users/${f.users.builder.id}`, {
        first_name: 'Bob ✓',
        display_name: "Robert'); DROP TABLE users;--",
        preferences: { theme: 'dark', flags: { enable_safe_mode: true } },
      });
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(response.json().first_name, 'Bob ✓');
      assert.equal(response.json().display_name, "Robert'); DROP TABLE users;--");
      assert.equal(response.json().preferences.theme, 'dark');
      assert.equal(response.json().preferences.flags.enable_safe_mode, true);
    });

    test('admins write server data and counters', async () => {
      const response = await f.request('admin', 'PATCH', `/v1/users/${f.users.other.id}`, {
        server_metadata: { crm: 7 },
        counters: { post_upload_count: 12 },
        email_verified: true,
      });
      assert.equal(response.statusCode, 200, response.body);
      assert.deepEqual(response.json().server_metadata, { crm: 7 });
      assert.equal(response.json().counters.post_upload_count, 12);
    });

    test('admins write the artist tags (e621) and every counter the e621 legacy stats read', async () => {
      const counters = { post_deleted_count: 3, blip_count: 4, set_count: 5, pool_version_count: 6, wiki_page_version_count: 7, positive_feedback_count: 8 };
      const response = await f.request('admin', 'PATCH', `/v1/users/${f.users.other.id}`, { artist_tags: ['some_artist', 'other'], counters });
      assert.equal(response.statusCode, 200, response.body);
      assert.deepEqual(response.json().artist_tags, ['some_artist', 'other']);
      for (const [name, value] of Object.entries(counters)) assert.equal(response.json().counters[name], value, name);
    });

    const refused: [string, Role | null, () => number, unknown, number, string][] = [
      ['anonymous', null, () => f.users.member.id, { first_name: 'x' }, 403, 'forbidden'],
      ['a member changing another', 'member', () => f.users.other.id, { first_name: 'x' }, 403, 'forbidden'],
      ['a member writing own counters', 'member', () => f.users.member.id, { counters: { post_upload_count: 999 } }, 403, 'forbidden'],
      ['a member writing own artist tags', 'member', () => f.users.member.id, { artist_tags: ['me'] }, 403, 'forbidden'],
      ['an empty artist tag', 'admin', () => f.users.other.id, { artist_tags: [''] }, 422, 'validation_failed'],
      ['an admin changing an owner', 'admin', () => f.users.owner.id, { first_name: 'x' }, 403, 'forbidden'],
      ['an admin changing preferences of another', 'admin', () => f.users.member.id, { preferences: { theme: 'dark' } }, 403, 'forbidden'],
      ['an invalid preference', 'member', () => f.users.member.id, { preferences: { theme: 'purple' } }, 422, 'validation_failed'],
      ['an unknown preference flag', 'member', () => f.users.member.id, { preferences: { flags: { is_admin: true } } }, 400, 'invalid_param'],
      ['an unknown field', 'member', () => f.users.member.id, { level: 60 }, 400, 'invalid_param'],
      ['a missing user', 'admin', () => 987654, { first_name: 'x' }, 404, 'not_found'],
    ];
    for (const [name, role, id, body, status, code] of refused) {
      test(`refuses ${name}`, async () => {
        const response = await f.request(role, 'PATCH', `/v1/users/${id()}`, body);
        assert.equal(response.statusCode, status, response.body);
        assert.equal(errorCode(response), code);
      });
    }
  });

  describe('PUT /v1/users/:id/level', () => {
    const refused: [string, Role | null, Role, unknown, number][] = [
      ['anonymous', null, 'member', 'gold', 403],
      ['a moderator', 'moderator', 'member', 'gold', 403],
      ['an admin on an owner', 'admin', 'owner', 'member', 403],
      ['an admin raising someone to admin', 'admin', 'builder', 'admin', 403],
      ['an admin on themself', 'admin', 'admin', 'member', 403],
      ['an unknown level', 'admin', 'member', 'emperor', 400],
      ['a level off the ladder', 'admin', 'member', 21, 400],
    ];
    for (const [name, role, target, level, status] of refused) {
      test(`refuses ${name}`, async () => {
        const response = await f.request(role, 'PUT', `/v1/users/${f.users[target].id}/level`, { level });
        assert.equal(response.statusCode, status, response.body);
      });
    }

    test('an admin promotes a member, by name or number', async () => {
      const gold = await f.request('admin', 'PUT', `/v1/users/${f.users.other.id}/level`, { level: 'Gold' });
      assert.equal(gold.statusCode, 200, gold.body);
      assert.equal(gold.json().level, 30);
      const back = await f.request('owner', 'PUT', `/v1/users/${f.users.other.id}/level`, { level: 20 });
      assert.equal(back.json().level_name, 'Member');
    });
  });

  describe('POST /v1/users/:id/rename and GET /v1/name-changes', () => {
    test('users rename themselves; moderators rename those below; history is kept', async () => {
      const self = await f.request('member', 'POST', `/v1/users/${f.users.member.id}/rename`, { name: 'member renamed' });
      assert.equal(self.statusCode, 200, self.body);
      assert.equal(self.json().name, 'member_renamed');
      const staff = await f.request('moderator', 'POST', `/v1/users/${f.users.builder.id}/rename`, { name: 'builder_two' });
      assert.equal(staff.statusCode, 200, staff.body);
      const history = await f.request('member', 'GET', `/v1/name-changes?user_id=${f.users.member.id}`);
      assert.equal(history.statusCode, 200);
      assert.deepEqual(
        history.json().items.map((c: { old_name: string; new_name: string }) => [c.old_name, c.new_name]),
        [['member_user', 'member_renamed']],
      );
    });

    test('refuses renaming others, taken names and bad names', async () => {
      const other = await f.request('member', 'POST', `/v1/users/${f.users.other.id}/rename`, { name: 'hijack' });
      assert.equal(other.statusCode, 403);
      const upward = await f.request('moderator', 'POST', `/v1/users/${f.users.admin.id}/rename`, { name: 'demoted' });
      assert.equal(upward.statusCode, 403);
      const taken = await f.request('admin', 'POST', `/v1/users/${f.users.other.id}/rename`, { name: 'OWNER_USER' });
      assert.equal(taken.statusCode, 409);
      const bad = await f.request('admin', 'POST', `/v1/users/${f.users.other.id}/rename`, { name: 'user_12' });
      assert.equal(bad.statusCode, 422);
    });

    test('anonymous viewers see no name history', async () => {
      const response = await f.request(null, 'GET', '/v1/name-changes');
      assert.equal(response.statusCode, 200);
      assert.deepEqual(response.json().items, []);
    });
  });

  describe('DELETE /v1/users/:id', () => {
    test('refuses others below admin, and admins on those above', async () => {
      assert.equal((await f.request('member', 'DELETE', `/v1/users/${f.users.other.id}`)).statusCode, 403);
      assert.equal((await f.request('moderator', 'DELETE', `/v1/users/${f.users.other.id}`)).statusCode, 403);
      assert.equal((await f.request('admin', 'DELETE', `/v1/users/${f.users.owner.id}`)).statusCode, 403);
      assert.equal((await f.request(null, 'DELETE', `/v1/users/${f.users.other.id}`)).statusCode, 403);
    });

    test('self-deletion needs the current password', async () => {
      const wrong = await f.request('member', 'DELETE', `/v1/users/${f.users.member.id}`, { password: 'wrong password' });
      assert.equal(wrong.statusCode, 422);
      const missing = await f.request('member', 'DELETE', `/v1/users/${f.users.member.id}`);
      assert.equal(missing.statusCode, 422);
      const right = await f.request('member', 'DELETE', `/v1/users/${f.users.member.id}`, { password: PASSWORD });
      assert.equal(right.statusCode, 200, right.body);
      assert.equal(right.json().is_deleted, true);
      assert.equal(right.json().name, `user_${f.users.member.id}`);
      // The deleted account's key no longer authenticates.
      assert.equal((await f.request('member', 'GET', '/v1/me')).statusCode, 401);
    });

    test('only the owner deletes another account (Danbooru seed), without a body; twice is a conflict', async () => {
      assert.equal((await f.request('admin', 'DELETE', `/v1/users/${f.users.other.id}`)).statusCode, 403);
      const first = await f.request('owner', 'DELETE', `/v1/users/${f.users.other.id}`);
      assert.equal(first.statusCode, 200, first.body);
      assert.equal(first.json().is_deleted, true);
      const again = await f.request('owner', 'DELETE', `/v1/users/${f.users.other.id}`);
      assert.equal(again.statusCode, 409);
      assert.equal(errorCode(again), 'conflict');
    });
  });
});
