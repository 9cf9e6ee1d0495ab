import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { sql } from 'kysely';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { Lifecycle } from '../../src/http/health.js';
import { startServer } from '../../src/server.js';
import { createTestCore, createTestDatabase, TEST_ENGINE, TEST_POSTGRES_URL, type TestCore } from '../support/database.js';

/** Polls `check` until it holds or `ms` pass; for states that settle asynchronously. */
async function eventually(check: () => Promise<boolean>, ms = 10_000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return check();
}

describe('health and readiness', () => {
  let core: TestCore;
  let app: FastifyInstance;
  const lifecycle: Lifecycle = { draining: false };

  before(async () => {
    core = await createTestCore({ env: { ROSTER_READY_TIMEOUT_MS: '2000' } });
    app = buildApp(core, { lifecycle });
    await app.ready();
  });
  after(async () => {
    await app.close();
    await core.dispose();
  });

  test('/healthz answers while the process runs, uncached', async () => {
    const response = await app.inject({ url: '/healthz' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { status: 'ok' });
    assert.equal(response.headers['cache-control'], 'no-store');
  });

  test('/readyz is 200 when the database answers, the schema is current and the feed listens', async () => {
    const response = await app.inject({ url: '/readyz' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { status: 'ready' });
  });

  test('/readyz is 503 while migrations are pending, and 200 once they have run', async () => {
    await sql`delete from roster_migrations where name = '0001-initial'`.execute(core.db);
    const pending = await app.inject({ url: '/readyz' });
    assert.equal(pending.statusCode, 503);
    assert.deepEqual(pending.json(), { status: 'unavailable', reason: 'migrations pending: 0001-initial' });
    await sql`insert into roster_migrations (name, timestamp) values ('0001-initial', ${new Date().toISOString()})`.execute(core.db);
    assert.equal((await app.inject({ url: '/readyz' })).statusCode, 200);
  });

  test('/readyz is 503 while draining; /healthz still answers', async () => {
    lifecycle.draining = true;
    try {
      const response = await app.inject({ url: '/readyz' });
      assert.equal(response.statusCode, 503);
      assert.deepEqual(response.json(), { status: 'unavailable', reason: 'shutting down' });
      assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
    } finally {
      lifecycle.draining = false;
    }
  });

  test('a dialect port answers the probes too', async () => {
    const only = buildApp(core, { only: 'danbooru', lifecycle });
    try {
      assert.equal((await only.inject({ url: '/readyz' })).statusCode, 200);
      assert.equal((await only.inject({ url: '/healthz' })).statusCode, 200);
    } finally {
      await only.close();
    }
  });
});

describe('readiness during a graceful shutdown', () => {
  test('turns 503 as soon as close() begins, before the listener closes', async () => {
    const database = await createTestDatabase();
    const server = await startServer(loadConfig({ ROSTER_DATABASE_URL: database.url, PORT: '0', ROSTER_LOG_LEVEL: 'silent', ROSTER_DRAIN_MS: '1500' }));
    try {
      const url = server.urls[0]!;
      assert.equal((await fetch(`${url}/readyz`)).status, 200);
      const closing = server.close();
      const during = await fetch(`${url}/readyz`);
      assert.equal(during.status, 503);
      assert.deepEqual(await during.json(), { status: 'unavailable', reason: 'shutting down' });
      await closing;
      await assert.rejects(fetch(`${url}/healthz`));
    } finally {
      await server.close();
      await database.drop();
    }
  });
});

if (TEST_ENGINE === 'postgres') {
  describe('readiness when PostgreSQL is unreachable', () => {
    test('503 while no connection can be made, 200 again after recovery', async () => {
      const core = await createTestCore({ env: { ROSTER_READY_TIMEOUT_MS: '2000' } });
      const app = buildApp(core);
      const name = new URL(core.database.url).pathname.slice(1);
      const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await admin.connect();
      try {
        assert.equal((await app.inject({ url: '/readyz' })).statusCode, 200);
        await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
        await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
        const down = await app.inject({ url: '/readyz' });
        assert.equal(down.statusCode, 503);
        assert.match(down.json().reason, /database unreachable|change feed not listening/);
        await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
        assert.ok(await eventually(async () => (await app.inject({ url: '/readyz' })).statusCode === 200), 'ready again after recovery');
      } finally {
        await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`).catch(() => {});
        await admin.end();
        await app.close();
        await core.dispose();
      }
    });
  });
}
