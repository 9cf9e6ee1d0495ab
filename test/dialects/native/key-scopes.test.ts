import assert from 'node:assert/strict';
import type { RouteOptions } from 'fastify';
import { after, before, describe, test } from 'node:test';
import { createApiKey } from '../../../src/core/auth/api-keys.js';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import { isScope } from '../../../src/core/auth/scopes.js';
import { NATIVE_SCOPES } from '../../../src/dialects/native/scopes.js';
import { buildApp } from '../../../src/app.js';
import { errorCode, nativeFixture, type NativeFixture } from './fixture.js';

describe('native API: API key scopes, addresses and expiry', () => {
  let f: NativeFixture;
  let clock = Date.UTC(2025, 0, 1);
  before(async () => {
    f = await nativeFixture({ now: () => clock });
  });
  after(() => f.close());

  const asKey = (secret: string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown, remoteAddress = '127.0.0.1') =>
    f.app.inject({
      method,
      url,
      remoteAddress,
      headers: { authorization: `Bearer ${secret}` },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  test('regression: a key limited to users:index cannot mint an unrestricted key', async () => {
    const { secret } = await createApiKey(f.core, SYSTEM, f.users.member.id, { name: 'read only', scopes: ['users:index'] });
    assert.equal((await asKey(secret, 'GET', '/v1/users')).statusCode, 200);
    const minted = await asKey(secret, 'POST', `/v1/users/${f.users.member.id}/api-keys`, { name: 'escalate' });
    assert.equal(minted.statusCode, 403, minted.body);
    assert.equal(errorCode(minted), 'forbidden');
    const listed = await f.request('member', 'GET', `/v1/users/${f.users.member.id}/api-keys`);
    assert.ok(!(listed.json() as { items: { name: string }[] }).items.some((k) => k.name === 'escalate'));
    assert.equal((await asKey(secret, 'GET', '/v1/me')).statusCode, 403);
  });

  test('a key that may create keys still cannot create a wider one', async () => {
    const { secret } = await createApiKey(f.core, SYSTEM, f.users.member.id, { scopes: ['api_keys:create', 'users:index'] });
    const url = `/v1/users/${f.users.member.id}/api-keys`;
    const wider = await asKey(secret, 'POST', url, { name: 'all' });
    assert.equal(wider.statusCode, 403, wider.body);
    const same = await asKey(secret, 'POST', url, { name: 'narrower', scopes: ['users:index'] });
    assert.equal(same.statusCode, 201, same.body);
  });

  test('permitted addresses hold on every native route', async () => {
    const { secret } = await createApiKey(f.core, SYSTEM, f.users.member.id, { permittedIps: ['198.51.100.0/24'] });
    assert.equal((await asKey(secret, 'GET', '/v1/me', undefined, '198.51.100.4')).statusCode, 200);
    assert.equal((await asKey(secret, 'GET', '/v1/me', undefined, '203.0.113.4')).statusCode, 403);
    assert.equal((await asKey(secret, 'GET', '/v1/users', undefined, '203.0.113.4')).statusCode, 403);
  });

  test('an expired key is refused (401)', async () => {
    const { secret } = await createApiKey(f.core, SYSTEM, f.users.member.id, { expiresAt: clock + 1000 });
    assert.equal((await asKey(secret, 'GET', '/v1/me')).statusCode, 200);
    clock += 60_000;
    assert.equal((await asKey(secret, 'GET', '/v1/me')).statusCode, 401);
  });

  test('every native route declares its scope, and declares it in the core vocabulary', async () => {
    const app = buildApp(f.core);
    const seen: RouteOptions[] = [];
    // The native plugin's own onRoute hook runs after this one: read the config once all ran.
    app.addHook('onRoute', (route) => void (route.url.startsWith('/v1/') && seen.push(route)));
    await app.ready();
    await app.close();
    const routes = seen.flatMap((route) =>
      [route.method]
        .flat()
        .filter((m) => m !== 'HEAD')
        .map((method) => ({ method, url: route.url, scope: route.config?.scope })),
    );
    assert.ok(routes.length > 30);
    assert.deepEqual(
      routes.filter((route) => route.scope === undefined),
      [],
    );
    for (const route of routes) assert.ok(route.scope === null || isScope(String(route.scope)), `${route.method} ${route.url}`);
    assert.equal(new Set(routes.map((r) => `${r.method} ${r.url.slice(3)}`)).size, routes.length);
    for (const key of Object.keys(NATIVE_SCOPES)) {
      if (key === 'GET /login-attempts' && !routes.some((r) => r.url === '/v1/login-attempts')) continue;
      assert.ok(
        routes.some((r) => `${r.method} ${r.url.slice(3)}` === key),
        `stale entry ${key}`,
      );
    }
  });
});
