import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import { Level } from '../../../src/core/access/levels.js';
import { createUser, setUserLevel, updateUser } from '../../../src/core/users/users.js';
import { settleChanges, statementsDuring } from '../../support/statements.js';
import { e621Fixture, T0_EASTERN, type E621Fixture, type Role } from './http-fixture.js';

type Record = { readonly [key: string]: unknown };

/** specs part B4: the fields everyone sees, in e621ng's order. */
const PUBLIC_KEYS = [
  'id',
  'created_at',
  'name',
  'level',
  'base_upload_limit',
  'upload_karma',
  'upload_karma_free',
  'post_upload_count',
  'post_update_count',
  'note_update_count',
  'is_banned',
  'can_approve_posts',
  'can_upload_free',
  'level_string',
  'avatar_id',
  'is_verified',
  'has_cropped_avatar',
];
const SHOW_KEYS = [
  'wiki_page_version_count',
  'artist_version_count',
  'pool_version_count',
  'forum_post_count',
  'comment_count',
  'flag_count',
  'favorite_count',
  'positive_feedback_count',
  'neutral_feedback_count',
  'negative_feedback_count',
  'upload_slots',
  'profile_about',
  'profile_artinfo',
];
const SELF_KEYS = ['updated_at', 'email', 'last_logged_in_at', 'blacklisted_tags', 'time_zone', 'per_page', 'unread_dmail_count', 'enable_safe_mode'];

describe('e621ng users API', () => {
  let f: E621Fixture;
  before(async () => {
    f = await e621Fixture();
  });
  after(() => f.close());

  const get = async (role: Role | null, url: string): Promise<Record & Record[]> => {
    const response = await f.request(role, 'GET', url);
    assert.equal(response.statusCode, 200, `${url}: ${response.body}`);
    return response.json() as Record & Record[];
  };
  const names = async (url: string, role: Role | null = null): Promise<string[]> => (await get(role, url)).map((user) => user.name as string);

  test('index: a bare array of the public fields, in order, newest first', async () => {
    const users = await get(null, '/users.json');
    assert.ok(Array.isArray(users));
    assert.deepEqual(Object.keys(users[0]!), PUBLIC_KEYS);
    const ids = users.map((user) => user.id as number);
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => b - a),
    );
    const member = users.find((user) => user.id === f.users.member.id)!;
    assert.deepEqual(member, {
      id: f.users.member.id,
      created_at: T0_EASTERN,
      name: 'member_user',
      level: 20,
      base_upload_limit: 10,
      upload_karma: 0,
      upload_karma_free: false,
      post_upload_count: 1,
      post_update_count: 3,
      note_update_count: 7,
      is_banned: false,
      can_approve_posts: false,
      can_upload_free: false,
      level_string: 'Member',
      avatar_id: 77,
      is_verified: true,
      has_cropped_avatar: false,
    });
  });

  const LEVELS: readonly (readonly [Role, number, string, boolean])[] = [
    ['banned', 10, 'Blocked', true],
    ['restricted', 20, 'Member', true],
    ['unactivated', 20, 'Member', false],
    ['member', 20, 'Member', true],
    ['gold', 30, 'Privileged', true],
    ['contributor', 30, 'Privileged', true],
    ['approver', 60, 'Janitor', true],
    ['moderator', 70, 'Moderator', true],
    ['admin', 80, 'Admin', true],
    ['owner', 80, 'Admin', true],
  ];
  for (const [role, level, name, verified] of LEVELS) {
    test(`${role}: level ${level} (${name}), found by search[level]=${level}`, async () => {
      const user = await get(null, `/users/${f.users[role].id}.json`);
      assert.equal(user.level, level);
      assert.equal(user.level_string, name);
      assert.equal(user.is_verified, verified);
      assert.equal(user.is_banned, role === 'banned');
      assert.ok((await names(`/users.json?search[level]=${level}&limit=320`)).includes(`${role}_user`));
    });
  }

  test('min_level, max_level and level ranges and lists in the 2026 numbering', async () => {
    assert.deepEqual(await names('/users.json?search[min_level]=60&search[order]=name'), ['admin_user', 'approver_user', 'moderator_user', 'owner_user']);
    assert.deepEqual(await names('/users.json?search[min_level]=60&search[max_level]=70&search[order]=name'), ['approver_user', 'moderator_user']);
    assert.deepEqual(await names('/users.json?search[level]=60,70&search[order]=name'), ['approver_user', 'moderator_user']);
    assert.deepEqual(await names('/users.json?search[level]=>70&search[order]=name'), ['admin_user', 'owner_user']);
    assert.deepEqual(await names('/users.json?search[level]=40..50'), []);
    assert.deepEqual(await names('/users.json?search[max_level]=10'), ['banned_user']);
  });

  test('name_matches: normalized, ignoring case, * a wildcard', async () => {
    assert.deepEqual(await names('/users.json?search[name_matches]=MEMBER_USER'), ['member_user']);
    assert.deepEqual(await names('/users.json?search[name_matches]=mod*'), ['moderator_user']);
    assert.deepEqual(await names('/users.json?search[name_matches]=*in_user&search[order]=name'), ['admin_user']);
    assert.deepEqual(await names('/users.json?search[name_matches]=member'), []);
  });

  test('id lists and ranges; avatar_id; can_approve_posts', async () => {
    const { gold, member } = f.users;
    assert.deepEqual(await names(`/users.json?search[id]=${gold.id},${member.id}&search[order]=id_asc`), ['gold_user', 'member_user']);
    assert.deepEqual(await names(`/users.json?search[id]=${gold.id}..${member.id}&search[order]=id_asc`).then((n) => n.length), member.id - gold.id + 1);
    assert.deepEqual(await names('/users.json?search[avatar_id]=77'), ['member_user']);
    assert.deepEqual(await names('/users.json?search[can_approve_posts]=true&search[order]=name'), [
      'admin_user',
      'approver_user',
      'moderator_user',
      'owner_user',
    ]);
    assert.deepEqual(await names('/users.json?search[created_at]=>2030-01-01'), []);
    assert.ok((await names('/users.json?search[created_at]=2024-01-01..2024-12-31')).length >= 10);
  });

  test('orders: name, counts descending, id_asc, id_desc', async () => {
    const other = await createUser(f.core, SYSTEM, { name: 'zz_uploader' });
    await updateUser(f.core, SYSTEM, other.id, { counters: { post_upload_count: 99, note_update_count: 99, post_update_count: 0 } });
    assert.equal((await names('/users.json?search[order]=post_upload_count'))[0], 'zz_uploader');
    assert.equal((await names('/users.json?search[order]=note_count'))[0], 'zz_uploader');
    assert.equal((await names('/users.json?search[order]=post_update_count'))[0], 'member_user');
    assert.equal((await names('/users.json?search[order]=name'))[0], 'admin_user');
    assert.equal((await get(null, '/users.json?search[order]=id_asc'))[0]!.id, f.users.owner.id);
    assert.equal((await get(null, '/users.json?search[order]=id_desc'))[0]!.id, other.id);
  });

  test('any other search key is a 403; admins also get ip_addr and email_matches', async () => {
    for (const key of ['name', 'email_matches', 'ip_addr', 'is_deleted']) {
      const response = await f.request('member', 'GET', `/users.json?search[${key}]=x`);
      assert.equal(response.statusCode, 403, key);
      assert.deepEqual(response.json(), { success: false, reason: `found unpermitted parameter: :${key}` });
    }
    assert.deepEqual(await names('/users.json?search[email_matches]=GOLD@*', 'admin'), ['gold_user']);
    assert.deepEqual(await names('/users.json?search[ip_addr]=198.51.100.9', 'admin'), []);
  });

  test('paging: limit 0..320, page ≤ 750, a<id>/b<id>; else 410', async () => {
    assert.equal((await get(null, '/users.json?limit=2')).length, 2);
    assert.deepEqual(await get(null, '/users.json?limit=0'), []);
    const { gold } = f.users;
    assert.deepEqual(
      (await get(null, `/users.json?page=b${gold.id}&limit=2`)).map((u) => u.id),
      [gold.id - 1, gold.id - 2],
    );
    assert.deepEqual(
      (await get(null, `/users.json?page=a${gold.id}&limit=2`)).map((u) => u.id),
      [gold.id + 2, gold.id + 1],
    );
    for (const [query, message] of [
      ['limit=321', 'Limit must be between 0 and 320.'],
      ['limit=-1', 'Invalid limit.'],
      ['page=751', 'You cannot go beyond page 750. Please narrow your search terms.'],
      ['page=0', 'Invalid page number.'],
      ['page=c5', 'Invalid page number.'],
    ]) {
      const response = await f.request(null, 'GET', `/users.json?${query}`);
      assert.equal(response.statusCode, 410, query);
      assert.deepEqual(response.json(), { success: false, message, code: null });
    }
  });

  test('?name= redirects to the user page; .xml is a 406 (e621ng has no XML)', async () => {
    const redirect = await f.request(null, 'GET', '/users.json?name=member_user');
    assert.equal(redirect.statusCode, 302);
    assert.equal(redirect.headers.location, 'http://localhost:80/e621/users/member_user');
    const xml = await f.request(null, 'GET', '/users.xml');
    assert.equal(xml.statusCode, 406);
    assert.equal(xml.json().success, false);
    assert.equal((await f.request(null, 'GET', `/users/${f.users.member.id}.xml`)).statusCode, 406);
  });

  test('blank search values are dropped by a redirect', async () => {
    const response = await f.request(null, 'GET', '/users.json?search[name_matches]=&search[level]=20&limit=5');
    assert.equal(response.statusCode, 302);
    assert.equal(response.headers.location, 'http://localhost:80/e621/users.json?limit=5&search%5Blevel%5D=20');
  });

  test('show: by id or by name ignoring case, the show extras placed first', async () => {
    const byId = await get(null, `/users/${f.users.member.id}.json`);
    assert.deepEqual(Object.keys(byId), [...SHOW_KEYS, ...PUBLIC_KEYS]);
    assert.equal(byId.wiki_page_version_count, 5);
    assert.equal(byId.pool_version_count, 11);
    assert.equal(byId.positive_feedback_count, 12);
    assert.deepEqual(await get(null, '/users/MEMBER_USER.json'), byId);
    const missing = await f.request(null, 'GET', '/users/nobody_here.json');
    assert.equal(missing.statusCode, 404);
    assert.deepEqual(missing.json(), { success: false, reason: 'not found' });
    assert.equal((await f.request(null, 'GET', '/users/999999.json')).statusCode, 404);
  });

  test('visibility: settings to the user alone; an admin sees last_logged_in_at only; nobody sees the IP', async () => {
    const own = await get('member', `/users/${f.users.member.id}.json`);
    for (const key of SELF_KEYS) assert.ok(Object.hasOwn(own, key), key);
    assert.equal(own.email, 'member@example.org');
    for (const viewer of ['gold', null] as const) {
      const seen = await get(viewer, `/users/${f.users.member.id}.json`);
      for (const key of [...SELF_KEYS, 'last_ip_addr']) assert.ok(!Object.hasOwn(seen, key), `${viewer} sees ${key}`);
    }
    const admin = await get('admin', `/users/${f.users.member.id}.json`);
    assert.ok(Object.hasOwn(admin, 'last_logged_in_at'));
    for (const key of ['email', 'updated_at', 'blacklisted_tags', 'last_ip_addr']) assert.ok(!Object.hasOwn(admin, key), key);
    const list = await get('member', `/users.json?search[id]=${f.users.member.id}`);
    assert.ok(Object.hasOwn(list[0]!, 'email'));
  });

  test('/users/me.json: the current user with the full fields; anonymous gets the anonymous user', async () => {
    const me = await get('gold', '/users/me.json');
    assert.equal(me.id, f.users.gold.id);
    assert.ok(Object.hasOwn(me, 'wiki_page_version_count') && Object.hasOwn(me, 'email'));
    const anonymous = await get(null, '/users/me.json');
    assert.equal(anonymous.id, null);
    assert.equal(anonymous.name, 'Anonymous');
    assert.equal(anonymous.level, 0);
  });

  test('/users/me.json and /users/upload_limit.json answer from the cached viewer: no SQL once warm, a level change shown at once', async () => {
    await settleChanges(f.core);
    for (const url of ['/users/me.json', '/users/upload_limit.json']) {
      const first = await get('gold', url);
      const { result, statements } = await statementsDuring(f.core, () => get('gold', url));
      assert.deepEqual(statements, [], url);
      assert.deepEqual(result, first, url);
    }
    try {
      await setUserLevel(f.core, SYSTEM, f.users.gold.id, Level.Moderator);
      assert.equal((await get('gold', '/users/me.json')).level_string, 'Moderator');
    } finally {
      await setUserLevel(f.core, SYSTEM, f.users.gold.id, Level.Gold);
    }
    assert.equal((await get('gold', '/users/me.json')).level_string, 'Privileged');
  });

  test('/users/upload_limit.json: the signed-in user; anonymous is refused', async () => {
    assert.equal((await get('member', '/users/upload_limit.json')).id, f.users.member.id);
    const anonymous = await f.request(null, 'GET', '/users/upload_limit.json');
    assert.equal(anonymous.statusCode, 403);
    assert.deepEqual(anonymous.json(), { success: false, reason: 'Access Denied' });
  });

  test("timestamps: ?time_zone=, else the viewer's zone, else Eastern", async () => {
    assert.equal((await get(null, `/users/${f.users.member.id}.json?time_zone=UTC`)).created_at, '2024-05-01T12:00:00.123Z');
    assert.equal((await get(null, `/users/${f.users.member.id}.json`)).created_at, T0_EASTERN);
    const put = await f.request('approver', 'PUT', '/users/1.json', {
      payload: 'user[time_zone]=UTC',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(put.statusCode, 204, put.body);
    assert.equal((await get('approver', `/users/${f.users.member.id}.json`)).created_at, '2024-05-01T12:00:00.123Z');
  });

  test('credentials: a wrong key and a banned user are 401 even on public pages; login+api_key in the body', async () => {
    const wrong = await f.app.inject({ method: 'GET', url: '/e621/users.json?login=member_user&api_key=wrong' });
    assert.equal(wrong.statusCode, 401);
    assert.deepEqual(wrong.json(), { success: false, message: 'SessionLoader::AuthenticationFailure', code: null });
    assert.equal((await f.request('banned', 'GET', '/users.json')).statusCode, 401);
    const body = new URLSearchParams({ login: 'member_user', api_key: f.keys.member, 'user[per_page]': '30' }).toString();
    const put = await f.app.inject({
      method: 'PUT',
      url: '/e621/users/0.json',
      payload: body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(put.statusCode, 204, put.body);
  });

  test("an unknown route answers e621's HTML 404", async () => {
    const response = await f.request(null, 'GET', '/nothing/here.json');
    assert.equal(response.statusCode, 404);
    assert.match(String(response.headers['content-type']), /^text\/html/);
  });
});
