import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { SYSTEM } from '../../src/core/access/viewer.js';
import { createUser } from '../../src/core/users/users.js';
import { createTestCore, TEST_ENGINE, type TestCore } from '../support/database.js';

/**
 * A search holds a pooled PostgreSQL connection until it ends, up to its 3 s statement timeout.
 * Searches may hold two fewer connections than the pool has, so that a burst of slow searches
 * never leaves a lookup, a sign-in or a write without one: the searches past that wait their turn.
 */
describe(`search slots (${TEST_ENGINE})`, () => {
  let core: TestCore;
  let app: FastifyInstance;
  let userId: number;
  before(async () => {
    core = await createTestCore({ env: { ROSTER_PG_POOL_SIZE: '3' } });
    userId = (await createUser(core, SYSTEM, { name: 'slot_holder' })).id;
    app = buildApp(core);
    await app.ready();
  });
  after(async () => {
    await app.close();
    await core.dispose();
  });

  if (TEST_ENGINE === 'sqlite') {
    test('SQLite runs every statement to its end on one connection: no slots', () => {
      assert.equal(core.searchSlots, null);
    });
    return;
  }

  test('a pool of 3 lets one search hold a connection at once', () => {
    assert.equal(core.searchSlots?.limit, 1);
  });

  test('while every search slot is taken, lookups still answer and a search waits for the slot', async () => {
    const slots = core.searchSlots!;
    let release!: () => void;
    const held = slots.run(() => new Promise<void>((resolve) => (release = resolve)));
    try {
      let searched = false;
      const search = app.inject({ url: '/v1/users?name_prefix=slot' }).then((response) => {
        searched = true;
        return response;
      });
      const lookup = await app.inject({ url: `/v1/users/${userId}` });
      assert.equal(lookup.statusCode, 200, lookup.body);
      await sleep(200);
      assert.equal(searched, false, 'the search ran without a slot');
      assert.equal(slots.queued, 1);
      release();
      const response = await search;
      assert.equal(response.statusCode, 200, response.body);
      assert.deepEqual(
        (response.json() as { items: { name: string }[] }).items.map((user) => user.name),
        ['slot_holder'],
      );
    } finally {
      release();
      await held;
    }
  });
});
