import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import pg from 'pg';
import { TEST_ENGINE, TEST_POSTGRES_URL, type TestCore } from '../support/database.js';
import { openTestApp } from '../support/app.js';

const PASSWORD = 'correct horse battery';
/** What an outage answer must never show. */
const INTERNALS = /SQLITE|sqlite|postgres|terminat|ECONN|Connection terminated|stack|\.ts:\d+|node_modules/;

let core: TestCore;
let app: FastifyInstance;
let close: () => Promise<void>;
let address = 0;

before(async () => ({ core, app, close } = await openTestApp()));
after(() => close());

const nativeSignup = (name: string) =>
  app.inject({ method: 'POST', url: '/v1/users', payload: { name, password: PASSWORD }, remoteAddress: `198.51.100.${++address % 250}` });
const danbooruSignup = (name: string) =>
  app.inject({
    method: 'POST',
    url: '/danbooru/users.json',
    payload: { user: { name, password: PASSWORD, password_confirmation: PASSWORD } },
    remoteAddress: `203.0.113.${++address % 250}`,
  });
const userNamed = async (name: string) => (await core.db.selectFrom('users').select('id').where('name', '=', name).execute()).length;

function assertNativeOutage(response: LightMyRequestResponse, message: RegExp): void {
  assert.equal(response.statusCode, 503, response.body);
  assert.equal(response.headers['retry-after'], '5');
  const body = response.json() as { error: { code: string; message: string } };
  assert.equal(body.error.code, 'unavailable');
  assert.match(body.error.message, message);
  assert.doesNotMatch(response.body, INTERNALS);
}

function assertDanbooruOutage(response: LightMyRequestResponse, message: RegExp): void {
  assert.equal(response.statusCode, 503, response.body);
  assert.equal(response.headers['retry-after'], '5');
  const body = response.json() as { success: boolean; error: string; message: string };
  assert.deepEqual([body.success, body.error], [false, 'ActiveRecord::ConnectionNotEstablished']);
  assert.match(body.message, message);
  assert.doesNotMatch(response.body, INTERNALS);
}

if (TEST_ENGINE === 'sqlite') {
  describe('a full disk (SQLite max_page_count at the current size)', () => {
    /** Signs up with `signup` until the database refuses to grow; returns that answer and the name. */
    async function fillUp(
      signup: (name: string) => Promise<LightMyRequestResponse>,
      prefix: string,
    ): Promise<{ response: LightMyRequestResponse; name: string }> {
      const pages = (await sql<{ page_count: number }>`pragma page_count`.execute(core.db)).rows[0]!.page_count;
      await sql.raw(`pragma max_page_count = ${pages}`).execute(core.db);
      for (let i = 0; i < 200; i += 1) {
        const name = `${prefix}_${i}`;
        const response = await signup(name);
        if (response.statusCode !== 201) return { response, name };
      }
      assert.fail('the database never filled up');
    }

    const unlimit = () => sql.raw('pragma max_page_count = 4294967294').execute(core.db);

    it('native: 503 "out of space" in the native shape, no user half-written, and signups work again once there is room', async () => {
      const { response, name } = await fillUp(nativeSignup, 'native_full');
      try {
        assertNativeOutage(response, /out of space/);
        assert.equal(await userNamed(name), 0);
        assert.equal((await app.inject({ method: 'GET', url: '/v1/users?name=native_full_0' })).statusCode < 500, true, 'reads still served');
      } finally {
        await unlimit();
      }
      assert.equal((await nativeSignup(name)).statusCode, 201);
      assert.equal(await userNamed(name), 1);
    });

    it("Danbooru: 503 in Danbooru's error shape, and it recovers", async () => {
      const { response, name } = await fillUp(danbooruSignup, 'danbooru_full');
      try {
        assertDanbooruOutage(response, /out of space/);
        assert.equal(await userNamed(name), 0);
      } finally {
        await unlimit();
      }
      assert.equal((await danbooruSignup(name)).statusCode, 201);
    });

    it('the database file is intact afterwards', async () => {
      assert.deepEqual((await sql<{ integrity_check: string }>`pragma integrity_check`.execute(core.db)).rows, [{ integrity_check: 'ok' }]);
    });
  });
}

if (TEST_ENGINE === 'postgres') {
  describe('a lost PostgreSQL connection', () => {
    let admin: pg.Client;
    const name = () => new URL(core.database.url).pathname.slice(1);

    before(async () => {
      admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await admin.connect();
    });
    after(async () => {
      await admin.query(`ALTER DATABASE ${name()} ALLOW_CONNECTIONS true`);
      await admin.end();
    });

    /** Terminates every connection to the test database (the pool's and the change feed's). */
    const terminateAll = () => admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name()]);

    it("while the database refuses connections: 503 in each dialect's shape; then it recovers by itself", async () => {
      assert.equal((await nativeSignup('before_outage')).statusCode, 201);
      await admin.query(`ALTER DATABASE ${name()} ALLOW_CONNECTIONS false`);
      await terminateAll();
      assertNativeOutage(await nativeSignup('during_outage'), /unavailable/);
      assertDanbooruOutage(await danbooruSignup('during_outage_d'), /unavailable/);
      assertNativeOutage(await app.inject({ method: 'GET', url: '/v1/users' }), /unavailable/);
      await admin.query(`ALTER DATABASE ${name()} ALLOW_CONNECTIONS true`);
      assert.equal((await nativeSignup('during_outage')).statusCode, 201);
      assert.equal((await danbooruSignup('during_outage_d')).statusCode, 201);
      assert.equal(await userNamed('during_outage'), 1);
    });

    it('connections killed in the middle of a burst: every answer is a success or a clear 503, none a 500, and the next request works', async () => {
      const burst = Array.from({ length: 40 }, (_, i) =>
        i % 2 === 0 ? nativeSignup(`burst_${i}`) : app.inject({ method: 'GET', url: '/danbooru/users.json?search[name_matches]=burst*' }),
      );
      await new Promise((resolve) => setTimeout(resolve, 30));
      await terminateAll();
      const responses = await Promise.all(burst);
      for (const response of responses) {
        assert.ok([200, 201, 503].includes(response.statusCode), `${response.statusCode} ${response.body}`);
        assert.doesNotMatch(response.body, INTERNALS);
      }
      assert.equal((await nativeSignup('after_burst')).statusCode, 201);
      for (let i = 0; i < 40; i += 2) {
        const response = responses[i]!;
        assert.equal(await userNamed(`burst_${i}`), response.statusCode === 201 ? 1 : await userNamed(`burst_${i}`));
      }
    });
  });
}
