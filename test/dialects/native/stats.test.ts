import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Level } from '../../../src/core/access/levels.js';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import { banUser, muteUser } from '../../../src/core/moderation/moderation.js';
import { createUser } from '../../../src/core/users/users.js';
import { errorCode, nativeFixture, type NativeFixture } from './fixture.js';

const DAY = 24 * 60 * 60 * 1000;
const HOUR = 60 * 60 * 1000;
/** 2026-03-10 12:30 UTC. */
const NOW = Date.UTC(2026, 2, 10, 12, 30);

interface Stats {
  signups_per_day: { day: string; count: number }[];
  users_by_level: { level: number; level_name: string | null; count: number }[];
  active_bans: number;
  active_mutes: number;
  login_failures_per_hour: { hour: string; count: number }[];
}

describe('native dashboard stats', () => {
  let f: NativeFixture;
  let clock = NOW;
  before(async () => {
    f = await nativeFixture({ now: () => clock });
    // The fixture's six users signed up "now"; two more two days ago, one long ago.
    clock = NOW - 2 * DAY;
    await createUser(f.core, SYSTEM, { name: 'two_days_a', level: Level.Member, email: null, password: null });
    await createUser(f.core, SYSTEM, { name: 'two_days_b', level: Level.Gold, email: null, password: null });
    clock = NOW - 400 * DAY;
    await createUser(f.core, SYSTEM, { name: 'long_ago', level: Level.Member, email: null, password: null });
    clock = NOW;
    await banUser(f.core, SYSTEM, { userId: f.users.other.id, reason: 'spam', durationMs: null });
    await muteUser(f.core, SYSTEM, { userId: f.users.builder.id, reason: 'noise', durationMs: DAY });
    await muteUser(f.core, SYSTEM, { userId: f.users.member.id, reason: 'over', durationMs: HOUR });
    await f.core.db
      .updateTable('sanctions')
      .set({ expires_at: NOW - 1 })
      .where('user_id', '=', f.users.member.id)
      .execute();
    const failure = (at: number, success: number) => ({
      created_at: at,
      user_id: null,
      login: 'x',
      ip: '127.0.0.1',
      success,
      reason: success ? 'success' : 'wrong_password',
    });
    await f.core.db
      .insertInto('login_attempts')
      .values([failure(NOW, 0), failure(NOW - 5 * 60 * 1000, 0), failure(NOW - 3 * HOUR, 0), failure(NOW - 3 * HOUR, 1), failure(NOW - 30 * HOUR, 0)])
      .execute();
  });
  after(() => f.close());

  test('moderators and above read the figures; days and hours bound the series', async () => {
    for (const role of ['moderator', 'admin', 'owner'] as const) {
      const response = await f.request(role, 'GET', '/v1/stats?days=3&hours=5');
      assert.equal(response.statusCode, 200, response.body);
      const stats = response.json() as Stats;
      assert.deepEqual(stats.signups_per_day, [
        { day: '2026-03-08', count: 2 },
        { day: '2026-03-09', count: 0 },
        { day: '2026-03-10', count: 6 },
      ]);
      const byLevel = Object.fromEntries(stats.users_by_level.map((row) => [row.level_name, row.count]));
      assert.deepEqual(byLevel, { Member: 4, Gold: 1, Builder: 1, Moderator: 1, Admin: 1, Owner: 1 });
      assert.equal(stats.active_bans, 1);
      assert.equal(stats.active_mutes, 1);
      assert.deepEqual(stats.login_failures_per_hour, [
        { hour: '2026-03-10T08:00:00.000Z', count: 0 },
        { hour: '2026-03-10T09:00:00.000Z', count: 1 },
        { hour: '2026-03-10T10:00:00.000Z', count: 0 },
        { hour: '2026-03-10T11:00:00.000Z', count: 0 },
        { hour: '2026-03-10T12:00:00.000Z', count: 2 },
      ]);
    }
  });

  test('defaults: 30 days and 24 hours', async () => {
    const stats = (await f.request('admin', 'GET', '/v1/stats')).json() as Stats;
    assert.equal(stats.signups_per_day.length, 30);
    assert.equal(stats.signups_per_day.at(-1)?.day, '2026-03-10');
    assert.equal(stats.login_failures_per_hour.length, 24);
    assert.equal(
      stats.login_failures_per_hour.reduce((sum, row) => sum + row.count, 0),
      3,
    );
  });

  test('members and anonymous callers are refused', async () => {
    for (const role of ['member', 'builder'] as const) {
      const response = await f.request(role, 'GET', '/v1/stats');
      assert.equal(response.statusCode, 403, role);
      assert.equal(errorCode(response), 'forbidden');
    }
    assert.equal((await f.request(null, 'GET', '/v1/stats')).statusCode, 403);
  });

  test('out-of-range windows are invalid_param', async () => {
    for (const query of ['days=0', 'days=367', 'hours=0', 'hours=337', 'days=x', 'other=1']) {
      const response = await f.request('admin', 'GET', `/v1/stats?${query}`);
      assert.equal(response.statusCode, 400, query);
      assert.equal(errorCode(response), 'invalid_param');
    }
  });
});
