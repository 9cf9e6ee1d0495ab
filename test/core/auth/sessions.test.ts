import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import bcrypt from 'bcryptjs';
import { authenticateBearer } from '../../../src/core/auth/authenticate.js';
import type { Core } from '../../../src/core/context.js';
import { flushCredentialUse } from '../../../src/core/auth/credential-cache.js';
import { CoreError, isCoreError, type CoreErrorCode } from '../../../src/core/errors.js';
import { hashPassword, verifyPassword } from '../../../src/core/auth/passwords.js';
import { hashSecret } from '../../../src/core/auth/secrets.js';
import { listSessions, login, revokeAllSessions, revokeSession, SESSION_LIFETIME_MS, verifyCredentials } from '../../../src/core/auth/sessions.js';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import { insertUser, viewerOf } from '../../support/users.js';
import { createTestCore, type TestCore } from '../../support/database.js';

const SECRET_KEYS = ['token_hash', 'secret', 'password_hash', 'token'];

function assertNoSecrets(value: unknown, path = 'result'): void {
  if (Array.isArray(value)) return value.forEach((item, i) => assertNoSecrets(item, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return;
  for (const [key, inner] of Object.entries(value)) {
    assert.ok(!SECRET_KEYS.includes(key), `${path}.${key} must not be returned`);
    assertNoSecrets(inner, `${path}.${key}`);
  }
}

const rejectsWith = (code: CoreErrorCode) => (error: unknown) => isCoreError(error) && error.code === code;

async function loginError(core: Core, loginName: string, password: string, ip: string): Promise<CoreError> {
  try {
    await login(core, { login: loginName, password, ip });
  } catch (error) {
    if (error instanceof CoreError) return error;
    throw error;
  }
  assert.fail(`login as ${loginName} should fail`);
}

describe('sessions', () => {
  let core: TestCore;
  let clock = Date.UTC(2024, 0, 1);
  let dana: number;
  const PASSWORD = 'correct horse';

  before(async () => {
    core = await createTestCore({ now: () => clock });
    dana = await insertUser(core, { name: 'Dana', email: 'Dana@Example.com', email_lower: 'dana@example.com', password_hash: await hashPassword(PASSWORD) });
  });
  after(() => core.dispose());

  it('verifies a name and password without opening a session; a wrong one is unauthenticated', async () => {
    const before = (await listSessions(core, SYSTEM, dana)).length;
    const user = await verifyCredentials(core, { login: 'dana', password: PASSWORD, ip: '192.0.2.77' });
    assert.equal(user.id, dana);
    assert.equal((await listSessions(core, SYSTEM, dana)).length, before);
    await assert.rejects(verifyCredentials(core, { login: 'dana', password: 'wrong', ip: '192.0.2.77' }), rejectsWith('unauthenticated'));
  });

  it('logs in by name or email in any case, returning the token once', async () => {
    for (const name of ['dana', 'DANA', ' Dana ', 'DANA@example.COM']) {
      const result = await login(core, { login: name, password: PASSWORD, ip: '192.0.2.10', userAgent: 'test/1.0' });
      assert.equal(result.user.id, dana, name);
      assert.match(result.token, /^[A-Za-z0-9_-]{43}$/);
      assertNoSecrets({ session: result.session, user: result.user });
      assert.deepEqual(
        [result.session.user_id, result.session.created_at, result.session.expires_at, result.session.ip, result.session.user_agent],
        [dana, clock, clock + SESSION_LIFETIME_MS, '192.0.2.10', 'test/1.0'],
      );
      assert.deepEqual([result.user.last_logged_in_at, result.user.last_ip_addr], [clock, '192.0.2.10']);
      const row = await core.db.selectFrom('sessions').select('token_hash').where('id', '=', result.session.id).executeTakeFirstOrThrow();
      assert.equal(row.token_hash, hashSecret(result.token));
    }
  });

  it('fails every refused login the same way', async () => {
    await insertUser(core, { name: 'nopass' });
    await insertUser(core, { name: 'removed', is_deleted: 1, password_hash: await hashPassword(PASSWORD) });
    const banned = await insertUser(core, { name: 'banned', password_hash: await hashPassword(PASSWORD) });
    await core.db
      .insertInto('sanctions')
      .values({
        kind: 'ban',
        user_id: banned,
        actor_id: null,
        reason: 'x',
        created_at: clock,
        updated_at: clock,
        expires_at: null,
        lifted_at: null,
        lifted_by_id: null,
      })
      .execute();
    const cases: [string, string][] = [
      ['dana', 'wrong password'],
      ['nobody', PASSWORD],
      ['nopass', PASSWORD],
      ['removed', PASSWORD],
      ['banned', PASSWORD],
      ['', PASSWORD],
    ];
    const errors = await Promise.all(cases.map(([name, password], i) => loginError(core, name, password, `198.51.100.${i}`)));
    for (const error of errors) assert.deepEqual([error.code, error.message], ['unauthenticated', errors[0]?.message]);
    assert.ok(new Set(errors.map((e) => e.details.reason)).size >= 5, 'the reason is kept for logs');
  });

  it('rehashes a password stored in an older format to Argon2id on login', async () => {
    const old = await bcrypt.hash(PASSWORD, 4);
    const eve = await insertUser(core, { name: 'eve', password_hash: old });
    await login(core, { login: 'eve', password: PASSWORD, ip: null });
    const { password_hash: stored } = await core.db.selectFrom('users').select('password_hash').where('id', '=', eve).executeTakeFirstOrThrow();
    assert.ok(stored !== null && stored.startsWith('$argon2id$'));
    assert.deepEqual(await verifyPassword(stored, PASSWORD), { ok: true, needsRehash: false });
    assert.equal((await login(core, { login: 'eve', password: PASSWORD, ip: null })).user.id, eve);
  });

  it('lists, revokes and expires sessions', async () => {
    const frank = await insertUser(core, { name: 'frank', password_hash: await hashPassword(PASSWORD) });
    const viewer = await viewerOf(core, frank);
    const first = await login(core, { login: 'frank', password: PASSWORD, ip: null });
    const second = await login(core, { login: 'frank', password: PASSWORD, ip: null });
    clock += 1000;
    assert.ok(await authenticateBearer(core, first.token, null));
    await flushCredentialUse(core);
    const listed = await listSessions(core, viewer, frank);
    assertNoSecrets(listed);
    assert.deepEqual(
      listed.map((s) => s.id),
      [second.session.id, first.session.id],
    );
    assert.equal(listed[1]?.last_seen_at, clock);

    const other = await viewerOf(core, dana);
    await assert.rejects(revokeSession(core, other, first.session.id), rejectsWith('not_found'));
    await assert.rejects(listSessions(core, other, frank), rejectsWith('forbidden'));
    const revoked = await revokeSession(core, viewer, first.session.id);
    assert.equal(revoked.revoked_at, clock);
    assert.equal(await authenticateBearer(core, first.token, null), null);
    assert.deepEqual(
      (await listSessions(core, viewer, frank)).map((s) => s.id),
      [second.session.id],
    );

    clock += SESSION_LIFETIME_MS;
    assert.equal(await authenticateBearer(core, second.token, null), null);
    assert.deepEqual(await listSessions(core, viewer, frank), []);
  });

  it('revokes all sessions of a user (for ban, delete and password change)', async () => {
    const gail = await insertUser(core, { name: 'gail', password_hash: await hashPassword(PASSWORD) });
    const tokens = [];
    for (let i = 0; i < 3; i += 1) tokens.push((await login(core, { login: 'gail', password: PASSWORD, ip: null })).token);
    assert.ok(await authenticateBearer(core, tokens[0]!, null));
    const count = await core.db.transaction().execute(async (trx) => {
      const n = await revokeAllSessions(trx, gail, core.now());
      await core.changes.publish(trx, { kind: 'user', userId: gail });
      return n;
    });
    assert.equal(count, 3);
    for (const token of tokens) assert.equal(await authenticateBearer(core, token, null), null);
    assert.deepEqual(await listSessions(core, SYSTEM, gail), []);
  });
});
