import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApiKey } from '../../../src/core/auth/api-keys.js';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import { civitaiFixture, type CivitaiFixture } from './fixture.js';

describe('Civitai: API key scopes and permitted addresses (core rule, Civitai answers)', () => {
  let f: CivitaiFixture;
  let userId: number;
  before(async () => {
    // The proxy at 10.0.0.1 is trusted: its X-Forwarded-For names the client.
    f = await civitaiFixture({ env: { ROSTER_TRUST_PROXY: '10.0.0.1' } });
    userId = (await f.user('scoped_owner')).user.id;
  });
  after(() => f.close());

  const keyFor = async (input: { scopes?: string[]; permittedIps?: string[] }): Promise<string> =>
    (await createApiKey(f.core, SYSTEM, userId, { name: 'limited', ...input })).secret;

  const asKey = (
    secret: string,
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    peer: { remoteAddress?: string; forwardedFor?: string } = {},
  ) =>
    f.app.inject({
      method,
      url: `/civitai${path}`,
      remoteAddress: peer.remoteAddress ?? '127.0.0.1',
      headers: { authorization: `Bearer ${secret}`, ...(peer.forwardedFor === undefined ? {} : { 'x-forwarded-for': peer.forwardedFor }) },
    });

  test('a key scoped to users:profile reads /api/v1/me; a key without it gets 403 {"error":"Forbidden"}', async () => {
    const allowed = await asKey(await keyFor({ scopes: ['users:profile'] }), 'GET', '/api/v1/me');
    assert.equal(allowed.statusCode, 200, allowed.body);
    assert.equal(allowed.json().id, userId);
    const refused = await asKey(await keyFor({ scopes: ['users:index'] }), 'GET', '/api/v1/me');
    assert.equal(refused.statusCode, 403);
    assert.deepEqual(refused.json(), { error: 'Forbidden' });
  });

  test('the public user list never reads the key: a scoped key sees exactly what an anonymous caller sees', async () => {
    const secret = await keyFor({ scopes: ['users:profile'] });
    const withKey = await asKey(secret, 'GET', '/api/v1/users?query=scoped');
    const anonymous = await f.request('GET', '/api/v1/users?query=scoped');
    assert.equal(withKey.statusCode, 200);
    assert.deepEqual(withKey.json(), anonymous.json());
  });

  test('a scoped key can never mint a wider credential: no Civitai route writes one', async () => {
    const secret = await keyFor({ scopes: ['users:profile'] });
    const count = async (table: 'api_keys' | 'sessions') =>
      Number((await f.core.db.selectFrom(table).select(f.core.db.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const before = { keys: await count('api_keys'), sessions: await count('sessions') };
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
      assert.equal((await asKey(secret, method, '/api/v1/me')).statusCode, 405, method);
      assert.equal((await asKey(secret, method, '/api/v1/users')).statusCode, 200, method);
    }
    assert.deepEqual({ keys: await count('api_keys'), sessions: await count('sessions') }, before);
  });

  test('a key with permitted addresses is refused (403) from any other address', async () => {
    const secret = await keyFor({ permittedIps: ['198.51.100.0/24'] });
    assert.equal((await asKey(secret, 'GET', '/api/v1/me', { remoteAddress: '198.51.100.7' })).statusCode, 200);
    const refused = await asKey(secret, 'GET', '/api/v1/me', { remoteAddress: '203.0.113.7' });
    assert.equal(refused.statusCode, 403);
    assert.deepEqual(refused.json(), { error: 'Forbidden' });
    // Behind the trusted proxy the forwarded client counts; an untrusted peer's header does not.
    assert.equal((await asKey(secret, 'GET', '/api/v1/me', { remoteAddress: '10.0.0.1', forwardedFor: '198.51.100.9' })).statusCode, 200);
    assert.equal((await asKey(secret, 'GET', '/api/v1/me', { remoteAddress: '10.0.0.1', forwardedFor: '203.0.113.9' })).statusCode, 403);
    assert.equal((await asKey(secret, 'GET', '/api/v1/me', { remoteAddress: '203.0.113.9', forwardedFor: '198.51.100.9' })).statusCode, 403);
  });
});
