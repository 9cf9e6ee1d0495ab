import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApiKey } from '../../../src/core/auth/api-keys.js';
import { banUser } from '../../../src/core/moderation/moderation.js';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import { basic, danbooruError, danbooruFixture, type DanbooruFixture } from './http-fixture.js';

const INVALID_KEY = { error: 'SessionLoader::AuthenticationFailure', message: 'Invalid API key', backtrace: [] };
const MISSING = { error: 'SessionLoader::AuthenticationFailure', message: 'Missing `login` or `api_key`', backtrace: [] };
const DENIED = { error: 'User::PrivilegeError', message: 'Access denied', backtrace: [] };

describe('Danbooru credentials, formats and errors', () => {
  let f: DanbooruFixture;
  const anonymous = (url: string, headers: Record<string, string> = {}, remoteAddress?: string) =>
    f.app.inject({ method: 'GET', url, headers, ...(remoteAddress ? { remoteAddress } : {}) });
  const nameOf = (body: string): unknown => (JSON.parse(body) as { name?: unknown }).name;

  before(async () => {
    f = await danbooruFixture();
  });
  after(() => f.close());

  describe('credentials', () => {
    for (const style of ['basic', 'token-scheme', 'query'] as const) {
      test(`a key presented as ${style} signs the user in`, async () => {
        const response = await f.request('member', 'GET', '/danbooru/profile.json', { auth: style });
        assert.equal(response.statusCode, 200, response.body);
        assert.equal(nameOf(response.body), 'member_user');
      });
    }

    test('the login ignores case and reads spaces as underscores', async () => {
      const response = await anonymous(`/danbooru/profile.json?login=${encodeURIComponent('Member User')}&api_key=${f.keys.member}`);
      assert.equal(nameOf(response.body), 'member_user');
    });

    test('login and api_key in a body are not credentials', async () => {
      const response = await f.app.inject({
        method: 'PUT',
        url: `/danbooru/users/${f.users.member.id}.json`,
        payload: { login: 'member_user', api_key: f.keys.member, user: { per_page: 30 } },
      });
      assert.equal(response.statusCode, 403);
      assert.equal(danbooruError(response).error, 'Pundit::NotAuthorizedError');
    });

    const refused: [string, string, Record<string, string>][] = [
      ['a wrong key', '/danbooru/users.json?login=member_user&api_key=wrong', {}],
      ["another user's key", `/danbooru/users.json?login=other_user&api_key=KEY`, {}],
      ['an unknown login', '/danbooru/users.json?login=nobody&api_key=KEY', {}],
      ['a wrong Basic key', '/danbooru/profile.json', { authorization: basic('member_user', 'wrong') }],
      ['Basic that is not base64 login:key', '/danbooru/users.json', { authorization: 'Basic !!!' }],
      ['a bare secret under Bearer', '/danbooru/users.json', { authorization: 'Bearer KEY' }],
      ['an Authorization header without a value', '/danbooru/users.json', { authorization: 'Basic' }],
    ];
    for (const [name, url, headers] of refused) {
      test(`${name}: 401 Invalid API key, even on a public page`, async () => {
        const withKey = (text: string) => text.replace('KEY', f.keys.member);
        const response = await anonymous(withKey(url), Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, withKey(v)])));
        assert.equal(response.statusCode, 401, response.body);
        assert.deepEqual(danbooruError(response), INVALID_KEY);
        assert.equal(response.headers['access-control-allow-origin'], '*');
      });
    }

    for (const query of ['login=member_user', 'api_key=abc', 'login=member_user&api_key=']) {
      test(`only one of login and api_key (${query}): 401 Missing`, async () => {
        const response = await anonymous(`/danbooru/users.json?${query}`);
        assert.equal(response.statusCode, 401);
        assert.deepEqual(danbooruError(response), MISSING);
      });
    }

    test("a banned user's key no longer signs in", async () => {
      const fresh = await danbooruFixture();
      try {
        await banUser(fresh.core, SYSTEM, { userId: fresh.users.other.id, reason: 'x', durationMs: null });
        const response = await fresh.request('other', 'GET', '/danbooru/profile.json');
        assert.equal(response.statusCode, 401);
        assert.deepEqual(danbooruError(response), INVALID_KEY);
      } finally {
        await fresh.close();
      }
    });
  });

  describe('API key restrictions', () => {
    const keyFor = async (scopes: string[], permittedIps: string[] = []) =>
      basic('gold_user', (await createApiKey(f.core, SYSTEM, f.users.gold.id, { name: 'limited', scopes, permittedIps })).secret);

    test('permissions: only the listed actions; others 403 Access denied', async () => {
      const authorization = await keyFor(['users:show', 'users:update']);
      assert.equal((await anonymous(`/danbooru/users/${f.users.gold.id}.json`, { authorization })).statusCode, 200);
      for (const url of ['/danbooru/users.json', '/danbooru/profile.json', '/danbooru/bans.json', '/danbooru/api_keys.json']) {
        const response = await anonymous(url, { authorization });
        assert.equal(response.statusCode, 403, url);
        assert.deepEqual(danbooruError(response), DENIED);
      }
      const update = await f.app.inject({
        method: 'PUT',
        url: `/danbooru/users/${f.users.gold.id}.json`,
        headers: { authorization },
        payload: { user: { per_page: 25 } },
      });
      assert.equal(update.statusCode, 204, update.body);
      const promote = await f.app.inject({
        method: 'PUT',
        url: `/danbooru/admin/users/${f.users.member.id}.json`,
        headers: { authorization },
        payload: { user: { level: 30 } },
      });
      assert.equal(promote.statusCode, 403);
    });

    test('permitted addresses: refused from anywhere else', async () => {
      const authorization = await keyFor([], ['198.51.100.0/24']);
      const outside = await anonymous('/danbooru/profile.json', { authorization });
      assert.equal(outside.statusCode, 403);
      assert.deepEqual(danbooruError(outside), DENIED);
      const inside = await anonymous('/danbooru/profile.json', { authorization }, '198.51.100.7');
      assert.equal(inside.statusCode, 200);
      assert.equal(nameOf(inside.body), 'gold_user');
    });
  });

  describe('formats', () => {
    const cases: [string, Record<string, string>, 'json' | 'xml' | 406][] = [
      ['/danbooru/users', {}, 'json'],
      ['/danbooru/users', { accept: '*/*' }, 'json'],
      ['/danbooru/users', { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' }, 'json'],
      ['/danbooru/users', { accept: 'application/json' }, 'json'],
      ['/danbooru/users', { accept: 'application/xml' }, 'xml'],
      ['/danbooru/users', { accept: 'text/xml' }, 'xml'],
      ['/danbooru/users', { accept: 'application/json;q=0.5, application/xml' }, 'xml'],
      ['/danbooru/users', { accept: 'text/html' }, 406],
      ['/danbooru/users', { accept: 'image/png' }, 406],
      ['/danbooru/users?format=xml', {}, 'xml'],
      ['/danbooru/users.json', { accept: 'application/xml' }, 'json'],
      ['/danbooru/users.JSON', {}, 'json'],
      ['/danbooru/users.xml', {}, 'xml'],
      ['/danbooru/users.html', {}, 406],
      ['/danbooru/users.csv', {}, 406],
      ['/danbooru/users.json.xml', {}, 406],
      ['/danbooru/users/1.atom', {}, 406],
      ['/danbooru/profile.yaml', {}, 406],
    ];
    for (const [url, headers, expected] of cases) {
      test(`${url} ${headers.accept ?? ''} → ${expected}`, async () => {
        const response = await anonymous(url, headers);
        if (expected === 406) {
          assert.equal(response.statusCode, 406);
          assert.deepEqual(danbooruError(response), { error: 'ActionController::UnknownFormat', message: 'ActionController::UnknownFormat', backtrace: [] });
          return;
        }
        assert.equal(response.statusCode, 200, response.body);
        assert.match(String(response.headers['content-type']), expected === 'json' ? /^application\/json; charset=utf-8/ : /^application\/xml; charset=utf-8/);
        if (expected === 'json') assert.ok(Array.isArray(response.json()) || typeof response.json() === 'object');
        else assert.match(response.body, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<(users|user) /);
      });
    }
  });

  describe('errors', () => {
    test('an unknown route: 404 NilClass "Page not found", backtrace null', async () => {
      for (const [method, url] of [
        ['GET', '/danbooru/nothing.json'],
        ['POST', '/danbooru/profile.json'],
        ['GET', '/danbooru/user/index.json'],
      ] as const) {
        const response = await f.app.inject({ method, url });
        assert.equal(response.statusCode, 404, url);
        assert.deepEqual(response.json(), { success: false, error: 'NilClass', message: 'Page not found', backtrace: null });
        assert.equal(response.headers['access-control-allow-origin'], '*');
      }
      const xml = await anonymous('/danbooru/nothing.xml');
      assert.equal(xml.statusCode, 404);
      assert.match(
        xml.body,
        /<result>\n {2}<success type="boolean">false<\/success>\n {2}<error>NilClass<\/error>\n {2}<message>Page not found<\/message>\n {2}<backtrace nil="true"\/>\n<\/result>/,
      );
    });

    test('a 401 in XML', async () => {
      const response = await anonymous('/danbooru/users.xml?login=x&api_key=y');
      assert.equal(response.statusCode, 401);
      assert.match(response.body, /<error>SessionLoader::AuthenticationFailure<\/error>\n {2}<message>Invalid API key<\/message>/);
    });

    test("unreadable requests are 400 in Danbooru's shape, never a 500", async () => {
      const badJson = await f.app.inject({
        method: 'PUT',
        url: `/danbooru/users/${f.users.member.id}.json`,
        headers: { authorization: basic('member_user', f.keys.member), 'content-type': 'application/json' },
        payload: '{"user":',
      });
      assert.equal(badJson.statusCode, 400);
      assert.equal(danbooruError(badJson).error, 'ActionController::BadRequest');
      const nul = await anonymous('/danbooru/users.json?search[name]=a%00b');
      assert.equal(nul.statusCode, 400);
      assert.equal(danbooruError(nul).error, 'ActionController::BadRequest');
      const encoding = await anonymous('/danbooru/users/%E0%A4%A.json');
      assert.equal(encoding.statusCode, 400, encoding.body);
      assert.equal(danbooruError(encoding).error, 'ActionController::BadRequest');
      // Regression: answered before routing, it still carries Danbooru's CORS header.
      assert.equal(encoding.headers['access-control-allow-origin'], '*');
    });
  });

  test('mounted alone at the root of a dialect port', async () => {
    const root = await danbooruFixture({ app: { only: 'danbooru' } });
    try {
      const list = await root.request(null, 'GET', '/users.json?search[level]=20');
      assert.equal(list.statusCode, 200);
      assert.deepEqual(
        (list.json() as { name: string }[]).map((user) => user.name),
        ['other_user', 'member_user'],
      );
      assert.equal(nameOf((await root.request('member', 'GET', '/profile.json')).body), 'member_user');
      const redirect = await root.request(null, 'GET', '/users.xml?name=gold_user');
      assert.equal(redirect.headers.location, `http://localhost:80/users/${root.users.gold.id}.xml`);
      const missing = await root.request(null, 'GET', '/v1/users');
      assert.equal(missing.statusCode, 404);
      assert.deepEqual(missing.json(), { success: false, error: 'NilClass', message: 'Page not found', backtrace: null });
    } finally {
      await root.close();
    }
  });
});
