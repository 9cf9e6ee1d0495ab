import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { errorCode, nativeFixture, type NativeFixture, type Role } from './fixture.js';

describe('native API keys', () => {
  let f: NativeFixture;
  before(async () => {
    f = await nativeFixture();
  });
  after(() => f.close());

  test('create shows the secret once; it authenticates; lists never show it; revoking stops it', async () => {
    const created = await f.request('builder', 'POST', `/v1/users/${f.users.builder.id}/api-keys`, { name: 'ci ✓', scopes: ['users:profile'] });
    assert.equal(created.statusCode, 201, created.body);
    const { api_key: apiKey, secret } = created.json() as { api_key: { id: number; token_hint: string; scopes: string[] }; secret: string };
    assert.ok(secret.length >= 22);
    assert.ok(secret.endsWith(apiKey.token_hint));
    assert.deepEqual(apiKey.scopes, ['users:profile']);

    const me = await f.app.inject({ url: '/v1/me', headers: { authorization: `Bearer ${secret}` } });
    assert.equal(me.json().id, f.users.builder.id);

    const listed = await f.request('builder', 'GET', `/v1/users/${f.users.builder.id}/api-keys`);
    assert.equal(listed.statusCode, 200);
    assert.equal(listed.json().items.length, 2);
    assert.doesNotMatch(listed.body, new RegExp(secret));
    assert.doesNotMatch(listed.body, /token_hash|"secret"/);

    const revoked = await f.request('builder', 'DELETE', `/v1/api-keys/${apiKey.id}`);
    assert.equal(revoked.statusCode, 200, revoked.body);
    assert.equal(typeof revoked.json().revoked_at, 'number');
    assert.equal((await f.app.inject({ url: '/v1/me', headers: { authorization: `Bearer ${secret}` } })).statusCode, 401);
  });

  const refused: [string, Role | null, Role][] = [
    ['anonymous', null, 'member'],
    ['another member', 'other', 'member'],
    ['a moderator', 'moderator', 'member'],
    ['an admin, on the owner', 'admin', 'owner'],
  ];
  for (const [name, role, target] of refused) {
    test(`${name} may not list, create or revoke ${target === 'owner' ? "the owner's" : "a member's"} keys`, async () => {
      const url = `/v1/users/${f.users[target].id}/api-keys`;
      assert.equal((await f.request(role, 'GET', url)).statusCode, 403);
      assert.equal((await f.request(role, 'POST', url, {})).statusCode, 403);
      const keys = await f.request(target, 'GET', url);
      const keyId = (keys.json() as { items: { id: number }[] }).items[0]!.id;
      assert.ok([403, 404].includes((await f.request(role, 'DELETE', `/v1/api-keys/${keyId}`)).statusCode));
      assert.equal((await f.request(target, 'GET', url)).json().items.length, keys.json().items.length, 'nothing revoked');
    });
  }

  for (const role of ['admin', 'owner'] as const) {
    test(`${role === 'admin' ? 'an admin' : 'an owner'} lists and revokes a member's keys (never sees a secret, never creates one)`, async () => {
      const url = `/v1/users/${f.users.builder.id}/api-keys`;
      const created = await f.request('builder', 'POST', url, { name: `for ${role}` });
      assert.equal(created.statusCode, 201, created.body);
      const {
        api_key: { id },
        secret,
      } = created.json() as { api_key: { id: number }; secret: string };
      assert.equal((await f.request(role, 'POST', url, {})).statusCode, 403, 'staff never create keys for someone else');
      const listed = await f.request(role, 'GET', url);
      assert.equal(listed.statusCode, 200, listed.body);
      assert.doesNotMatch(listed.body, /token_hash|"secret"/);
      assert.ok(!listed.body.includes(secret), 'the list never holds a secret');
      assert.ok((listed.json() as { items: { id: number }[] }).items.some((key) => key.id === id));
      const revoked = await f.request(role, 'DELETE', `/v1/api-keys/${id}`);
      assert.equal(revoked.statusCode, 200, revoked.body);
      assert.equal((await f.app.inject({ url: '/v1/me', headers: { authorization: `Bearer ${secret}` } })).statusCode, 401);
      const audit = await f.request('owner', 'GET', `/v1/audit-log?target_user_id=${f.users.builder.id}&action=api_key.revoke`);
      const entries = (audit.json() as { items: { actor_id: number; subject_id: number }[] }).items;
      assert.ok(
        entries.some((entry) => entry.subject_id === id && entry.actor_id === f.users[role].id),
        'the revocation is audited with its actor',
      );
    });
  }

  test('bad key settings are refused with the fields named', async () => {
    const url = `/v1/users/${f.users.member.id}/api-keys`;
    const scopes = await f.request('member', 'POST', url, { scopes: ["users:index'; --"] });
    assert.equal(scopes.statusCode, 422);
    assert.ok(scopes.json().error.details.fields.scopes);
    const ips = await f.request('member', 'POST', url, { permitted_ips: ['not an ip'] });
    assert.equal(ips.statusCode, 422);
    const past = await f.request('member', 'POST', url, { expires_at: 1 });
    assert.equal(past.statusCode, 422);
    const wrongType = await f.request('member', 'POST', url, { scopes: 'users:index' });
    assert.equal(wrongType.statusCode, 400);
    assert.equal(errorCode(wrongType), 'invalid_param');
  });
});
