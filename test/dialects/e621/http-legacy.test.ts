import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Level } from '../../../src/core/access/levels.js';
import { ANONYMOUS, SYSTEM } from '../../../src/core/access/viewer.js';
import { createApiKey } from '../../../src/core/auth/api-keys.js';
import { createUser, deleteUser, signUp, updateUser } from '../../../src/core/users/users.js';
import { e621Fixture, T0_EASTERN, type E621Fixture, type Role } from './http-fixture.js';

/** seeds/e621-legacy-users-api.txt: `GET /user/index` and `GET /user/show`, JSON and XML. */
describe('e621 legacy users API', () => {
  let f: E621Fixture;
  before(async () => {
    f = await e621Fixture();
    // A small ranking for the seed's orders (ids ascending: zeta, alpha, mid).
    for (const [name, counters] of [
      ['zeta_rank', { post_upload_count: 50, post_deleted_count: 1, post_update_count: 7, positive_feedback_count: 1, negative_feedback_count: 0 }],
      ['alpha_rank', { post_upload_count: 10, post_deleted_count: 9, post_update_count: 2, positive_feedback_count: 5, negative_feedback_count: 3 }],
      ['mid_rank', { post_upload_count: 30, post_deleted_count: 5, post_update_count: 90, positive_feedback_count: 5, negative_feedback_count: 1 }],
    ] as const) {
      const user = await createUser(f.core, SYSTEM, { name });
      await updateUser(f.core, SYSTEM, user.id, { counters });
      f.clock.now += 60_000;
    }
  });
  after(() => f.close());

  /** A legacy user as the tests read it. */
  interface LegacyUser {
    readonly [key: string]: unknown;
    readonly id: number | null;
    readonly name: string;
    readonly level: number;
    readonly stats: Readonly<Record<string, number>>;
    readonly artist_tags: readonly string[];
  }
  const json = async (role: Role | null, url: string): Promise<LegacyUser> => {
    const response = await f.request(role, 'GET', url);
    assert.equal(response.statusCode, 200, response.body);
    assert.match(String(response.headers['content-type']), /^application\/json/);
    return response.json() as LegacyUser;
  };
  const names = async (url: string): Promise<string[]> => ((await json(null, url)) as unknown as LegacyUser[]).map((user) => user.name);

  const MEMBER_STATS = {
    post_count: 1,
    del_post_count: 2,
    edit_count: 3,
    favorite_count: 4,
    wiki_count: 5,
    forum_post_count: 6,
    note_count: 7,
    comment_count: 8,
    blip_count: 9,
    set_count: 10,
    pool_update_count: 11,
    pos_user_records: 12,
    neutral_user_records: 13,
    neg_user_records: 14,
  };

  test('show: every field of the seed, in its order, backed by the core counters', async () => {
    const body = await json(null, `/user/show.json?id=${f.users.member.id}`);
    assert.deepEqual(body, {
      name: 'member_user',
      id: f.users.member.id,
      level: 20,
      created_at: T0_EASTERN,
      avatar_id: 77,
      stats: MEMBER_STATS,
      artist_tags: ['member_art', 'second_tag'],
    });
    assert.deepEqual(Object.keys(body), ['name', 'id', 'level', 'created_at', 'avatar_id', 'stats', 'artist_tags']);
    assert.deepEqual(Object.keys(body.stats), Object.keys(MEMBER_STATS));
  });

  test('counters written through the native API show up at once', async () => {
    const user = await createUser(f.core, SYSTEM, { name: 'counted_user' });
    const patched = await f.app.inject({
      method: 'PATCH',
      url: `/v1/users/${user.id}`,
      headers: { authorization: `Bearer ${(await createApiKey(f.core, SYSTEM, f.users.owner.id, { name: 'native' })).secret}` },
      payload: { counters: { blip_count: 42, set_count: 3 }, artist_tags: ['drawn'] },
    });
    assert.equal(patched.statusCode, 200, patched.body);
    const body = await json(null, `/user/show.json?id=${user.id}`);
    assert.equal(body.stats.blip_count, 42);
    assert.equal(body.stats.set_count, 3);
    assert.deepEqual(body.artist_tags, ['drawn']);
  });

  test('show without id: the signed-in user, with Basic auth or login+api_key', async () => {
    assert.equal((await json('member', '/user/show.json')).id, f.users.member.id);
    const response = await f.request('gold', 'GET', '/user/show.json', { auth: 'query' });
    assert.equal(response.json().id, f.users.gold.id);
  });

  test('show without id, anonymous: the anonymous user', async () => {
    const body = await json(null, '/user/show.json');
    assert.equal(body.id, null);
    assert.equal(body.name, 'Anonymous');
    assert.equal(body.level, 0);
    assert.deepEqual(body.artist_tags, []);
  });

  test('show of a missing or unreadable id: 404 in e621 shape', async () => {
    for (const id of ['999999', 'abc', '-1']) {
      const response = await f.request(null, 'GET', `/user/show.json?id=${id}`);
      assert.equal(response.statusCode, 404, id);
      assert.deepEqual(response.json(), { success: false, reason: 'not found' });
    }
  });

  const LEVELS: readonly (readonly [Role, number])[] = [
    ['unactivated', 0],
    ['banned', 10],
    ['restricted', 20],
    ['member', 20],
    ['gold', 30],
    ['contributor', 33],
    ['approver', 35],
    ['moderator', 40],
    ['admin', 50],
    ['owner', 50],
  ];
  for (const [role, level] of LEVELS) {
    test(`${role} shows as level ${level} and is found by level=${level}`, async () => {
      assert.equal((await json(null, `/user/show.json?id=${f.users[role].id}`)).level, level);
      const found = await names(`/user/index.json?level=${level}&limit=320`);
      assert.ok(found.includes(`${role}_user`), found.join(', '));
    });
  }

  test('level filters exclude other standings: Unactivated and Blocked are not Members', async () => {
    const members = await names('/user/index.json?level=20&limit=320');
    assert.ok(!members.includes('unactivated_user') && !members.includes('banned_user') && !members.includes('gold_user'));
    assert.deepEqual(await names('/user/index.json?level=34'), []);
    assert.deepEqual(await names('/user/index.json?level=10'), ['banned_user']);
    assert.deepEqual(await names('/user/index.json?level=0'), ['unactivated_user']);
  });

  test('verifying the email activates a self-signed-up account', async () => {
    const user = await createUser(f.core, SYSTEM, { name: 'made_by_admin' });
    assert.equal((await json(null, `/user/show.json?id=${user.id}`)).level, 20);
    const signed = await signUp(f.core, ANONYMOUS, { name: 'fresh_signup' });
    assert.equal((await json(null, `/user/show.json?id=${signed.id}`)).level, 0);
    await updateUser(f.core, SYSTEM, signed.id, { email: 'fresh@example.org', emailVerified: true });
    assert.equal((await json(null, `/user/show.json?id=${signed.id}`)).level, 20);
  });

  test('id: the one user (effectively show)', async () => {
    assert.deepEqual(await names(`/user/index.json?id=${f.users.gold.id}`), ['gold_user']);
    assert.deepEqual(await names('/user/index.json?id=999999'), []);
  });

  test('name: any part of the name, ignoring case', async () => {
    assert.deepEqual(await names('/user/index.json?name=RANK&order=name'), ['alpha_rank', 'mid_rank', 'zeta_rank']);
    assert.deepEqual(await names('/user/index.json?name=pha_R'), ['alpha_rank']);
    assert.deepEqual(await names('/user/index.json?name=nobody_has_this'), []);
    // LIKE wildcards are literal.
    assert.deepEqual(await names('/user/index.json?name=%25'), []);
  });

  const ORDERS: readonly (readonly [string, string[]])[] = [
    ['name', ['alpha_rank', 'mid_rank', 'zeta_rank']],
    ['posts', ['zeta_rank', 'mid_rank', 'alpha_rank']],
    ['deleted', ['alpha_rank', 'mid_rank', 'zeta_rank']],
    ['taggedits', ['mid_rank', 'zeta_rank', 'alpha_rank']],
    ['date', ['mid_rank', 'alpha_rank', 'zeta_rank']],
    ['record', ['mid_rank', 'alpha_rank', 'zeta_rank']],
    ['nonsense', ['mid_rank', 'alpha_rank', 'zeta_rank']],
  ];
  for (const [order, expected] of ORDERS) {
    test(`order=${order}`, async () => {
      assert.deepEqual(await names(`/user/index.json?name=_rank&order=${order}`), expected);
    });
  }

  test('paging: page and limit (default 75, at most 320)', async () => {
    assert.deepEqual(await names('/user/index.json?name=_rank&order=name&limit=2'), ['alpha_rank', 'mid_rank']);
    assert.deepEqual(await names('/user/index.json?name=_rank&order=name&limit=2&page=2'), ['zeta_rank']);
    assert.deepEqual(await names('/user/index.json?name=_rank&limit=0'), []);
    const all = (await json(null, '/user/index.json')) as unknown as unknown[];
    assert.ok(all.length > 10 && all.length <= 75);
    for (const [query, message] of [
      ['limit=321', 'Limit must be between 0 and 320.'],
      ['limit=abc', 'Invalid limit.'],
      ['page=751', 'You cannot go beyond page 750. Please narrow your search terms.'],
      ['page=x', 'Invalid page number.'],
    ]) {
      const response = await f.request(null, 'GET', `/user/index.json?${query}`);
      assert.equal(response.statusCode, 410, query);
      assert.deepEqual(response.json(), { success: false, message, code: null });
    }
  });

  test('XML index: <users type="array"><user>…</user></users>, the same content', async () => {
    const response = await f.request(null, 'GET', `/user/index.xml?id=${f.users.member.id}`);
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^application\/xml/);
    assert.equal(
      response.body,
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<users type="array">',
        '  <user>',
        '    <name>member_user</name>',
        `    <id type="integer">${f.users.member.id}</id>`,
        '    <level type="integer">20</level>',
        '    <created-at type="dateTime">2024-05-01T08:00:00-04:00</created-at>',
        '    <avatar-id type="integer">77</avatar-id>',
        '    <stats>',
        ...Object.entries(MEMBER_STATS).map(([key, value]) => `      <${key.replaceAll('_', '-')} type="integer">${value}</${key.replaceAll('_', '-')}>`),
        '    </stats>',
        '    <artist-tags type="array">',
        '      <artist-tag>member_art</artist-tag>',
        '      <artist-tag>second_tag</artist-tag>',
        '    </artist-tags>',
        '  </user>',
        '</users>',
        '',
      ].join('\n'),
    );
  });

  test('XML show: a <user> root; nil avatar and empty tags as Rails writes them', async () => {
    const response = await f.request(null, 'GET', `/user/show.xml?id=${f.users.gold.id}`);
    assert.equal(response.statusCode, 200);
    assert.match(response.body, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<user>\n {2}<name>gold_user<\/name>/);
    assert.match(response.body, /<avatar-id type="integer" nil="true"\/>/);
    assert.match(response.body, /<artist-tags type="array"\/>/);
    const empty = await f.request(null, 'GET', '/user/index.xml?id=999999');
    assert.equal(empty.body, '<?xml version="1.0" encoding="UTF-8"?>\n<users type="array"/>\n');
  });

  test('credentials: a wrong key, a banned user and a deleted user get 401', async () => {
    const wrong = await f.app.inject({
      method: 'GET',
      url: `${f.prefix}/user/show.json`,
      headers: { authorization: `Basic ${Buffer.from('member_user:nope').toString('base64')}` },
    });
    assert.equal(wrong.statusCode, 401);
    assert.deepEqual(wrong.json(), { success: false, message: 'SessionLoader::AuthenticationFailure', code: null });
    assert.equal((await f.request('banned', 'GET', '/user/show.json')).statusCode, 401);
    const doomed = await createUser(f.core, SYSTEM, { name: 'doomed_user', level: Level.Member });
    const key = (await createApiKey(f.core, SYSTEM, doomed.id, { name: 'k' })).secret;
    const auth = { authorization: `Basic ${Buffer.from(`doomed_user:${key}`).toString('base64')}` };
    assert.equal((await f.app.inject({ method: 'GET', url: `${f.prefix}/user/show.json`, headers: auth })).statusCode, 200);
    await deleteUser(f.core, SYSTEM, doomed.id);
    assert.equal((await f.app.inject({ method: 'GET', url: `${f.prefix}/user/show.json`, headers: auth })).statusCode, 401);
  });

  test('other formats are refused with 406', async () => {
    const response = await f.request(null, 'GET', '/user/index.html');
    assert.equal(response.statusCode, 406);
    assert.equal(response.json().success, false);
  });
});
