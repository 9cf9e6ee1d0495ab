import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Core } from '../../../src/core/context.js';
import { CoreError, isCoreError } from '../../../src/core/errors.js';
import {
  assertLoginAllowed,
  LOGIN_LIMITS,
  LOGIN_WINDOW_MS,
  loginThrottleKeys,
  pruneLoginThrottle,
  reserveLoginAttempt,
} from '../../../src/core/auth/login-throttle.js';
import { hashPassword } from '../../../src/core/auth/passwords.js';
import { login } from '../../../src/core/auth/sessions.js';
import { insertUser } from '../../support/users.js';
import { createTestCore, type TestCore } from '../../support/database.js';

/** The error code of a login attempt, or 'ok'. */
async function attempt(core: Core, name: string, password: string, ip: string): Promise<string> {
  try {
    await login(core, { login: name, password, ip });
    return 'ok';
  } catch (error) {
    if (error instanceof CoreError) return error.code;
    throw error;
  }
}

describe('login throttle', () => {
  let core: TestCore;
  let clock = Date.UTC(2024, 0, 1);
  const PASSWORD = 'correct horse';
  const ATTACKER = '203.0.113.66';
  const VICTIM = '198.51.100.7';

  before(async () => {
    core = await createTestCore({ now: () => clock });
    for (const name of ['victim', 'regular']) await insertUser(core, { name, password_hash: await hashPassword(PASSWORD) });
  });
  after(() => core.dispose());

  it("blocks an attacker's address without locking the real user out", async () => {
    for (let i = 0; i < LOGIN_LIMITS.accountAndAddress; i += 1) assert.equal(await attempt(core, 'victim', `guess ${i}`, ATTACKER), 'unauthenticated');
    await assert.rejects(
      login(core, { login: 'VICTIM', password: PASSWORD, ip: ATTACKER }),
      (error) => isCoreError(error) && error.code === 'rate_limited' && error.details.retryAfterSeconds === LOGIN_WINDOW_MS / 1000,
      'even the right password is refused from the blocked address',
    );
    assert.equal(await attempt(core, 'victim', PASSWORD, VICTIM), 'ok', 'the victim still logs in from elsewhere');
    assert.equal(await attempt(core, 'regular', PASSWORD, ATTACKER), 'ok', 'other accounts from that address are not blocked');
    clock += LOGIN_WINDOW_MS;
    assert.equal(await attempt(core, 'victim', PASSWORD, ATTACKER), 'ok', 'the block ends with its window');
  });

  it('forgets the failures of an account and address after a successful login', async () => {
    const ip = '192.0.2.44';
    for (let i = 0; i < LOGIN_LIMITS.accountAndAddress - 1; i += 1) await attempt(core, 'regular', 'nope', ip);
    assert.equal(await attempt(core, 'regular', PASSWORD, ip), 'ok');
    for (let i = 0; i < LOGIN_LIMITS.accountAndAddress - 1; i += 1) assert.equal(await attempt(core, 'regular', 'nope', ip), 'unauthenticated');
    assert.equal(await attempt(core, 'regular', PASSWORD, ip), 'ok');
  });

  it('limits failures per address across accounts, counting an IPv6 /64 as one address', async () => {
    const now = clock;
    for (let i = 0; i < LOGIN_LIMITS.address; i += 1) {
      // A failed attempt leaves its reserved charges in place.
      await reserveLoginAttempt(core, loginThrottleKeys(`account${i}`, `2001:db8:1:2::${(i + 1).toString(16)}`), now);
    }
    const blocked = loginThrottleKeys('fresh_account', '2001:db8:1:2:ffff::1');
    await assert.rejects(assertLoginAllowed(core, blocked, now), (error) => isCoreError(error) && error.code === 'rate_limited');
    await assertLoginAllowed(core, loginThrottleKeys('fresh_account', '2001:db8:1:3::1'), now);
    await assertLoginAllowed(core, loginThrottleKeys('fresh_account', '192.0.2.1'), now);
    const later = now + LOGIN_WINDOW_MS;
    await assertLoginAllowed(core, blocked, later);
    assert.ok((await pruneLoginThrottle(core, later)) >= 1);
    const left = await core.db.selectFrom('auth_throttle').select('key').where('key', '=', blocked[1].key).execute();
    assert.deepEqual(left, []);
  });
});
