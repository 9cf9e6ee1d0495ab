import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApiKey } from '../../../src/core/auth/api-keys.js';
import { getUser, createUser } from '../../../src/core/users/users.js';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import { basic, danbooruError, danbooruFixture, form, PASSWORD, type DanbooruFixture, type Role } from './http-fixture.js';

type Json = Record<string, unknown>;

describe('Danbooru settings, levels and deletion', () => {
  let f: DanbooruFixture;
  const put = (role: Role | null, id: number, payload: unknown, headers: Record<string, string> = {}) =>
    f.request(role, 'PUT', `/danbooru/users/${id}.json`, { payload, headers });
  const show = async (role: Role, id: number): Promise<Json> => (await f.request(role, 'GET', `/danbooru/users/${id}.json`)).json() as Json;

  before(async () => {
    f = await danbooruFixture();
  });
  after(() => f.close());

  describe('PUT /users/:id', () => {
    test('the user changes their own settings: 204, empty body, X-Rate-Limit', async () => {
      const response = await put(
        'member',
        f.users.member.id,
        form({ 'user[per_page]': '50', 'user[theme]': 'dark', 'user[enable_safe_mode]': 'yes' }).payload,
        form({}).headers,
      );
      assert.equal(response.statusCode, 204, response.body);
      assert.equal(response.body, '');
      const limit = JSON.parse(String(response.headers['x-rate-limit'])) as Json;
      assert.deepEqual(
        { ...limit, limits: undefined },
        { action: 'users:update', cost: 1, rate: 1, burst: 200, minimum_points: -30, enabled: true, limits: undefined },
      );
      const member = await show('member', f.users.member.id);
      assert.deepEqual([member.per_page, member.theme, member.enable_safe_mode], [50, 'dark', true]);
    });

    test('flags are true only with t, 1 or y in them: "on" is false', async () => {
      await put('member', f.users.member.id, { user: { enable_safe_mode: 'on', disable_post_tooltips: '1' } });
      const member = await show('member', f.users.member.id);
      assert.deepEqual([member.enable_safe_mode, member.disable_post_tooltips], [false, true]);
    });

    test('JSON nested under user, JSON column names wrapped, and the query string', async () => {
      assert.equal((await put('member', f.users.member.id, { user: { per_page: 30 } })).statusCode, 204);
      assert.equal((await show('member', f.users.member.id)).per_page, 30);
      assert.equal((await put('member', f.users.member.id, { per_page: 40, enable_safe_mode: 'true' })).statusCode, 204);
      const wrapped = await show('member', f.users.member.id);
      assert.deepEqual([wrapped.per_page, wrapped.enable_safe_mode], [40, false]);
      assert.equal((await f.request('member', 'PATCH', `/danbooru/users/${f.users.member.id}.json?user[per_page]=35`)).statusCode, 204);
      assert.equal((await show('member', f.users.member.id)).per_page, 35);
    });

    test("timestamps follow the viewer's own time zone", async () => {
      assert.equal((await put('gold', f.users.gold.id, { user: { time_zone: 'Tokyo' } })).statusCode, 204);
      assert.equal((await show('gold', f.users.member.id)).created_at, '2024-05-02T01:00:00.123+09:00');
      assert.equal((await show('member', f.users.member.id)).created_at, '2024-05-01T12:00:00.123-04:00');
      assert.equal((await put('gold', f.users.gold.id, { user: { time_zone: 'Eastern Time (US & Canada)' } })).statusCode, 204);
    });

    test('fields that are not settings are ignored', async () => {
      const response = await put('member', f.users.member.id, { user: { level: 60, name: 'renamed', email: 'x@example.org', comment_threshold: '-3' } });
      assert.equal(response.statusCode, 204);
      const member = await show('member', f.users.member.id);
      assert.deepEqual([member.level, member.name, member.comment_threshold], [20, 'member_user', -3]);
    });

    const invalid: [Json, Json][] = [
      [{ per_page: '500' }, { per_page: ['is not included in the list'] }],
      [{ per_page: 'many' }, { per_page: ['is not included in the list'] }],
      [{ comment_threshold: '10' }, { comment_threshold: ['is not included in the list'] }],
      [{ default_image_size: 'huge' }, { default_image_size: ['is not included in the list'] }],
      [{ theme: 'neon' }, { theme: ['is not included in the list'] }],
      [{ time_zone: 'Mars/Olympus' }, { time_zone: ['is not included in the list'] }],
      [{ enable_private_favorites: '1' }, { base: ["Can't enable privacy mode without a Gold account"] }],
    ];
    for (const [user, errors] of invalid) {
      test(`422 for ${JSON.stringify(user)}`, async () => {
        const response = await put('member', f.users.member.id, { user });
        assert.equal(response.statusCode, 422);
        assert.deepEqual(response.json(), { errors });
      });
    }

    test('a user hash is required', async () => {
      const response = await put('member', f.users.member.id, { other: 1 });
      assert.equal(response.statusCode, 400);
      assert.deepEqual(danbooruError(response), {
        error: 'ActionController::ParameterMissing',
        message: 'param is missing or the value is empty: user',
        backtrace: [],
      });
    });

    for (const role of ['other', 'moderator', 'admin', 'owner', null] as const) {
      test(`${role ?? 'anonymous'} may not change the member's settings`, async () => {
        const response = await put(role, f.users.member.id, { user: { per_page: 99 } });
        assert.equal(response.statusCode, 403);
        assert.deepEqual(danbooruError(response), { error: 'Pundit::NotAuthorizedError', message: 'Access denied', backtrace: [] });
      });
    }

    test('Gold and up regain 4 points a second', async () => {
      const response = await put('gold', f.users.gold.id, { user: { per_page: 21 } });
      assert.equal((JSON.parse(String(response.headers['x-rate-limit'])) as Json).rate, 4);
    });

    test('past the burst: 429 RateLimiter::RateLimitError', async () => {
      let response = await put('other', f.users.other.id, { user: { per_page: '0' } });
      for (let i = 0; i < 200 && response.statusCode !== 429; i++) response = await put('other', f.users.other.id, { user: { per_page: '0' } });
      assert.equal(response.statusCode, 429);
      assert.deepEqual(danbooruError(response), {
        error: 'RateLimiter::RateLimitError',
        message: "You're doing that too fast. Wait a minute and try again.",
        backtrace: [],
      });
      const header = JSON.parse(String(response.headers['x-rate-limit'])) as { limits: Record<string, number> };
      assert.deepEqual(Object.keys(header.limits), [`users/${f.users.other.id}`, 'ip/127.0.0.1']);
      assert.ok(Object.values(header.limits).some((points) => points < 0));
      f.clock.now += 60_000;
      assert.equal((await put('other', f.users.other.id, { user: { per_page: '25' } })).statusCode, 204);
    });
  });

  describe('PUT /admin/users/:id', () => {
    const promote = (role: Role | null, id: number, level: unknown) =>
      f.request(role, 'PUT', `/danbooru/admin/users/${id}.json`, { payload: { user: { level } } });

    test('an admin promotes a user below them: 302 to the user', async () => {
      const response = await promote('admin', f.users.member.id, '30');
      assert.equal(response.statusCode, 302);
      assert.equal(response.headers.location, `http://localhost:80/danbooru/users/${f.users.member.id}`);
      assert.equal((await show('member', f.users.member.id)).level_string, 'Gold');
      assert.equal((await promote('admin', f.users.member.id, 'member')).statusCode, 302);
      assert.equal((await show('member', f.users.member.id)).level, 20);
    });

    const refused: [Role | null, Role, unknown][] = [
      ['admin', 'member', 50],
      ['admin', 'member', 60],
      ['admin', 'owner', 20],
      ['admin', 'admin', 40],
      ['moderator', 'member', 30],
      ['gold', 'member', 30],
      ['member', 'member', 30],
      [null, 'member', 30],
    ];
    for (const [role, target, level] of refused) {
      test(`${role ?? 'anonymous'} may not set ${target} to ${String(level)}: 403`, async () => {
        const response = await promote(role, f.users[target].id, level);
        assert.equal(response.statusCode, 403);
        assert.equal(danbooruError(response).message, 'Access denied');
        assert.equal((await getUser(f.core, f.users[target].id)).level, f.users[target].level);
      });
    }

    test('the owner demotes an admin', async () => {
      assert.equal((await promote('owner', f.users.admin.id, 40)).statusCode, 302);
      assert.equal((await getUser(f.core, f.users.admin.id)).level, 40);
      assert.equal((await promote('owner', f.users.admin.id, 50)).statusCode, 302);
    });

    test('a level off the ladder is a 422; no level is a 400', async () => {
      const response = await promote('admin', f.users.member.id, 'banana');
      assert.equal(response.statusCode, 422);
      assert.deepEqual(response.json(), { errors: { level: ['is not a valid level'] } });
      assert.equal((await f.request('admin', 'PUT', `/danbooru/admin/users/${f.users.member.id}.json`, { payload: {} })).statusCode, 400);
    });
  });

  describe('DELETE /users/:id', () => {
    const leaver = async (name: string) => {
      const user = await createUser(f.core, SYSTEM, { name, password: PASSWORD });
      const key = (await createApiKey(f.core, SYSTEM, user.id, { name: 'k' })).secret;
      return { user, authorization: basic(name, key) };
    };
    const destroy = (authorization: string, id: number, password?: string) =>
      f.app.inject({
        method: 'DELETE',
        url: `/danbooru/users/${id}.json`,
        headers: { authorization },
        ...(password === undefined ? {} : { payload: { user: { password } } }),
      });

    test('yourself, with your password: 204, scrubbed to user_<id>, the key gone', async () => {
      const { user, authorization } = await leaver('leaver_one');
      const wrong = await destroy(authorization, user.id, 'not my password');
      assert.equal(wrong.statusCode, 302);
      assert.equal(wrong.headers.location, `http://localhost:80/danbooru/users/${user.id}/deactivate`);
      assert.equal((await destroy(authorization, user.id)).statusCode, 302);
      const response = await destroy(authorization, user.id, PASSWORD);
      assert.equal(response.statusCode, 204, response.body);
      const shown = (await f.app.inject({ method: 'GET', url: `/danbooru/users/${user.id}.json` })).json() as Json;
      assert.deepEqual([shown.name, shown.is_deleted], [`user_${user.id}`, true]);
      assert.equal((await destroy(authorization, user.id, PASSWORD)).statusCode, 401);
    });

    test('staff cannot delete their own account; members and admins cannot delete others', async () => {
      // The seed: "Only the Owner-level user can delete any account": an admin cannot either.
      for (const [role, target] of [
        ['moderator', 'moderator'],
        ['admin', 'admin'],
        ['admin', 'member'],
        ['other', 'member'],
        ['gold', 'member'],
      ] as const) {
        const response = await f.request(role, 'DELETE', `/danbooru/users/${f.users[target].id}.json`, { payload: { user: { password: PASSWORD } } });
        assert.equal(response.statusCode, 403, `${role} → ${target}`);
        assert.equal(danbooruError(response).message, 'Access denied');
      }
    });

    test('the owner deletes an account: 204; a second time redirects; a missing one is 404', async () => {
      const { user } = await leaver('leaver_two');
      assert.equal((await f.request('owner', 'DELETE', `/danbooru/users/${user.id}.json`)).statusCode, 204);
      assert.equal((await getUser(f.core, user.id)).name, `user_${user.id}`);
      assert.equal((await f.request('owner', 'DELETE', `/danbooru/users/${user.id}.json`)).statusCode, 302);
      assert.equal((await f.request('owner', 'DELETE', '/danbooru/users/999999.json')).statusCode, 404);
    });
  });
});
