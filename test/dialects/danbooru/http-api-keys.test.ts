import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { basic, danbooruError, danbooruFixture, form, T0_EASTERN, type DanbooruFixture } from './http-fixture.js';

type Json = Record<string, unknown>;

describe('Danbooru API keys', () => {
  let f: DanbooruFixture;
  before(async () => {
    f = await danbooruFixture();
  });
  after(() => f.close());

  test('create: 201 with the secret this once; the key works within its permissions', async () => {
    const body = form({
      'api_key[name]': 'my script',
      'api_key[permissions][]': 'users:show',
      'api_key[permitted_ip_addresses]': '127.0.0.1\n198.51.100.0/24',
    });
    const response = await f.request('member', 'POST', '/danbooru/api_keys.json', body);
    assert.equal(response.statusCode, 201, response.body);
    const created = response.json() as Json;
    assert.deepEqual(Object.keys(created), [
      'id',
      'user_id',
      'key',
      'created_at',
      'updated_at',
      'name',
      'permissions',
      'permitted_ip_addresses',
      'uses',
      'last_used_at',
      'last_ip_address',
    ]);
    assert.deepEqual(
      { ...created, id: 0, key: '' },
      {
        id: 0,
        user_id: f.users.member.id,
        key: '',
        created_at: T0_EASTERN,
        updated_at: T0_EASTERN,
        name: 'my script',
        permissions: ['users:show'],
        permitted_ip_addresses: ['127.0.0.1', '198.51.100.0/24'],
        uses: 0,
        last_used_at: null,
        last_ip_address: null,
      },
    );
    assert.equal(response.headers.location, `http://localhost:80/danbooru/api_keys/${String(created.id)}`);
    const authorization = basic('member_user', created.key as string);
    assert.equal((await f.app.inject({ method: 'GET', url: `/danbooru/users/${f.users.member.id}.json`, headers: { authorization } })).statusCode, 200);
    assert.equal((await f.app.inject({ method: 'GET', url: '/danbooru/users.json', headers: { authorization } })).statusCode, 403);
  });

  test('list: your own keys, newest first, never a secret', async () => {
    const response = await f.request('member', 'GET', '/danbooru/api_keys.json');
    assert.equal(response.statusCode, 200);
    const keys = response.json() as Json[];
    assert.deepEqual(
      keys.map((key) => key.name),
      ['my script', 'test'],
    );
    assert.ok(keys.every((key) => !('key' in key) && key.user_id === f.users.member.id));
    assert.ok(!response.body.includes(f.keys.member));
    const xml = await f.request('member', 'GET', '/danbooru/api_keys.xml?only=name,permissions');
    assert.equal(
      xml.body,
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<api-keys type="array">',
        '  <api-key>',
        '    <name>my script</name>',
        '    <permissions type="array">',
        '      <permission>users:show</permission>',
        '    </permissions>',
        '  </api-key>',
        '  <api-key>',
        '    <name>test</name>',
        '    <permissions type="array"/>',
        '  </api-key>',
        '</api-keys>',
        '',
      ].join('\n'),
    );
  });

  test("invalid permissions and addresses: 422 under Danbooru's field names", async () => {
    const response = await f.request('other', 'POST', '/danbooru/api_keys.json', {
      payload: { api_key: { name: 'x', permissions: ['not a permission'], permitted_ip_addresses: 'nonsense' } },
    });
    assert.equal(response.statusCode, 422);
    const errors = (response.json() as { errors: Record<string, unknown> }).errors;
    assert.deepEqual(Object.keys(errors).sort(), ['permissions', 'permitted_ip_addresses']);
    assert.equal((await f.request('other', 'POST', '/danbooru/api_keys.json', { payload: { name: 'x' } })).statusCode, 400);
  });

  test("delete: your own key (204, refused from then on); another user's key is not found", async () => {
    const created = (await f.request('other', 'POST', '/danbooru/api_keys.json', { payload: { api_key: { name: 'short lived' } } })).json() as Json;
    const someoneElse = await f.request('member', 'DELETE', `/danbooru/api_keys/${String(created.id)}.json`);
    assert.equal(someoneElse.statusCode, 404);
    assert.equal(danbooruError(someoneElse).error, 'ActiveRecord::RecordNotFound');
    assert.equal((await f.request('other', 'DELETE', `/danbooru/api_keys/${String(created.id)}.json`)).statusCode, 204);
    const refused = await f.app.inject({
      method: 'GET',
      url: '/danbooru/profile.json',
      headers: { authorization: basic('other_user', created.key as string) },
    });
    assert.equal(refused.statusCode, 401);
  });

  test('anonymous callers have no keys to manage', async () => {
    for (const [method, url] of [
      ['GET', '/danbooru/api_keys.json'],
      ['POST', '/danbooru/api_keys.json'],
      ['DELETE', '/danbooru/api_keys/1.json'],
    ] as const) {
      const response = await f.request(null, method, url, { payload: { api_key: { name: 'x' } } });
      // Revoking names a key: one that is not yours reads as not found, as for everyone.
      assert.equal(response.statusCode, method === 'DELETE' ? 404 : 403, `${method} ${url}`);
    }
  });
});
