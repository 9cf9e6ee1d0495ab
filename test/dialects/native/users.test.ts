import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { errorCode, nativeFixture, type NativeFixture, type Role } from './fixture.js';

interface UserJson extends Record<string, unknown> {
  id: number;
  name: string;
  level: number;
}
interface PageJson {
  items: UserJson[];
  next_cursor: string | null;
  has_more: boolean;
  total?: number;
}

const SECRET_FIELDS = /password_hash|token_hash|"secret"|"token"/;

describe('native users', () => {
  let f: NativeFixture;
  const list = async (role: Role | null, query: string): Promise<PageJson> => {
    const response = await f.request(role, 'GET', `/v1/users${query}`);
    assert.equal(response.statusCode, 200, response.body);
    return response.json() as PageJson;
  };
  const names = (page: PageJson): string[] => page.items.map((u) => u.name);

  before(async () => {
    f = await nativeFixture();
  });
  after(() => f.close());

  describe('GET /v1/users', () => {
    test('anyone may list; no secrets, and emails only for admins', async () => {
      const anonymous = await f.request(null, 'GET', '/v1/users');
      assert.doesNotMatch(anonymous.body, SECRET_FIELDS);
      assert.ok((anonymous.json() as PageJson).items.every((u) => !('email' in u) && !('preferences' in u)));
      const admin = await list('admin', '');
      assert.ok(admin.items.every((u) => typeof u.email === 'string'));
      assert.ok(admin.items.every((u) => !('preferences' in u) || u.id === f.users.admin.id));
    });

    const cases: [string, string, string[]][] = [
      ['exact name, ignoring case', '?name=MEMBER_USER', ['member_user']],
      ['name prefix', '?name_prefix=mod', ['moderator_user']],
      ['substring', '?q=ber&sort=name', ['member_user']],
      ['level by name', '?level=moderator', ['moderator_user']],
      ['level range by number', '?min_level=40&max_level=50&sort=-level', ['admin_user', 'moderator_user']],
      ['sort by name', '?sort=name', ['admin_user', 'builder_user', 'member_user', 'moderator_user', 'other_user', 'owner_user']],
      ['descending, then name', '?sort=-level,name&limit=3', ['owner_user', 'admin_user', 'moderator_user']],
      ['not banned', '?is_banned=false&name_prefix=o&sort=name', ['other_user', 'owner_user']],
      ['SQL-looking text matches nothing', "?q=' OR 1=1 --", []],
      ['unicode text matches nothing', '?q=%E2%9C%93%F0%9F%98%80', []],
      [
        'a filter expression',
        `?sort=name&filter=${encodeURIComponent(
          JSON.stringify({
            kind: 'or',
            items: [
              { kind: 'cmp', field: 'level', op: 'eq', value: 60 },
              { kind: 'match', field: 'name', mode: 'prefix', value: 'bu' },
            ],
          }),
        )}`,
        ['builder_user', 'owner_user'],
      ],
    ];
    for (const [name, query, expected] of cases) {
      test(name, async () => assert.deepEqual(names(await list(null, query)), expected));
    }

    test('keyset pages cover everything once; count on request', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: PageJson = await list(null, `?sort=name&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        seen.push(...names(page));
        cursor = page.next_cursor;
      } while (cursor);
      assert.deepEqual(seen, [...seen].sort());
      assert.equal(new Set(seen).size, 6);
      const counted = await list('member', '?limit=1&count=true');
      assert.equal(counted.total, 6);
      assert.equal(counted.has_more, true);
      assert.equal((await list(null, '?limit=1')).total, undefined);
    });

    test('offset pages', async () => {
      assert.deepEqual(names(await list(null, '?sort=name&offset=2&limit=2')), ['member_user', 'moderator_user']);
    });

    const refused: [string, string, string][] = [
      ['unknown sort field', '?sort=password', 'invalid_param'],
      ['malformed sort', '?sort=name;drop', 'invalid_param'],
      ['cursor and offset', '?cursor=abc&offset=1', 'invalid_param'],
      ['tampered cursor', '?cursor=eyJ2IjoxfQ', 'invalid_param'],
      ['limit out of range', '?limit=1001', 'invalid_param'],
      ['unknown level', '?level=emperor', 'invalid_param'],
      ['unknown parameter', '?password=x', 'invalid_param'],
      ['filter that is not JSON', '?filter=%7Bnope', 'invalid_param'],
      ['filter of the wrong shape', `?filter=${encodeURIComponent('{"kind":"cmp","field":"id"}')}`, 'invalid_param'],
      ['filter on a hidden field', `?filter=${encodeURIComponent('{"kind":"cmp","field":"email","op":"eq","value":"admin@example.org"}')}`, 'invalid_param'],
      [
        'deeply nested filter',
        `?filter=${encodeURIComponent('{"kind":"not","item":'.repeat(60) + '{"kind":"const","value":true}' + '}'.repeat(60))}`,
        'invalid_param',
      ],
    ];
    for (const [name, query, code] of refused) {
      test(`refuses ${name}`, async () => {
        const response = await f.request(null, 'GET', `/v1/users${query}`);
        assert.equal(response.statusCode, 400, response.body);
        assert.equal(errorCode(response), code);
      });
    }

    test('admins may filter on email', async () => {
      const filter = encodeURIComponent('{"kind":"match","field":"email","mode":"exact","value":"ADMIN@example.org"}');
      assert.deepEqual(names(await list('admin', `?filter=${filter}`)), ['admin_user']);
    });
  });

  describe('GET /v1/users/:id and /v1/me', () => {
    test('by id or uuid', async () => {
      const byId = await f.request(null, 'GET', `/v1/users/${f.users.member.id}`);
      assert.equal(byId.statusCode, 200);
      const byUuid = await f.request(null, 'GET', `/v1/users/${f.users.member.uuid.toUpperCase()}`);
      assert.deepEqual(byUuid.json(), byId.json());
      assert.equal(byId.json().level_name, 'Member');
    });

    test('missing and malformed ids', async () => {
      const missing = await f.request(null, 'GET', '/v1/users/999999');
      assert.equal(missing.statusCode, 404);
      assert.equal(errorCode(missing), 'not_found');
      for (const id of ['abc', '0', '-1', '1e3', `${'9'.repeat(40)}`, "1'%20OR%201=1"]) {
        const response = await f.request(null, 'GET', `/v1/users/${id}`);
        assert.equal(response.statusCode, 400, id);
        assert.equal(errorCode(response), 'invalid_param');
      }
    });

    test('what each viewer sees of a member', async () => {
      const seen = async (role: Role | null) => (await f.request(role, 'GET', `/v1/users/${f.users.member.id}`)).json() as UserJson;
      const anonymous = await seen(null);
      for (const hidden of ['email', 'preferences', 'server_metadata', 'last_ip_addr', 'client_read_only_metadata']) assert.ok(!(hidden in anonymous), hidden);
      const other = await seen('other');
      assert.ok(!('email' in other) && !('preferences' in other));
      const self = await seen('member');
      assert.equal(self.email, 'member@example.org');
      assert.ok('preferences' in self && !('server_metadata' in self));
      const moderator = await seen('moderator');
      assert.ok('last_ip_addr' in moderator && !('email' in moderator));
      const admin = await seen('admin');
      assert.ok('email' in admin && 'server_metadata' in admin && !('preferences' in admin));
    });

    test('/v1/me is the signed-in user; anonymous gets 401', async () => {
      const me = await f.request('builder', 'GET', '/v1/me');
      assert.equal(me.json().id, f.users.builder.id);
      assert.ok('preferences' in me.json());
      const anonymous = await f.request(null, 'GET', '/v1/me');
      assert.equal(anonymous.statusCode, 401);
      assert.equal(anonymous.headers['www-authenticate'], 'Bearer');
    });

    test('a bad key is refused with the same 401 as a missing one would be, even on public routes', async () => {
      for (const authorization of ['Bearer nope', 'Bearer ' + 'x'.repeat(300), 'Basic Zm9vOmJhcg==', 'Bearer']) {
        const response = await f.app.inject({ url: '/v1/users', headers: { authorization } });
        assert.equal(response.statusCode, 401, authorization);
        assert.deepEqual(response.json(), { error: { code: 'unauthenticated', message: 'Authentication failed', details: {} } });
      }
    });
  });
});
