import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { createTestCore, type TestCore } from '../support/database.js';

const BASE = 'https://users.example.org/roster';

describe('ROSTER_BASE_URL: Location headers and absolute URLs ignore the Host header', () => {
  let core: TestCore;
  let app: FastifyInstance;
  before(async () => {
    core = await createTestCore({ env: { ROSTER_BASE_URL: `${BASE}/` } });
    app = buildApp(core);
    await app.ready();
  });
  after(async () => {
    await app.close();
    await core.dispose();
  });

  test('Danbooru signup answers 201 with Location on the configured origin, whatever the Host', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/danbooru/users.json',
      headers: { host: 'evil.example', 'x-forwarded-host': 'evil.example' },
      payload: { user: { name: 'based', password: 'hunter2hunter2', password_confirmation: 'hunter2hunter2' } },
    });
    assert.equal(response.statusCode, 201, response.body);
    const id = (response.json() as { id: number }).id;
    assert.equal(response.headers.location, `${BASE}/danbooru/users/${id}`);
  });

  test('redirects (a blank search, a one-result name search) use it too', async () => {
    const blank = await app.inject({ method: 'GET', url: '/danbooru/users.json?search[name]=&limit=5', headers: { host: 'evil.example' } });
    assert.equal(blank.statusCode, 302);
    assert.equal(blank.headers.location, `${BASE}/danbooru/users.json?limit=5`);
  });

  test('the setting is parsed and checked', () => {
    assert.equal(loadConfig({ ROSTER_BASE_URL: 'https://a.example:8443/x/' }).baseUrl, 'https://a.example:8443/x');
    assert.equal(loadConfig({}).baseUrl, null);
    for (const bad of ['not a url', 'ftp://a.example', 'https://a.example/?q=1', 'https://user:pw@a.example']) {
      assert.throws(() => loadConfig({ ROSTER_BASE_URL: bad }), ConfigError, bad);
    }
  });
});

describe("without ROSTER_BASE_URL the request's own host is used", () => {
  test('as before', async () => {
    const core = await createTestCore();
    const app = buildApp(core);
    try {
      await app.ready();
      const blank = await app.inject({ method: 'GET', url: '/danbooru/users.json?search[name]=', headers: { host: 'roster.local:8080' } });
      assert.equal(blank.headers.location, 'http://roster.local:8080/danbooru/users.json');
    } finally {
      await app.close();
      await core.dispose();
    }
  });
});
