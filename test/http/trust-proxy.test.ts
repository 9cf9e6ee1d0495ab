import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { listLoginAttempts } from '../../src/core/auth/login-attempts.js';
import { LOGIN_LIMITS } from '../../src/core/auth/login-throttle.js';
import { createUser } from '../../src/core/users/users.js';
import { SYSTEM } from '../../src/core/access/viewer.js';
import { buildApp } from '../../src/app.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { createTestCore, type TestCore } from '../support/database.js';

const PROXY = '10.1.2.3';
const PASSWORD = 'a quiet evening walk';

describe('ROSTER_TRUST_PROXY: per-address limits see the real client behind a trusted proxy', () => {
  let core: TestCore;
  let app: FastifyInstance;
  before(async () => {
    core = await createTestCore({ env: { ROSTER_TRUST_PROXY: '10.0.0.0/8, ::1' } });
    await createUser(core, SYSTEM, { name: 'gina', password: PASSWORD });
    app = buildApp(core);
    await app.ready();
  });
  after(async () => {
    await app.close();
    await core.dispose();
  });

  const signIn = (password: string, remoteAddress: string, forwardedFor?: string) =>
    app.inject({
      method: 'POST',
      url: '/v1/sessions',
      remoteAddress,
      headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
      payload: { login: 'gina', password },
    });

  test('the login throttle counts the client named by the trusted proxy, not the proxy', async () => {
    const attacker = '198.51.100.66';
    for (let i = 0; i < LOGIN_LIMITS.accountAndAddress; i += 1) assert.equal((await signIn(`guess ${i}`, PROXY, attacker)).statusCode, 401);
    assert.equal((await signIn(PASSWORD, PROXY, attacker)).statusCode, 429, 'the attacker is throttled');
    const real = await signIn(PASSWORD, PROXY, '192.0.2.10');
    assert.equal(real.statusCode, 201, 'another client behind the same proxy is not');
    const attempts = await listLoginAttempts(core, SYSTEM, { limit: 1 });
    assert.equal(attempts.items[0]?.ip, '192.0.2.10', 'the attempt is recorded with the real client');
  });

  test('a forwarded-for header from an untrusted peer is ignored', async () => {
    const peer = '203.0.113.200';
    for (let i = 0; i < LOGIN_LIMITS.accountAndAddress; i += 1) {
      assert.equal((await signIn(`spoof ${i}`, peer, `192.0.2.${100 + i}`)).statusCode, 401);
    }
    assert.equal((await signIn(PASSWORD, peer, '192.0.2.250')).statusCode, 429, 'rotating the header does not dodge the limit');
  });

  test('Danbooru signup rate limits see the real client', async () => {
    const signup = (name: string, client: string) =>
      app.inject({
        method: 'POST',
        url: '/danbooru/users.json',
        remoteAddress: PROXY,
        headers: { 'x-forwarded-for': `${client}, ${PROXY}` },
        payload: { user: { name, password: 'hunter2hunter2', password_confirmation: 'hunter2hunter2' } },
      });
    for (const name of ['proxied_a', 'proxied_b', 'proxied_c']) assert.equal((await signup(name, '198.51.100.1')).statusCode, 201);
    assert.equal((await signup('proxied_d', '198.51.100.1')).statusCode, 429);
    assert.equal((await signup('proxied_e', '198.51.100.2')).statusCode, 201);
  });

  test('the setting is parsed and checked', () => {
    assert.deepEqual(loadConfig({ ROSTER_TRUST_PROXY: '10.0.0.0/8,192.168.1.1, 2001:db8::/32' }).trustProxy, ['10.0.0.0/8', '192.168.1.1', '2001:db8::/32']);
    assert.deepEqual(loadConfig({}).trustProxy, []);
    for (const bad of ['10.0.0.0/33', 'proxy.local', '1.2.3.4/8/9', '::1/129']) assert.throws(() => loadConfig({ ROSTER_TRUST_PROXY: bad }), ConfigError, bad);
  });
});

describe('without ROSTER_TRUST_PROXY every client behind a proxy is one address', () => {
  test('forwarded-for is ignored', async () => {
    const core = await createTestCore();
    const app = buildApp(core);
    try {
      await app.ready();
      const seen = await app.inject({ method: 'GET', url: '/v1/me', remoteAddress: PROXY, headers: { 'x-forwarded-for': '192.0.2.1' } });
      assert.equal(seen.statusCode, 401);
      await app.inject({
        method: 'POST',
        url: '/v1/sessions',
        remoteAddress: PROXY,
        headers: { 'x-forwarded-for': '192.0.2.1' },
        payload: { login: 'x', password: 'y' },
      });
      assert.equal((await listLoginAttempts(core, SYSTEM, { limit: 1 })).items[0]?.ip, PROXY);
    } finally {
      await app.close();
      await core.dispose();
    }
  });
});
