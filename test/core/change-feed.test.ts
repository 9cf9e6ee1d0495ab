import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { buildApp } from '../../src/app.js';
import { SYSTEM } from '../../src/core/access/viewer.js';
import { createApiKey, revokeApiKey } from '../../src/core/auth/api-keys.js';
import { authenticateBearer } from '../../src/core/auth/authenticate.js';
import { FEED_APPLICATION_NAME } from '../../src/core/change-feed.js';
import { openCore, type OpenCore } from '../../src/core/create-core.js';
import { banUser } from '../../src/core/moderation/moderation.js';
import { createUser } from '../../src/core/users/users.js';
import { runRoster } from '../support/run-roster.js';
import { createTestDatabase, TEST_ENGINE, testConfig, type TestDatabase } from '../support/database.js';

/** The bound: a revocation on one instance is refused by the others within one second. */
const PROPAGATION_BOUND_MS = 1_000;

/** Resolves when `check()` is true, polling; fails once `boundMs` has passed without it. */
async function within(boundMs: number, what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) assert.fail(`${what}: not within ${boundMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const refused = (core: OpenCore, secret: string) => async () => (await authenticateBearer(core, secret, null)) === null;

async function userWithKey(core: OpenCore, name: string): Promise<{ id: number; keyId: number; secret: string }> {
  const user = await createUser(core, SYSTEM, { name, level: 20 });
  const { apiKey, secret } = await createApiKey(core, SYSTEM, user.id, {});
  return { id: user.id, keyId: apiKey.id, secret };
}

if (TEST_ENGINE === 'postgres') {
  describe('change feed on PostgreSQL: two instances, one database, a listener that dies', () => {
    let database: TestDatabase;
    let a: OpenCore;
    let b: OpenCore;
    let admin: pg.Client;

    /** Kills every change-feed listener on the test database, as a server restart or a proxy would. */
    async function killListeners(): Promise<number> {
      const result = await admin.query<{ killed: boolean }>(
        'select pg_terminate_backend(pid) as killed from pg_stat_activity where datname = current_database() and application_name = $1',
        [FEED_APPLICATION_NAME],
      );
      return result.rows.filter((row) => row.killed).length;
    }

    before(async () => {
      database = await createTestDatabase('postgres');
      a = await openCore(testConfig(database.url));
      b = await openCore(testConfig(database.url), { migrate: false });
      admin = new pg.Client({ connectionString: database.url });
      await admin.connect();
    });
    after(async () => {
      await admin.end();
      await a.close();
      await b.close();
      await database.drop();
    });

    it('a key revoked on A is refused by B within one second', async () => {
      const user = await userWithKey(a, 'feed_revoked');
      assert.equal((await authenticateBearer(b, user.secret, null))?.id, user.id);
      await revokeApiKey(a, SYSTEM, user.keyId);
      await within(PROPAGATION_BOUND_MS, 'revocation heard by B', refused(b, user.secret));
    });

    it('after the listeners are killed, a ban on A is refused by B within one second (the cache is bypassed)', async () => {
      const user = await userWithKey(a, 'feed_banned_while_down');
      assert.equal((await authenticateBearer(b, user.secret, null))?.id, user.id);
      assert.equal(await killListeners(), 2);
      await banUser(a, SYSTEM, { userId: user.id, reason: 'spam', durationMs: null });
      await within(PROPAGATION_BOUND_MS, 'ban refused by B while its feed is down', refused(b, user.secret));
    });

    it('the listener reconnects by itself, and B caches and hears revocations again', async () => {
      await killListeners();
      await within(5_000, 'B listening again', async () => b.changes.listening && a.changes.listening);
      const user = await userWithKey(a, 'feed_after_reconnect');
      assert.equal((await authenticateBearer(b, user.secret, null))?.id, user.id);
      // Cached now: make sure the next answer would come from the cache were nothing heard.
      await b.db.updateTable('api_keys').set({ revoked_at: Date.now() }).where('id', '=', user.keyId).execute();
      assert.equal((await authenticateBearer(b, user.secret, null))?.id, user.id, 'served from the cache, as the feed is live');
      await b.db.updateTable('api_keys').set({ revoked_at: null }).where('id', '=', user.keyId).execute();
      await banUser(a, SYSTEM, { userId: user.id, reason: 'spam', durationMs: null });
      await within(PROPAGATION_BOUND_MS, 'ban heard by B after reconnecting', refused(b, user.secret));
    });

    it('killed again and again: each time it comes back (backoff never gives up)', async () => {
      for (let round = 0; round < 3; round += 1) {
        await within(5_000, `listening before round ${round}`, async () => b.changes.listening);
        await killListeners();
        await within(5_000, `listening after round ${round}`, async () => b.changes.listening);
      }
      const user = await userWithKey(a, 'feed_many_kills');
      assert.equal((await authenticateBearer(b, user.secret, null))?.id, user.id);
      await revokeApiKey(a, SYSTEM, user.keyId);
      await within(PROPAGATION_BOUND_MS, 'revocation heard after repeated kills', refused(b, user.secret));
    });

    it('two apps: a key that works on B over HTTP gets 401 from B within one second of its revocation on A, listener killed', async () => {
      const appB = buildApp(b, {});
      await appB.ready();
      try {
        const user = await userWithKey(a, 'feed_http');
        const me = () => appB.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${user.secret}` } });
        assert.equal((await me()).statusCode, 200);
        await killListeners();
        await revokeApiKey(a, SYSTEM, user.keyId);
        await within(PROPAGATION_BOUND_MS, 'B answers 401', async () => (await me()).statusCode === 401);
      } finally {
        await appB.close();
      }
    });
  });
}

if (TEST_ENGINE === 'sqlite') {
  describe('change feed on SQLite: another process commits (PRAGMA data_version)', () => {
    let database: TestDatabase;
    let core: OpenCore;

    before(async () => {
      database = await createTestDatabase('sqlite');
      core = await openCore(testConfig(database.url));
    });
    after(async () => {
      await core.close();
      await database.drop();
    });

    it('is always live: there is no connection to lose', () => {
      assert.equal(core.changes.listening, true);
    });

    it('a ban made by the CLI in another process is refused by this instance within one second', async () => {
      const user = await userWithKey(core, 'cli_banned');
      assert.equal((await authenticateBearer(core, user.secret, null))?.id, user.id);
      const result = await runRoster(['bans', 'create', '--user', 'cli_banned', '--reason', 'spam', '--duration', '1d'], { url: database.url });
      assert.equal(result.code, 0, result.stderr);
      await within(PROPAGATION_BOUND_MS, 'ban seen through data_version', refused(core, user.secret));
    });
  });
}
