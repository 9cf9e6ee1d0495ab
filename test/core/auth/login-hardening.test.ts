import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { authenticateBearer } from '../../../src/core/auth/authenticate.js';
import { flushCredentialUse } from '../../../src/core/auth/credential-cache.js';
import { listLoginAttempts, pruneLoginAttempts } from '../../../src/core/auth/login-attempts.js';
import { LOGIN_LIMITS } from '../../../src/core/auth/login-throttle.js';
import { ARGON2_LIMITS } from '../../../src/core/auth/password-formats.js';
import { hashPassword, isSupportedPasswordHash } from '../../../src/core/auth/passwords.js';
import { login } from '../../../src/core/auth/sessions.js';
import { CoreError, isCoreError } from '../../../src/core/errors.js';
import { createUser } from '../../../src/core/users/users.js';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import { insertUser, viewerOf } from '../../support/users.js';
import { createTestCore, type TestCore } from '../../support/database.js';

const PASSWORD = 'correct horse';
const IDLE_MINUTES = 60;

describe('login hardening', () => {
  let core: TestCore;
  let clock = Date.UTC(2025, 0, 1);
  let erin: number;

  before(async () => {
    core = await createTestCore({ now: () => clock, env: { ROSTER_SESSION_IDLE_MINUTES: String(IDLE_MINUTES), ROSTER_LOGIN_ATTEMPTS_RETENTION_DAYS: '30' } });
    erin = await insertUser(core, { name: 'erin', password_hash: await hashPassword(PASSWORD) });
    await insertUser(core, { name: 'frank', password_hash: await hashPassword(PASSWORD) });
  });
  after(() => core.dispose());

  const outcome = async (name: string, password: string, ip: string): Promise<string> => {
    try {
      await login(core, { login: name, password, ip });
      return 'ok';
    } catch (error) {
      if (error instanceof CoreError) return error.code;
      throw error;
    }
  };

  it('50 concurrent wrong logins: no more than the limit get a password check', async () => {
    const ip = '203.0.113.50';
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => outcome('frank', `guess ${i}`, ip)));
    const checked = results.filter((r) => r === 'unauthenticated').length;
    const throttled = results.filter((r) => r === 'rate_limited').length;
    assert.equal(checked + throttled, 50, results.join(','));
    assert.ok(checked <= LOGIN_LIMITS.accountAndAddress, `${checked} wrong passwords were checked`);
    assert.equal(checked, LOGIN_LIMITS.accountAndAddress);
    assert.equal(await outcome('frank', PASSWORD, ip), 'rate_limited', 'the limit holds for the right password too');
    assert.equal(await outcome('frank', PASSWORD, '198.51.100.50'), 'ok', 'the account itself is not locked');
  });

  it('records every attempt with time, account, address and reason; admins page and filter them', async () => {
    const ip = '192.0.2.77';
    clock += 1000;
    const since = clock;
    assert.equal(await outcome('erin', PASSWORD, ip), 'ok');
    assert.equal(await outcome('erin', 'wrong', ip), 'unauthenticated');
    assert.equal(await outcome('nobody_here', 'whatever', ip), 'unauthenticated');
    const page = await listLoginAttempts(core, SYSTEM, { ip, limit: 2 });
    assert.deepEqual(
      page.items.map((a) => [a.login, a.user_id, a.success, a.reason]),
      [
        ['nobody_here', null, false, 'unknown_login'],
        ['erin', erin, false, 'wrong_password'],
      ],
    );
    assert.ok(page.nextBeforeId !== null);
    const rest = await listLoginAttempts(core, SYSTEM, { ip, limit: 2, beforeId: page.nextBeforeId });
    assert.deepEqual(
      rest.items.map((a) => [a.reason, a.created_at >= since]),
      [['success', true]],
    );
    assert.equal(rest.nextBeforeId, null);
    const mine = await listLoginAttempts(core, SYSTEM, { userId: erin, success: true, since, limit: 10 });
    assert.deepEqual(
      mine.items.map((a) => a.ip),
      [ip],
    );
    const throttled = await listLoginAttempts(core, SYSTEM, { ip: '203.0.113.50', limit: 100 });
    assert.ok(throttled.items.some((a) => a.reason === 'rate_limited'));
    assert.equal(JSON.stringify(await listLoginAttempts(core, SYSTEM, { limit: 1000 })).includes(PASSWORD), false, 'no password is stored');
  });

  it('only admins read attempts', async () => {
    const member = await viewerOf(core, erin);
    await assert.rejects(listLoginAttempts(core, member, { limit: 10 }), (e) => isCoreError(e) && e.code === 'forbidden');
    await assert.rejects(listLoginAttempts(core, SYSTEM, { limit: 0 }), (e) => isCoreError(e) && e.code === 'invalid_param');
  });

  it('prunes attempts older than the retention period', async () => {
    const before = (await listLoginAttempts(core, SYSTEM, { limit: 1000 })).items.length;
    assert.ok(before > 0);
    assert.equal(await pruneLoginAttempts(core, clock + 29 * 86_400_000), 0);
    assert.equal(await pruneLoginAttempts(core, clock + 31 * 86_400_000), before);
  });

  it('a session unused for longer than the idle timeout is refused; use keeps it alive', async () => {
    const { token } = await login(core, { login: 'erin', password: PASSWORD, ip: null });
    clock += (IDLE_MINUTES - 1) * 60_000;
    assert.ok(await authenticateBearer(core, token, null), 'used just before the timeout');
    await flushCredentialUse(core);
    clock += (IDLE_MINUTES - 1) * 60_000;
    assert.ok(await authenticateBearer(core, token, null), 'the use moved the timeout');
    await flushCredentialUse(core);
    clock += (IDLE_MINUTES + 1) * 60_000;
    assert.equal(await authenticateBearer(core, token, null), null, 'idle too long');
  });

  it('refuses imported Argon2 hashes with absurd parameters', async () => {
    const salt = 'c2FsdHNhbHRzYWx0c2FsdA';
    const tag = 'aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g';
    const hash = (m: number, t: number, p: number) => `$argon2id$v=19$m=${m},t=${t},p=${p}$${salt}$${tag}`;
    assert.ok(isSupportedPasswordHash(hash(19456, 2, 1)));
    assert.ok(isSupportedPasswordHash(hash(ARGON2_LIMITS.memoryKiB, 4, 1)));
    for (const absurd of [hash(4_194_304, 1, 1), hash(65536, 1000, 1), hash(65536, 2, 255), hash(262_144, 16, 1), hash(0, 2, 1)]) {
      assert.ok(!isSupportedPasswordHash(absurd), absurd);
    }
    await assert.rejects(
      createUser(core, SYSTEM, { name: 'planted', passwordHash: hash(4_194_304, 1, 1) }),
      (e) => isCoreError(e) && e.code === 'validation_failed',
    );
  });
});
