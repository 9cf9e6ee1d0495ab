import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createApiKey, revokeApiKey } from '../../src/core/auth/api-keys.js';
import { CHANGE_POLL_INTERVAL_MS } from '../../src/core/change-bound-cache.js';
import { authenticateBearer } from '../../src/core/auth/authenticate.js';
import type { Change, Core } from '../../src/core/context.js';
import { openCore, type OpenCore } from '../../src/core/create-core.js';
import { hashPassword } from '../../src/core/auth/passwords.js';
import { login, revokeSession } from '../../src/core/auth/sessions.js';
import { SYSTEM } from '../../src/core/access/viewer.js';
import { createTestDatabase, TEST_ENGINE, testConfig, type TestDatabase } from '../support/database.js';

async function insertUser(core: Core, name: string): Promise<number> {
  const now = core.now();
  const row = await core.db
    .insertInto('users')
    .values({
      uuid: randomUUID(),
      name,
      name_lower: name.toLowerCase(),
      level: 20,
      created_at: now,
      updated_at: now,
      password_hash: await hashPassword('correct horse'),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Longer than the poll window: the next cache read after it asks SQLite's data_version again. */
const pollWindow = (): Promise<void> => sleep(CHANGE_POLL_INTERVAL_MS + 20);

/**
 * Resolves once `core` will hear a change matching `test`. PostgreSQL pushes it (NOTIFY arrives
 * just after the commit); SQLite is asked on the first cache read once the poll window has passed.
 */
function heard(core: Core, test: (change: Change) => boolean): Promise<void> {
  if (core.caps.changeNotifications !== 'listen-notify') return pollWindow();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('change never arrived')), 5_000);
    const stop = core.changes.subscribe((change) => {
      if (!test(change)) return;
      clearTimeout(timer);
      stop();
      resolve();
    });
  });
}

describe(`two instances on one ${TEST_ENGINE} database`, () => {
  let database: TestDatabase;
  let a: OpenCore;
  let b: OpenCore;
  let clock = Date.UTC(2024, 0, 1);

  before(async () => {
    database = await createTestDatabase();
    a = await openCore(testConfig(database.url), { now: () => clock });
    b = await openCore(testConfig(database.url), { now: () => clock, migrate: false });
  });
  after(async () => {
    await a.close();
    await b.close();
    await database.drop();
  });

  it('B serves from its cache, which only the change feed (or SQLite data_version) clears', async () => {
    const user = await insertUser(a, 'cached');
    const { apiKey, secret } = await createApiKey(a, SYSTEM, user, {});
    assert.equal((await authenticateBearer(b, secret, null))?.id, user);
    // A change that announces nothing: PostgreSQL instances keep their cached answer until the
    // TTL; on SQLite any commit by another connection clears the cache.
    await a.db.updateTable('api_keys').set({ revoked_at: clock }).where('id', '=', apiKey.id).execute();
    if (b.caps.changeNotifications === 'data-version') await pollWindow();
    const viewer = await authenticateBearer(b, secret, null);
    assert.equal(viewer?.id ?? null, b.caps.changeNotifications === 'listen-notify' ? user : null);
  });

  it('a key revoked on A is refused by B on its next call', async () => {
    const user = await insertUser(a, 'revoked');
    const { apiKey, secret } = await createApiKey(a, SYSTEM, user, {});
    assert.equal((await authenticateBearer(b, secret, null))?.id, user);
    assert.equal((await authenticateBearer(b, secret, null))?.id, user);
    const arrived = heard(b, (change) => change.kind === 'credential');
    await revokeApiKey(a, SYSTEM, apiKey.id);
    await arrived;
    assert.equal(await authenticateBearer(b, secret, null), null);
  });

  it('a session revoked on A is refused by B on its next call', async () => {
    await insertUser(a, 'sessioned');
    const { token, session } = await login(a, { login: 'sessioned', password: 'correct horse', ip: null });
    assert.ok(await authenticateBearer(b, token, null));
    const arrived = heard(b, (change) => change.kind === 'credential');
    await revokeSession(a, SYSTEM, session.id);
    await arrived;
    assert.equal(await authenticateBearer(b, token, null), null);
  });

  it('a ban made on A is enforced by B at once, and ends on time', async () => {
    const user = await insertUser(a, 'banned');
    const { secret } = await createApiKey(a, SYSTEM, user, {});
    assert.equal((await authenticateBearer(b, secret, null))?.id, user);
    const arrived = heard(b, (change) => change.kind === 'user' && change.userId === user);
    const expiresAt = clock + 10_000;
    await a.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('sanctions')
        .values({
          kind: 'ban',
          user_id: user,
          actor_id: null,
          reason: 'spam',
          created_at: clock,
          updated_at: clock,
          expires_at: expiresAt,
          lifted_at: null,
          lifted_by_id: null,
        })
        .execute();
      await a.changes.publish(trx, { kind: 'user', userId: user });
    });
    await arrived;
    assert.equal(await authenticateBearer(b, secret, null), null);
    clock = expiresAt;
    assert.equal((await authenticateBearer(b, secret, null))?.id, user);
  });
});
