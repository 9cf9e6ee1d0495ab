import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { User } from '../../../src/core/users/user.js';
import { createUser } from '../../../src/core/users/users.js';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import { danbooruError, danbooruFixture, T0_EASTERN, type DanbooruFixture, type Role } from './http-fixture.js';

type Json = Record<string, unknown>;

describe('Danbooru bans', () => {
  let f: DanbooruFixture;
  let count = 0;
  const target = async (): Promise<User> => createUser(f.core, SYSTEM, { name: `target_${++count}` });
  const ban = (role: Role | null, fields: Record<string, string | number>) => f.request(role, 'POST', '/danbooru/bans.json', { payload: { ban: fields } });

  before(async () => {
    f = await danbooruFixture();
  });
  after(() => f.close());

  test('a moderator bans a member: 201, the ban, Location; the user is banned and their key refused', async () => {
    const response = await ban('moderator', { user_id: f.users.member.id, reason: 'spam', duration: '3d' });
    assert.equal(response.statusCode, 201, response.body);
    const body = response.json() as Json;
    assert.deepEqual(Object.keys(body), ['id', 'user_id', 'reason', 'banner_id', 'duration', 'created_at', 'updated_at']);
    assert.deepEqual(body, {
      id: body.id,
      user_id: f.users.member.id,
      reason: 'spam',
      banner_id: f.users.moderator.id,
      duration: 259_200,
      created_at: T0_EASTERN,
      updated_at: T0_EASTERN,
    });
    assert.equal(response.headers.location, `http://localhost:80/danbooru/bans/${String(body.id)}`);
    const shown = (await f.request(null, 'GET', `/danbooru/users/${f.users.member.id}.json`)).json() as Json;
    assert.equal(shown.is_banned, true);
    assert.equal((await f.request('member', 'GET', '/danbooru/profile.json')).statusCode, 401);
    const again = await ban('moderator', { user_id: f.users.member.id, reason: 'more spam', duration: '1d' });
    assert.equal(again.statusCode, 422);
    assert.deepEqual(again.json(), { errors: { user_id: ['is already banned'] } });
  });

  const durations: [string, number][] = [
    ['1d', 86_400],
    ['7d', 604_800],
    ['1mo', 2_629_746],
    ['3mo', 7_889_238],
    ['6mo', 15_778_476],
    ['1y', 31_556_952],
    ['100y', 3_155_695_200],
    ['P1D', 86_400],
    ['14', 1_209_600],
  ];
  for (const [duration, seconds] of durations) {
    test(`duration ${duration} is ${seconds} seconds`, async () => {
      const user = await target();
      const response = await ban('moderator', { user_name: user.name.toUpperCase(), reason: 'r', duration });
      assert.equal(response.statusCode, 201, response.body);
      assert.equal((response.json() as Json).duration, seconds);
    });
  }

  const invalid: [string, (user: User) => Record<string, string | number>, Json][] = [
    ['no duration', (user) => ({ user_id: user.id, reason: 'r' }), { duration: ["can't be blank"] }],
    ['an unknown duration', (user) => ({ user_id: user.id, reason: 'r', duration: '2 fortnights' }), { duration: ['is not included in the list'] }],
    ['no reason', (user) => ({ user_id: user.id, reason: ' ', duration: '1d' }), { reason: ["can't be blank"] }],
    ['nobody to ban', () => ({ user_name: 'no_such_user', reason: 'r', duration: '1d' }), { user: ['must exist'] }],
    ['a junk id', () => ({ user_id: 'abc', reason: 'r', duration: '1d' }), { user: ['must exist'] }],
  ];
  for (const [name, fields, errors] of invalid) {
    test(`422 for ${name}`, async () => {
      const response = await ban('moderator', fields(await target()));
      assert.equal(response.statusCode, 422, response.body);
      assert.deepEqual(response.json(), { errors });
    });
  }

  const refused: [Role | null, Role][] = [
    ['gold', 'other'],
    ['other', 'gold'],
    ['moderator', 'admin'],
    ['admin', 'owner'],
    [null, 'other'],
  ];
  for (const [role, victim] of refused) {
    test(`${role ?? 'anonymous'} may not ban ${victim}: 403`, async () => {
      const response = await ban(role, { user_id: f.users[victim].id, reason: 'r', duration: '1d' });
      assert.equal(response.statusCode, 403);
      assert.equal(danbooruError(response).message, 'Access denied');
    });
  }

  test('no ban hash: 400', async () => {
    assert.equal((await f.request('moderator', 'POST', '/danbooru/bans.json', { payload: { user_id: 1 } })).statusCode, 400);
  });

  describe('reading and lifting', () => {
    let victim: User;
    let banId: number;
    before(async () => {
      victim = await target();
      const response = await ban('admin', { user_id: victim.id, reason: 'Posting spam links', duration: '7d' });
      banId = (response.json() as Json).id as number;
    });

    const ids = async (query: string): Promise<unknown[]> => {
      const response = await f.request(null, 'GET', `/danbooru/bans.json?${query}`);
      assert.equal(response.statusCode, 200, response.body);
      return (response.json() as Json[]).map((entry) => entry.user_id);
    };

    test('the list is public and newest first; searches narrow it', async () => {
      const all = await ids('');
      assert.equal(all[0], victim.id);
      assert.ok(all.includes(f.users.member.id));
      assert.deepEqual(await ids(`search[user_id]=${victim.id}`), [victim.id]);
      assert.deepEqual(await ids(`search[user_name]=${victim.name.toUpperCase()}`), [victim.id]);
      assert.deepEqual(await ids('search[reason_matches]=spam links'), [victim.id]);
      assert.deepEqual(await ids(`search[banner_name]=admin_user`), [victim.id]);
      assert.deepEqual(await ids(`search[banner_id]=${f.users.admin.id}&search[expired]=false`), [victim.id]);
      assert.deepEqual(await ids('search[expired]=true'), []);
      assert.deepEqual(await ids('search[reason]=nothing like it'), []);
      assert.deepEqual(await ids('limit=1'), [victim.id]);
    });

    test('one ban, in JSON and XML, with only=', async () => {
      const json = await f.request(null, 'GET', `/danbooru/bans/${banId}.json?only=id,duration`);
      assert.deepEqual(json.json(), { id: banId, duration: 604_800 });
      const xml = await f.request(null, 'GET', `/danbooru/bans.xml?search[id]=${banId}&only=id,reason`);
      assert.equal(
        xml.body,
        `<?xml version="1.0" encoding="UTF-8"?>\n<bans type="array">\n  <ban>\n    <id type="integer">${banId}</id>\n    <reason>Posting spam links</reason>\n  </ban>\n</bans>\n`,
      );
      assert.equal((await f.request(null, 'GET', '/danbooru/bans/999999.json')).statusCode, 404);
    });

    test('a moderator lifts it (204); then it is gone', async () => {
      const refused = await f.request('gold', 'DELETE', `/danbooru/bans/${banId}.json`);
      assert.equal(refused.statusCode, 403);
      assert.equal((await f.request('moderator', 'DELETE', `/danbooru/bans/${banId}.json`)).statusCode, 204);
      assert.equal(((await f.request(null, 'GET', `/danbooru/users/${victim.id}.json`)).json() as Json).is_banned, false);
      assert.equal((await f.request(null, 'GET', `/danbooru/bans/${banId}.json`)).statusCode, 404);
      assert.equal((await f.request('moderator', 'DELETE', `/danbooru/bans/${banId}.json`)).statusCode, 404);
      assert.deepEqual(await ids(`search[user_id]=${victim.id}`), []);
    });
  });
});
