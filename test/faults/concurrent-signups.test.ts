import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { TEST_ENGINE, type TestCore } from '../support/database.js';
import { openTestApp } from '../support/app.js';

const NAMES = Array.from({ length: 20 }, (_, i) => `racer_${i}`);
const PASSWORD = 'correct horse battery';

/**
 * 200 signups for the same 20 names, all at once: the store's unique index decides, so exactly
 * one signup per name wins and every other gets the dialect's "taken" answer, never a 500.
 */
describe(`200 concurrent signups for 20 names (${TEST_ENGINE})`, () => {
  let core: TestCore;
  let app: FastifyInstance;
  let close: () => Promise<void>;

  before(async () => ({ core, app, close } = await openTestApp()));
  after(() => close());

  const countRacers = async (prefix: string) =>
    (await core.db.selectFrom('users').select('name').where('name', 'like', `${prefix}%`).execute()).map((row) => row.name).sort();

  function tally(responses: readonly LightMyRequestResponse[]): Record<number, number> {
    const statuses: Record<number, number> = {};
    for (const response of responses) statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
    return statuses;
  }

  it('native POST /v1/users: exactly 20 users, 20 × 201 and 180 × 409', async () => {
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        app.inject({ method: 'POST', url: '/v1/users', payload: { name: `n_${NAMES[i % 20]}`, password: PASSWORD }, remoteAddress: `198.51.100.${i % 250}` }),
      ),
    );
    assert.deepEqual(tally(responses), { 201: 20, 409: 180 });
    assert.deepEqual(await countRacers('n_racer_'), NAMES.map((name) => `n_${name}`).sort());
  });

  it('Danbooru POST /users.json (one address each, under the signup limit): exactly 20 users, the rest 422 "already taken"', async () => {
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        app.inject({
          method: 'POST',
          url: '/danbooru/users.json',
          payload: { user: { name: `d_${NAMES[i % 20]}`, password: PASSWORD, password_confirmation: PASSWORD } },
          // Each its own address: Danbooru allows three signups per address per five minutes.
          remoteAddress: `203.0.113.${i % 200}`,
          headers: { 'x-test': String(i) },
        }),
      ),
    );
    const byStatus = tally(responses);
    assert.deepEqual(byStatus, { 201: 20, 422: 180 }, JSON.stringify(responses.find((r) => r.statusCode !== 201 && r.statusCode !== 422)?.body));
    for (const response of responses.filter((r) => r.statusCode === 422)) assert.match(response.body, /already taken|has already been taken/);
    assert.deepEqual(await countRacers('d_racer_'), NAMES.map((name) => `d_${name}`).sort());
  });
});
