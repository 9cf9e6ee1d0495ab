import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser, deleteUser, renameUser } from '../../../src/core/users/users.js';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import { basic, danbooruError, danbooruFixture, T0_EASTERN, type DanbooruFixture, type Role } from './http-fixture.js';

type Json = Record<string, unknown>;

describe('Danbooru name changes (user_name_change_requests)', () => {
  let f: DanbooruFixture;
  let deletedId: number;
  const rename = (role: Role | null, fields: Record<string, string | number>) =>
    f.request(role, 'POST', '/danbooru/user_name_change_requests.json', { payload: { user_name_change_request: fields } });
  const list = async (role: Role | null, query = ''): Promise<Json[]> => {
    const response = await f.request(role, 'GET', `/danbooru/user_name_change_requests.json?${query}`);
    assert.equal(response.statusCode, 200, response.body);
    return response.json() as Json[];
  };

  before(async () => {
    f = await danbooruFixture();
    const gone = await createUser(f.core, SYSTEM, { name: 'soon_gone' });
    await renameUser(f.core, SYSTEM, gone.id, 'almost_gone');
    await deleteUser(f.core, SYSTEM, gone.id);
    deletedId = gone.id;
  });
  after(() => f.close());

  test('a user renames themself: 201, the request, Location; the name changes at once', async () => {
    const response = await rename('member', { desired_name: 'Member_Renamed' });
    assert.equal(response.statusCode, 201, response.body);
    const body = response.json() as Json;
    assert.deepEqual(body, {
      id: body.id,
      user_id: f.users.member.id,
      original_name: 'member_user',
      desired_name: 'Member_Renamed',
      created_at: T0_EASTERN,
      updated_at: T0_EASTERN,
    });
    assert.equal(response.headers.location, `http://localhost:80/danbooru/user_name_change_requests/${String(body.id)}`);
    assert.equal(((await f.request(null, 'GET', `/danbooru/users/${f.users.member.id}.json`)).json() as Json).name, 'Member_Renamed');
    const shown = await f.request('other', 'GET', `/danbooru/user_name_change_requests/${String(body.id)}.json`);
    assert.deepEqual(shown.json(), body);
  });

  test('once a week; the old login no longer works', async () => {
    assert.equal((await rename('member', { desired_name: 'member_again' })).statusCode, 401);
    const response = await f.app.inject({
      method: 'POST',
      url: '/danbooru/user_name_change_requests.json',
      headers: { authorization: basic('member_renamed', f.keys.member) },
      payload: { user_name_change_request: { desired_name: 'member_again' } },
    });
    assert.equal(response.statusCode, 422);
    assert.deepEqual(response.json(), { errors: { desired_name: ['can only be changed once per week'] } });
  });

  const invalid: [string, Json][] = [
    ['x', { desired_name: ['must be more than 1 character long'] }],
    ['admin', { desired_name: ["is a reserved name and can't be used"] }],
    ['GOLD_USER', { desired_name: ['already taken'] }],
    ['', { desired_name: ['must be more than 1 character long'] }],
    ['two words', { desired_name: ["can't contain whitespace"] }],
  ];
  for (const [name, errors] of invalid) {
    test(`422 for "${name}"`, async () => {
      const response = await rename('other', { desired_name: name });
      assert.equal(response.statusCode, 422);
      assert.deepEqual(response.json(), { errors });
    });
  }

  test('moderators rename users below them, not above', async () => {
    assert.equal((await rename('moderator', { user_id: f.users.gold.id, desired_name: 'gold_renamed' })).statusCode, 201);
    const refused = await rename('moderator', { user_id: f.users.admin.id, desired_name: 'admin_renamed' });
    assert.equal(refused.statusCode, 403);
    assert.equal((await rename('other', { user_id: f.users.gold.id, desired_name: 'by_other' })).statusCode, 403);
    assert.equal(danbooruError(await rename(null, { desired_name: 'anonymous_name' })).message, 'Access denied');
  });

  test('visibility: anonymous sees nothing, members what is not deleted, moderators all', async () => {
    assert.deepEqual(await list(null), []);
    const member = (await list('other')).map((row) => row.original_name);
    assert.ok(member.includes('member_user') && member.includes('gold_user'));
    assert.ok(!member.includes('soon_gone'));
    const moderator = (await list('moderator')).map((row) => row.original_name);
    assert.ok(moderator.includes('soon_gone') && moderator.includes('almost_gone'));
    assert.equal((await f.request(null, 'GET', `/danbooru/user_name_change_requests/${String((await list('other'))[0]!.id)}.json`)).statusCode, 404);
  });

  const searches: [string, string[]][] = [
    [`search[user_id]=PLACEHOLDER`, ['member_user']],
    ['search[user_name]=member_renamed', ['member_user']],
    ['search[old_name]=MEMBER USER', ['member_user']],
    ['search[new_name]=gold_RENAMED', ['gold_user']],
    ['search[original_name_eq]=gold_user', ['gold_user']],
    ['search[desired_name_ilike]=*renamed', ['gold_user', 'member_user']],
    ['search[old_name]=soon_gone', ['soon_gone']],
    ['search[bogus]=1&limit=1', ['gold_user']],
  ];
  for (const [query, expected] of searches) {
    test(`moderator: ${query}`, async () => {
      const rows = await list('moderator', query.replace('PLACEHOLDER', String(f.users.member.id)));
      assert.deepEqual(
        rows.map((row) => row.original_name),
        expected,
      );
    });
  }

  test("members do not find a deleted account's history", async () => {
    assert.deepEqual(await list('other', `search[user_id]=${deletedId}`), []);
  });
});
