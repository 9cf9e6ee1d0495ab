import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../src/app.js';
import { openCore, type OpenCore } from '../../../src/core/create-core.js';
import { createTestDatabase, TEST_ENGINE, testConfig, type TestDatabase } from '../../support/database.js';
import { danbooruError, form } from './http-fixture.js';

/**
 * Danbooru keeps its rate limits in its database, so every server of a site spends one budget.
 * On PostgreSQL two instances (two cores, two apps) share the buckets through the database; on
 * SQLite one process serves, and its apps share the core's buckets.
 */
describe(`Danbooru rate limits are one budget across instances (${TEST_ENGINE})`, () => {
  let database: TestDatabase;
  let cores: OpenCore[];
  let apps: FastifyInstance[];
  const clock = { now: Date.UTC(2024, 4, 1) };

  before(async () => {
    database = await createTestDatabase();
    const first = await openCore(testConfig(database.url), { now: () => clock.now });
    const second = TEST_ENGINE === 'postgres' ? await openCore(testConfig(database.url), { now: () => clock.now, migrate: false }) : first;
    cores = [...new Set([first, second])];
    apps = [buildApp(first), buildApp(second)];
    for (const app of apps) await app.ready();
  });
  after(async () => {
    for (const app of apps) await app.close();
    for (const core of cores) await core.close();
    await database.drop();
  });

  const signup = (app: FastifyInstance, name: string) =>
    app.inject({
      method: 'POST',
      url: '/danbooru/users.json',
      remoteAddress: '198.51.100.7',
      ...form({ 'user[name]': name, 'user[password]': 'hunter2hunter2', 'user[password_confirmation]': 'hunter2hunter2' }),
    });

  test('three signups from one address, spread over two instances, then 429 from either', async () => {
    const [a, b] = apps as [FastifyInstance, FastifyInstance];
    assert.equal((await signup(a, 'shared_1')).statusCode, 201);
    assert.equal((await signup(b, 'shared_2')).statusCode, 201);
    assert.equal((await signup(a, 'shared_3')).statusCode, 201);
    const limited = await signup(b, 'shared_4');
    assert.equal(limited.statusCode, 429);
    assert.equal(danbooruError(limited).error, 'RateLimiter::RateLimitError');
    const header = JSON.parse(String(limited.headers['x-rate-limit'])) as { limits: Record<string, number> };
    assert.ok((header.limits['ip/198.51.100.7'] ?? 0) < 0);
    assert.equal((await signup(a, 'shared_4')).statusCode, 429);
  });
});
