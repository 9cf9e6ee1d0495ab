import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { SCENARIO_SOURCES } from '../../bench/scenarios/index.js';
import { hostileScenarios } from '../../bench/scenarios/hostile.js';
import type { BenchContext, Scenario } from '../../bench/scenarios/scenario.js';
import { buildApp } from '../../src/app.js';
import { openCore, type OpenCore } from '../../src/core/create-core.js';
import type { RanStatement } from '../../src/db/database.js';
import { createTestDatabase, TEST_ENGINE, testConfig, type TestDatabase } from '../support/database.js';
import { explain, fullScans, isRead, LARGE_TABLES, sorts, type StatementPlan } from '../../bench/plan-check.js';

/**
 * Every bench scenario (bench/scenarios/) answered on a seeded, analyzed database: each statement
 * it runs uses an index (no full scan of a large table), and the pages read in index order
 * (`indexOrder`) sort nothing. Enough rows that both planners choose as they would at scale.
 * The hostile scenarios are left out: they are bounded by the row budget and statement timeout
 * instead (test/query/hostile-search.test.ts).
 */
const USERS = 100_000;
const CLI = pathToFileURL(join(import.meta.dirname, '../../src/cli/main.ts')).href;

describe(`query plans of the bench scenarios (${TEST_ENGINE}, ${USERS} users)`, () => {
  let database: TestDatabase;
  let core: OpenCore;
  let app: FastifyInstance;
  let scenarios: readonly Scenario[] = [];
  const ran: RanStatement[] = [];

  before(async () => {
    database = await createTestDatabase(TEST_ENGINE);
    const roster = (args: readonly string[]): string => {
      const script = `import { main } from ${JSON.stringify(CLI)}; await main(${JSON.stringify(['node', 'roster', ...args])});`;
      const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        env: { ...process.env, ROSTER_DATABASE_URL: database.url, ROSTER_LOG_LEVEL: 'silent' },
        encoding: 'utf8',
      });
      if (result.status !== 0) throw new Error(`roster ${args.join(' ')} failed: ${result.stderr}`);
      return result.stdout.trim();
    };
    roster(['seed', '--users', String(USERS)]);
    roster(['users', 'create', '--name', 'bench_admin', '--password', 'bench-password-1', '--level', 'admin']);
    const adminKey = roster(['tokens', 'create', '--user', 'bench_admin']);
    core = await openCore(testConfig(database.url));
    core.databaseObserver.onStatement((_, statement) => ran.push(statement));
    app = buildApp(core);
    const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
    const context: BenchContext = { users: USERS, someId: USERS / 2, adminName: 'bench_admin', adminKey, engine: TEST_ENGINE, roster, baseUrl };
    const sources = SCENARIO_SOURCES.filter((source) => source !== hostileScenarios);
    const built: Scenario[] = [];
    for (const source of sources) built.push(...(await source(context)));
    scenarios = built;
  });

  after(async () => {
    await app?.close();
    await core?.close();
    await database?.drop();
  });

  test('every scenario reads through indexes', async (t) => {
    assert.ok(scenarios.length >= 20, `${scenarios.length} scenarios`);
    for (const scenario of scenarios) {
      await t.test(scenario.name, async () => {
        // A who-am-I answered from the credential cache runs no statement at all.
        const plans = await plansOf(scenario);
        for (const plan of plans) {
          assert.deepEqual(fullScans(TEST_ENGINE, plan, LARGE_TABLES), [], `full scan in ${plan.sql}\n${plan.lines.join('\n')}`);
          if (scenario.indexOrder) assert.deepEqual(sorts(TEST_ENGINE, plan), [], `sort in ${plan.sql}\n${plan.lines.join('\n')}`);
        }
      });
    }
  });

  test('a coarse filter keeping few rows falls back to its own index', async () => {
    // Admins are a fraction of a percent of the seeded users: a page of 1000 ordered by uploads
    // walks past the order-walk budget, and the search runs again through the level index.
    ran.length = 0;
    const response = await app.inject({ url: '/danbooru/users.json?search[level]=50&search[order]=post_upload_count&limit=1000' });
    assert.equal(response.statusCode, 200, response.body.slice(0, 200));
    const expected = await core.db
      .selectFrom('users')
      .select('id')
      .where('level', '=', 50)
      .orderBy('post_upload_count', 'desc')
      .orderBy('id', 'desc')
      .limit(1000)
      .execute();
    assert.ok(expected.length > 20);
    assert.deepEqual(
      (response.json() as { id: number }[]).map((user) => user.id),
      expected.map((row) => row.id),
    );
    const pages = ran.filter((statement) => statement.sql.includes('order by "t"."post_upload_count" desc'));
    if (TEST_ENGINE === 'sqlite')
      assert.deepEqual(
        pages.map((statement) => statement.sql.includes('+"t"."level"')),
        [true, false],
      );
    else assert.equal(pages.length, 1, 'PostgreSQL weighs the limit itself');
  });

  /** The plans of the reads the scenario's request runs, in order. */
  async function plansOf(scenario: Scenario): Promise<StatementPlan[]> {
    ran.length = 0;
    const response = await app.inject({ method: scenario.method ?? 'GET', url: scenario.path, headers: scenario.headers ?? {}, payload: scenario.body });
    // Deep offsets and counts past the row budget are refused (400, as Danbooru's statement
    // timeout); what they ran before stopping must still have used indexes.
    assert.ok(response.statusCode < 300 || /timed out/.test(response.body), `${scenario.path}: HTTP ${response.statusCode} ${response.body.slice(0, 200)}`);
    const reads = ran.filter(isRead);
    const plans: StatementPlan[] = [];
    for (const statement of reads) plans.push(await explain(core.db, TEST_ENGINE, statement));
    return plans;
  }
});
