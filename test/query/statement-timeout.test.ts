import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance, InjectOptions } from 'fastify';
import pg from 'pg';
import { buildApp } from '../../src/app.js';
import { SYSTEM } from '../../src/core/access/viewer.js';
import { createStackProject } from '../../src/core/orgs/stack-projects.js';
import { createUser } from '../../src/core/users/users.js';
import { createTestCore, TEST_ENGINE, type TestCore } from '../support/database.js';

/**
 * PostgreSQL cancels a search statement after SEARCH_STATEMENT_TIMEOUT_MS (3 s). To make a
 * search outlast it whatever the machine's speed, another connection holds an exclusive lock on
 * `users` while the searches run: their statements wait on it until the timeout cancels them.
 * Each must answer its dialect's "query timed out" error: not a 500, not a hang. The searches
 * run at once, so the test waits for one timeout, not one per dialect.
 */
if (TEST_ENGINE === 'postgres') {
  describe('PostgreSQL: a search past its statement timeout is answered in the dialect’s words', () => {
    let core: TestCore;
    let app: FastifyInstance;
    let stackServer: Record<string, string>;
    before(async () => {
      core = await createTestCore();
      await createUser(core, SYSTEM, { name: 'alice_timeout', email: 'alice_timeout@example.org' });
      app = buildApp(core);
      await app.ready();
      const project = await createStackProject(core, SYSTEM, { displayName: 'timeout' });
      stackServer = { 'x-stack-project-id': project.project.id, 'x-stack-access-type': 'server', 'x-stack-secret-server-key': project.secretServerKey };
    });
    after(async () => {
      await app.close();
      await core.dispose();
    });

    const nativeFilter = encodeURIComponent(JSON.stringify({ kind: 'match', field: 'name', mode: 'contains', value: 'ali' }));
    const searches = (): Record<string, InjectOptions> => ({
      danbooru: { url: '/danbooru/users.json?search[name_matches]=*ali*' },
      e621: { url: '/e621/users.json?search[name_matches]=*ali*' },
      native: { url: `/v1/users?filter=${nativeFilter}` },
      stack: { url: '/stack/api/v1/users?query=ali', headers: stackServer },
      civitai: { url: '/civitai/api/v1/users?query=ali' },
    });

    const TIMED_OUT = 'The database timed out running your query.';

    test('every dialect refuses the cancelled search with its own error, then searches again once the lock is gone', { timeout: 60_000 }, async () => {
      const locker = new pg.Client({ connectionString: core.database.url });
      await locker.connect();
      let answers: Record<string, { status: number; body: string }> = {};
      try {
        await locker.query('begin');
        await locker.query('lock table users in access exclusive mode');
        const responses = await Promise.all(
          Object.entries(searches()).map(async ([name, request]) => {
            const response = await app.inject({ method: 'GET', ...request });
            return [name, { status: response.statusCode, body: response.body }] as const;
          }),
        );
        answers = Object.fromEntries(responses);
      } finally {
        await locker.query('rollback');
        await locker.end();
      }
      assert.equal(answers.danbooru!.status, 400);
      assert.deepEqual(JSON.parse(answers.danbooru!.body), { success: false, error: 'ActiveRecord::QueryCanceled', message: TIMED_OUT, backtrace: [] });
      assert.equal(answers.e621!.status, 400);
      assert.deepEqual(JSON.parse(answers.e621!.body), { success: false, message: TIMED_OUT, code: null });
      assert.equal(answers.native!.status, 400, answers.native!.body);
      assert.equal(JSON.parse(answers.native!.body).error.message, TIMED_OUT);
      assert.equal(answers.stack!.status, 400);
      assert.equal(JSON.parse(answers.stack!.body).code, 'SCHEMA_ERROR');
      assert.match(JSON.parse(answers.stack!.body).error, /timed out running your query/);
      assert.equal(answers.civitai!.status, 400);
      assert.match(JSON.parse(answers.civitai!.body).message, /timed out running your query/);
      for (const [name, request] of Object.entries(searches())) {
        const again = await app.inject({ method: 'GET', ...request });
        assert.equal(again.statusCode, 200, `${name}: ${again.body}`);
        assert.match(again.body, /alice_timeout/, name);
      }
    });
  });
}
