import assert from 'node:assert/strict';
import type { RouteOptions } from 'fastify';
import { after, before, describe, test } from 'node:test';
import { createApiKey } from '../../../src/core/auth/api-keys.js';
import { isScope } from '../../../src/core/auth/scopes.js';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import { buildApp } from '../../../src/app.js';
import { CVAT_SCOPES } from '../../../src/dialects/cvat/scopes.js';
import { cvatFixture, PASSWORD, type CvatFixture } from './http-fixture.js';

const DENIED = { detail: 'You do not have permission to perform this action.' };

describe('CVAT: API key scopes and permitted addresses (core rule, DRF answers)', () => {
  let f: CvatFixture;
  before(async () => {
    // The proxy at 10.0.0.1 is trusted: its X-Forwarded-For names the client.
    f = await cvatFixture({ passwords: ['worker'], env: { ROSTER_TRUST_PROXY: '10.0.0.1' } });
  });
  after(() => f.close());

  const keyFor = async (input: { scopes?: string[]; permittedIps?: string[] }): Promise<string> =>
    (await createApiKey(f.core, SYSTEM, f.users.worker.id, { name: 'limited', ...input })).secret;

  const asKey = (
    secret: string,
    method: 'GET' | 'POST' | 'PATCH',
    path: string,
    options: { payload?: object; remoteAddress?: string; forwardedFor?: string } = {},
  ) =>
    f.app.inject({
      method,
      url: `/cvat${path}`,
      remoteAddress: options.remoteAddress ?? '127.0.0.1',
      headers: { authorization: `Token ${secret}`, ...(options.forwardedFor === undefined ? {} : { 'x-forwarded-for': options.forwardedFor }) },
      ...(options.payload === undefined ? {} : { payload: options.payload }),
    });

  test('a key scoped to users:profile reads /api/users/self and nothing else (403 in DRF words)', async () => {
    const secret = await keyFor({ scopes: ['users:profile'] });
    const self = await asKey(secret, 'GET', '/api/users/self');
    assert.equal(self.statusCode, 200, self.body);
    assert.equal(self.json().username, 'worker_user');
    for (const path of ['/api/users', `/api/users/${f.users.worker.id}`, '/api/organizations', '/api/memberships', '/api/invitations']) {
      const refused = await asKey(secret, 'GET', path);
      assert.equal(refused.statusCode, 403, path);
      assert.deepEqual(refused.json(), DENIED);
    }
    const patched = await asKey(secret, 'PATCH', `/api/users/${f.users.worker.id}`, { payload: { first_name: 'Mallory' } });
    assert.equal(patched.statusCode, 403);
    assert.deepEqual(patched.json(), DENIED);
    assert.equal((await asKey(secret, 'GET', '/api/users/self')).json().first_name, '');
  });

  test('a key scoped to users:index lists users but cannot read itself or write', async () => {
    const secret = await keyFor({ scopes: ['users:index'] });
    assert.equal((await asKey(secret, 'GET', '/api/users')).statusCode, 200);
    assert.equal((await asKey(secret, 'GET', '/api/users/self')).statusCode, 403);
    // Undeclared (405) routes are refused to scoped keys too: DRF checks permissions first.
    assert.equal((await asKey(secret, 'POST', '/api/users')).statusCode, 403);
  });

  test('a scoped key can never mint a wider credential: sign-in, sign-up and password change are refused', async () => {
    const secret = await keyFor({ scopes: ['users:profile', 'users:index'] });
    const sessionsBefore = await f.core.db.selectFrom('sessions').select(f.core.db.fn.countAll().as('n')).executeTakeFirstOrThrow();
    const login = await asKey(secret, 'POST', '/api/auth/login', { payload: { username: 'worker_user', password: PASSWORD } });
    assert.equal(login.statusCode, 403);
    assert.deepEqual(login.json(), DENIED);
    assert.equal(login.headers['set-cookie'], undefined);
    const register = await asKey(secret, 'POST', '/api/auth/register', {
      payload: { username: 'sockpuppet', email: 'sock@example.org', password1: 'a fresh long passphrase', password2: 'a fresh long passphrase' },
    });
    assert.equal(register.statusCode, 403);
    const change = await asKey(secret, 'POST', '/api/auth/password/change', {
      payload: { old_password: PASSWORD, new_password1: 'another long passphrase', new_password2: 'another long passphrase' },
    });
    assert.equal(change.statusCode, 403);
    const sessionsAfter = await f.core.db.selectFrom('sessions').select(f.core.db.fn.countAll().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(sessionsAfter.n), Number(sessionsBefore.n));
    const names = await f.core.db.selectFrom('users').select('name').where('name', '=', 'sockpuppet').execute();
    assert.deepEqual(names, []);
  });

  test('a key with permitted addresses is refused from any other address, on every route', async () => {
    const secret = await keyFor({ permittedIps: ['198.51.100.0/24'] });
    assert.equal((await asKey(secret, 'GET', '/api/users/self', { remoteAddress: '198.51.100.7' })).statusCode, 200);
    for (const path of ['/api/users/self', '/api/users', '/api/organizations']) {
      const refused = await asKey(secret, 'GET', path, { remoteAddress: '203.0.113.7' });
      assert.equal(refused.statusCode, 403, path);
      assert.deepEqual(refused.json(), DENIED);
    }
    // Behind the trusted proxy the forwarded client counts; an untrusted peer's header does not.
    assert.equal((await asKey(secret, 'GET', '/api/users/self', { remoteAddress: '10.0.0.1', forwardedFor: '198.51.100.9' })).statusCode, 200);
    assert.equal((await asKey(secret, 'GET', '/api/users/self', { remoteAddress: '10.0.0.1', forwardedFor: '203.0.113.9' })).statusCode, 403);
    assert.equal((await asKey(secret, 'GET', '/api/users/self', { remoteAddress: '203.0.113.9', forwardedFor: '198.51.100.9' })).statusCode, 403);
  });

  test('every CVAT route that runs an action declares its scope, in the core vocabulary', async () => {
    const app = buildApp(f.core);
    const seen: RouteOptions[] = [];
    app.addHook('onRoute', (route) => void (route.url.startsWith('/cvat/') && seen.push(route)));
    await app.ready();
    await app.close();
    const declared = new Map<string, unknown>();
    for (const route of seen) {
      for (const method of [route.method].flat()) if (method !== 'HEAD') declared.set(`${method} ${route.url.slice('/cvat'.length)}`, route.config?.scope);
    }
    for (const [key, scope] of Object.entries(CVAT_SCOPES)) {
      assert.ok(declared.has(key), `stale entry ${key}`);
      assert.equal(declared.get(key), scope, key);
      assert.ok(scope === null || isScope(scope), key);
    }
    // What is left undeclared only answers 405.
    const undeclared = [...declared].filter(([, scope]) => scope === undefined).map(([key]) => key);
    for (const key of undeclared) {
      const [method, url] = key.split(' ') as ['PUT' | 'POST' | 'PATCH' | 'DELETE', string];
      const response = await f.request('admin', method, url.replace(':id', String(f.users.worker.id)));
      assert.equal(response.statusCode, 405, key);
    }
  });
});
