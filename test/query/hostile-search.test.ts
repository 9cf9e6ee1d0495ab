import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SYSTEM } from '../../src/core/access/viewer.js';
import { CoreError } from '../../src/core/errors.js';
import { createUser } from '../../src/core/users/users.js';
import { BUDGET_STRIDE, STRIDED_BUDGET_MIN } from '../../src/db/row-budget.js';
import { seedUsers } from '../../src/ops/seed.js';
import { and, eq, exists, match, TRUE, type Filter } from '../../src/query/ast.js';
import { MAX_OFFSET } from '../../src/query/pages.js';
import { searchIds, type PageRequest, type SearchContext } from '../../src/query/search.js';
import { createTestCore, type TestCore } from '../support/database.js';

/**
 * Issue 6: the bounds that keep one search from holding the event loop, shown by behaviour
 * (the refusal), never by timing.
 */
describe('bounds on hostile searches', () => {
  let core: TestCore;
  const FIRST: PageRequest = { kind: 'offset', limit: 20, offset: 0 };
  const context = (extra: Partial<SearchContext> = {}): SearchContext => ({
    db: core.db,
    caps: core.caps,
    now: core.now(),
    tier: 'public',
    slots: core.searchSlots,
    ...extra,
  });
  const refusal = async (run: () => Promise<unknown>): Promise<CoreError> => {
    try {
      await run();
    } catch (error) {
      if (error instanceof CoreError) return error;
      throw error;
    }
    assert.fail('the search was not refused');
  };

  before(async () => {
    core = await createTestCore();
    for (const name of ['alice', 'bob', 'carol']) await createUser(core, SYSTEM, { name, level: 20, password: null });
  });
  after(() => core.dispose());

  test('SQLite: a search statement that examines more rows than its budget is aborted, with the timeout answer', async () => {
    // Every row qualifies; newest first, a page of 20 examines all three.
    const run = (rows: number, filter: Filter = TRUE) => searchIds(context({ budget: { rows } }), { entity: 'users', filter, sort: [], page: FIRST });
    if (!core.caps.rowBudget) {
      // PostgreSQL runs statements off the event loop under `statement_timeout` instead.
      assert.equal((await run(2)).ids.length, 3);
      return;
    }
    const error = await refusal(() => run(2));
    assert.equal(error.code, 'invalid_param');
    assert.equal(error.details.problem, 'query_timeout');
    assert.equal(error.message, 'The database timed out running your query.');
    assert.equal((await run(3)).ids.length, 3);
    assert.equal((await searchIds(context(), { entity: 'users', filter: TRUE, sort: [], page: FIRST })).ids.length, 3);
  });

  test('SQLite: a regular expression costs ten rows of the budget', async () => {
    const regex = match('name', 'regex', 'o', true);
    const run = (rows: number) => searchIds(context({ budget: { rows } }), { entity: 'users', filter: regex, sort: [], page: FIRST });
    if (!core.caps.rowBudget) return assert.equal((await run(32)).ids.length, 2);
    assert.equal((await refusal(() => run(32))).details.problem, 'query_timeout');
    assert.deepEqual((await run(33)).ids.length, 2);
  });

  test('SQLite: under a large budget every 64th id pays for 64 rows, so a scan is counted within one stride', async () => {
    const big = await createTestCore();
    try {
      await seedUsers(big, SYSTEM, { users: STRIDED_BUDGET_MIN + 1000, randomSeed: 7 });
      // No index serves comment_count: the scan examines every row, ids 1 to maxId.
      const maxId = (
        await big.db
          .selectFrom('users')
          .select((eb) => eb.fn.max('id').as('max'))
          .executeTakeFirstOrThrow()
      ).max;
      const charged = Math.floor(maxId / BUDGET_STRIDE) * BUDGET_STRIDE;
      const run = (rows: number) =>
        searchIds(
          { db: big.db, caps: big.caps, now: big.now(), tier: 'public', slots: big.searchSlots, budget: { rows } },
          { entity: 'users', filter: eq('comment_count', -1), sort: [], page: FIRST },
        );
      if (!big.caps.rowBudget) return assert.deepEqual((await run(STRIDED_BUDGET_MIN)).ids, []);
      assert.ok(charged - 1 >= STRIDED_BUDGET_MIN && maxId - charged < BUDGET_STRIDE);
      assert.equal((await refusal(() => run(charged - 1))).details.problem, 'query_timeout');
      assert.deepEqual((await run(charged)).ids, []);
    } finally {
      await big.dispose();
    }
  });

  test('SQLite: a subquery counts its rows one by one, so related rows examined again for every outer row cannot go uncounted', async () => {
    const small = await createTestCore();
    try {
      // 41 users, all invited by the first: every id is below 64, none a multiple of it.
      for (let i = 0; i <= 40; i++) await createUser(small, SYSTEM, { name: `guest${i}`, level: 20, password: null });
      await small.db.updateTable('users').set({ inviter_id: 1 }).where('id', '>', 1).execute();
      // Four nested inviter -> invitees pairs examine up to 40^4 related rows (SQLite reuses some).
      let nested: Filter = eq('comment_count', -1);
      for (let pair = 0; pair < 4; pair++) nested = exists('inviter', exists('invitees', nested));
      const run = () =>
        searchIds(
          { db: small.db, caps: small.caps, now: small.now(), tier: 'public', slots: small.searchSlots },
          { entity: 'users', filter: and(eq('id', 2), nested), sort: [], page: FIRST },
        );
      if (!small.caps.rowBudget) return assert.deepEqual((await run()).ids, []);
      assert.equal((await refusal(run)).details.problem, 'query_timeout');
    } finally {
      await small.dispose();
    }
  });

  test('SQLite: a related row whose id is a multiple of 64 costs one row each time a subquery examines it', async () => {
    const seeded = await createTestCore();
    try {
      await seedUsers(seeded, SYSTEM, { users: 1000, randomSeed: 3 });
      // Every other user was invited by user 64: the subquery examines it about 1,000 times.
      await seeded.db.updateTable('users').set({ inviter_id: 64 }).where('id', '!=', 64).execute();
      const found = await searchIds(
        { db: seeded.db, caps: seeded.caps, now: seeded.now(), tier: 'public', slots: seeded.searchSlots },
        { entity: 'users', filter: exists('inviter', eq('comment_count', -1)), sort: [], page: FIRST },
      );
      assert.deepEqual(found.ids, []);
    } finally {
      await seeded.dispose();
    }
  });

  test('an offset past Danbooru’s deepest page is refused before any query runs', async () => {
    const error = await refusal(() =>
      searchIds(context(), { entity: 'users', filter: TRUE, sort: [], page: { kind: 'offset', limit: 20, offset: 1_000_000_000 } }),
    );
    assert.equal(error.details.param, 'offset');
    assert.equal(error.details.problem, 'too_costly');
    const deepest = await searchIds(context(), { entity: 'users', filter: TRUE, sort: [], page: { kind: 'offset', limit: 20, offset: MAX_OFFSET } });
    assert.deepEqual(deepest.ids, []);
  });

  test('an unfiltered count answers even when a filtered one would need the row budget', async () => {
    const counted = await searchIds(context(), { entity: 'users', filter: TRUE, sort: [], page: FIRST, count: true });
    assert.equal(counted.total, 3);
  });

  test('a pattern longer than 256 characters and a back-reference are refused as bad patterns', async () => {
    for (const pattern of ['a'.repeat(257), '(a)\\1']) {
      const error = await refusal(() => searchIds(context(), { entity: 'users', filter: match('name', 'regex', pattern, true), sort: [], page: FIRST }));
      assert.equal(error.details.problem, 'invalid_pattern', pattern);
    }
  });
});
