import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApiKey } from '../../../src/core/auth/api-keys.js';
import { Level } from '../../../src/core/access/levels.js';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import { getUser } from '../../../src/core/users/users.js';
import { basic, e621Fixture, form, type E621Fixture } from './http-fixture.js';

const DENIED = { success: false, reason: 'Access Denied' };

describe('e621: API key scopes and permitted addresses (core rule, e621 answers)', () => {
  let f: E621Fixture;
  before(async () => {
    // The proxy at 10.0.0.1 is trusted: its X-Forwarded-For names the client.
    f = await e621Fixture({ env: { ROSTER_TRUST_PROXY: '10.0.0.1' } });
  });
  after(() => f.close());

  const keyFor = async (input: { scopes?: string[]; permittedIps?: string[] }): Promise<string> =>
    (await createApiKey(f.core, SYSTEM, f.users.member.id, { name: 'limited', ...input })).secret;

  const asKey = (
    secret: string,
    method: 'GET' | 'POST' | 'PATCH',
    url: string,
    peer: { remoteAddress?: string; forwardedFor?: string; payload?: object } = {},
  ) =>
    f.app.inject({
      method,
      url: `/e621${url}`,
      remoteAddress: peer.remoteAddress ?? '127.0.0.1',
      headers: {
        'user-agent': 'roster-tests/1.0 (e621 dialect)',
        authorization: basic(f.users.member.name, secret),
        ...(peer.forwardedFor === undefined ? {} : { 'x-forwarded-for': peer.forwardedFor }),
      },
      ...(peer.payload === undefined ? {} : { payload: peer.payload }),
    });

  test('a key scoped to users:index lists users and is refused elsewhere (403 Access Denied)', async () => {
    const secret = await keyFor({ scopes: ['users:index'] });
    assert.equal((await asKey(secret, 'GET', '/users.json')).statusCode, 200);
    for (const url of [`/users/${f.users.gold.id}.json`, `/user/show.json?id=${f.users.gold.id}`]) {
      const refused = await asKey(secret, 'GET', url);
      assert.equal(refused.statusCode, 403, url);
      assert.deepEqual(refused.json(), DENIED);
    }
    const update = await asKey(secret, 'PATCH', `/users/${f.users.member.id}.json`, { payload: { user: { enable_safe_mode: true } } });
    assert.equal(update.statusCode, 403);
  });

  test('a scoped key can never mint a wider credential: creating an account is refused, nothing is written', async () => {
    const secret = await keyFor({ scopes: ['users:index'] });
    const created = await asKey(secret, 'POST', '/users.json', { payload: { user: { name: 'sock_puppet', password: 'a long fresh passphrase' } } });
    assert.equal(created.statusCode, 403);
    assert.deepEqual(await f.core.db.selectFrom('users').select('id').where('name', '=', 'sock_puppet').execute(), []);
  });

  test('a key with permitted addresses is refused from any other address, on every route', async () => {
    const secret = await keyFor({ permittedIps: ['198.51.100.0/24'] });
    assert.equal((await asKey(secret, 'GET', '/users.json', { remoteAddress: '198.51.100.7' })).statusCode, 200);
    for (const url of ['/users.json', `/users/${f.users.gold.id}.json`, '/user/index.json']) {
      const refused = await asKey(secret, 'GET', url, { remoteAddress: '203.0.113.7' });
      assert.equal(refused.statusCode, 403, url);
      assert.deepEqual(refused.json(), DENIED);
    }
    // Behind the trusted proxy the forwarded client counts; an untrusted peer's header does not.
    assert.equal((await asKey(secret, 'GET', '/users.json', { remoteAddress: '10.0.0.1', forwardedFor: '198.51.100.9' })).statusCode, 200);
    assert.equal((await asKey(secret, 'GET', '/users.json', { remoteAddress: '10.0.0.1', forwardedFor: '203.0.113.9' })).statusCode, 403);
    assert.equal((await asKey(secret, 'GET', '/users.json', { remoteAddress: '203.0.113.9', forwardedFor: '198.51.100.9' })).statusCode, 403);
  });

  const asAdminKey = async (scopes: string[], method: 'PUT' | 'PATCH', url: string, payload: ReturnType<typeof form>) => {
    const { secret } = await createApiKey(f.core, SYSTEM, f.users.admin.id, { name: 'scoped', scopes });
    return f.app.inject({
      method,
      url: `/e621${url}`,
      remoteAddress: '127.0.0.1',
      ...payload,
      headers: { ...payload.headers, 'user-agent': 'roster-tests/1.0 (e621 dialect)', authorization: basic(f.users.admin.name, secret) },
    });
  };

  test('a level change needs admin/users:update, as on Danbooru and native: users:update alone is refused', async () => {
    const url = `/staff/users/${f.users.gold.id}.json`;
    const refused = await asAdminKey(['users:update'], 'PUT', url, form({ 'user[level]': '60' }));
    assert.equal(refused.statusCode, 403);
    assert.deepEqual(refused.json(), DENIED);
    assert.equal((await getUser(f.core, f.users.gold.id)).level, Level.Gold);
    const allowed = await asAdminKey(['admin/users:update'], 'PUT', url, form({ 'user[level]': '60' }));
    assert.equal(allowed.statusCode, 204, allowed.body);
    assert.equal((await getUser(f.core, f.users.gold.id)).level, Level.Approver);
  });

  test('a new email through the settings update needs emails:update, as on Danbooru: users:update alone is refused', async () => {
    const url = `/users/${f.users.admin.id}.json`;
    const refused = await asAdminKey(['users:update'], 'PATCH', url, form({ 'user[email]': 'elsewhere@example.org' }));
    assert.equal(refused.statusCode, 403);
    assert.deepEqual(refused.json(), DENIED);
    assert.equal((await getUser(f.core, f.users.admin.id)).email, f.users.admin.email);
    const settings = await asAdminKey(['users:update'], 'PATCH', url, form({ 'user[comment_threshold]': '-5' }));
    assert.equal(settings.statusCode, 204, settings.body);
    const allowed = await asAdminKey(['users:update', 'emails:update'], 'PATCH', url, form({ 'user[email]': 'elsewhere@example.org' }));
    assert.equal(allowed.statusCode, 204, allowed.body);
    assert.equal((await getUser(f.core, f.users.admin.id)).email, 'elsewhere@example.org');
  });
});
