import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { and, cmp } from '../../../src/query/ast.js';
import type { CoreErrorCode } from '../../../src/core/errors.js';
import { Level } from '../../../src/core/access/levels.js';
import { banUser, getSanction, liftSanction, muteUser, restrictUser } from '../../../src/core/moderation/moderation.js';
import { createUser, getUser } from '../../../src/core/users/users.js';
import type { ListRequest } from '../../../src/query/list-page.js';
import { searchSanctions } from '../../../src/query/search-sanctions.js';
import type { User } from '../../../src/core/users/user.js';
import { ANONYMOUS, SYSTEM, viewerFor, type Viewer } from '../../../src/core/access/viewer.js';
import { rejects } from '../../support/assertions.js';
import { createTestCore, type TestCore } from '../../support/database.js';

let clock = Date.UTC(2025, 0, 1);
let core: TestCore;
before(async () => (core = await createTestCore({ now: () => clock })));
after(() => core.dispose());

let serial = 0;
const make = (level: number = Level.Member): Promise<User> => createUser(core, SYSTEM, { name: `mod${++serial}`, level });
const as = (user: User): Viewer => viewerFor(user, { kind: 'session', id: 0 }, null);
const HOUR = 60 * 60 * 1000;

async function openSession(userId: number): Promise<void> {
  await core.db
    .insertInto('sessions')
    .values({ user_id: userId, token_hash: randomUUID(), created_at: clock, expires_at: clock + 24 * HOUR })
    .execute();
}
const openSessions = async (userId: number): Promise<number> =>
  (await core.db.selectFrom('sessions').select('id').where('user_id', '=', userId).where('revoked_at', 'is', null).execute()).length;

describe('banUser and muteUser', () => {
  test('a moderator bans a member: sessions revoked, audited, announced, and it expires by itself', async () => {
    const moderator = await make(Level.Moderator);
    const user = await make();
    await openSession(user.id);
    const announced: number[] = [];
    const unsubscribe = core.changes.subscribe((change) => change.kind === 'user' && announced.push(change.userId));
    const ban = await banUser(core, as(moderator), { userId: user.id, reason: '  spam  ', durationMs: 2 * HOUR });
    unsubscribe();
    assert.deepEqual(
      { kind: ban.kind, user: ban.user_id, actor: ban.actor_id, reason: ban.reason, expires: ban.expires_at, inForce: ban.in_force, lifted: ban.lifted_at },
      { kind: 'ban', user: user.id, actor: moderator.id, reason: 'spam', expires: clock + 2 * HOUR, inForce: true, lifted: null },
    );
    assert.equal((await getUser(core, user.id)).ban?.id, ban.id);
    assert.equal(await openSessions(user.id), 0);
    assert.ok(announced.length > 0 && announced.every((id) => id === user.id));
    const audit = await core.db.selectFrom('audit_log').selectAll().where('subject_type', '=', 'ban').where('subject_id', '=', ban.id).execute();
    assert.equal(audit[0]?.action, 'user.ban');
    assert.deepEqual(JSON.parse(audit[0].details), { reason: 'spam', expires_at: clock + 2 * HOUR });
    await rejects(banUser(core, as(moderator), { userId: user.id, reason: 'again', durationMs: null }), 'conflict');

    clock += 2 * HOUR + 1;
    assert.equal((await getUser(core, user.id)).ban, null, 'expired with no job');
    assert.equal((await getSanction(core, ANONYMOUS, ban.id)).in_force, false);
    const again = await banUser(core, as(moderator), { userId: user.id, reason: 'again', durationMs: null });
    assert.equal(again.expires_at, null);
  });

  test('a mute keeps sessions and is visible only to moderators and the muted user', async () => {
    const moderator = await make(Level.Moderator);
    const user = await make();
    await openSession(user.id);
    const mute = await muteUser(core, as(moderator), { userId: user.id, reason: 'flaming', durationMs: HOUR });
    assert.equal(await openSessions(user.id), 1);
    assert.equal((await getUser(core, user.id)).mute?.id, mute.id);
    assert.equal((await getSanction(core, as(user), mute.id)).id, mute.id);
    assert.equal((await getSanction(core, as(moderator), mute.id)).id, mute.id);
    await rejects(getSanction(core, as(await make()), mute.id), 'forbidden');
    await rejects(getSanction(core, ANONYMOUS, mute.id), 'forbidden');
    await rejects(getSanction(core, SYSTEM, 987_654), 'not_found');
  });

  // [actor, target, expected]
  const rows: readonly [string, number, CoreErrorCode | 'ok'][] = [
    ['moderator', Level.Approver, 'ok'],
    ['moderator', Level.Moderator, 'forbidden'],
    ['moderator', -1, 'forbidden'],
    ['admin', Level.Moderator, 'ok'],
    ['admin', Level.Owner, 'forbidden'],
    ['approver', Level.Member, 'forbidden'],
    ['anonymous', Level.Member, 'forbidden'],
    ['system', Level.Owner, 'ok'],
  ];
  for (const [who, level, expected] of rows) {
    for (const act of [banUser, muteUser]) {
      test(`${who} ${act.name === 'banUser' ? 'bans' : 'mutes'} ${level === -1 ? 'themselves' : `a user of level ${level}`}: ${expected}`, async () => {
        const levels: Record<string, number> = { moderator: Level.Moderator, admin: Level.Admin, approver: Level.Approver };
        const actor = levels[who] === undefined ? null : await make(levels[who]);
        const viewer = who === 'anonymous' ? ANONYMOUS : who === 'system' ? SYSTEM : as(actor!);
        const target = level === -1 ? actor! : await make(level);
        const attempt = act(core, viewer, { userId: target.id, reason: 'rule 1', durationMs: null });
        if (expected !== 'ok') {
          await rejects(attempt, expected);
          assert.equal((await core.db.selectFrom('sanctions').select('id').where('user_id', '=', target.id).execute()).length, 0);
        } else {
          assert.equal((await attempt).in_force, true);
        }
      });
    }
  }

  test('reason and duration are validated together', async () => {
    const user = await make();
    const fields = await rejects(banUser(core, SYSTEM, { userId: user.id, reason: '   ', durationMs: 0 }), 'validation_failed');
    assert.deepEqual(Object.keys(fields).sort(), ['duration', 'reason']);
    await rejects(banUser(core, SYSTEM, { userId: user.id, reason: 'x'.repeat(10_001), durationMs: null }), 'validation_failed');
    await rejects(banUser(core, SYSTEM, { userId: user.id, reason: 'x', durationMs: -5 }), 'validation_failed');
    await rejects(banUser(core, SYSTEM, { userId: 987_654, reason: 'x', durationMs: null }), 'not_found');
  });
});

describe('liftSanction', () => {
  test('a moderator lifts a ban once; the user is no longer banned', async () => {
    const moderator = await make(Level.Moderator);
    const user = await make();
    const ban = await banUser(core, as(moderator), { userId: user.id, reason: 'spam', durationMs: null });
    await rejects(liftSanction(core, as(await make(Level.Approver)), ban.id), 'forbidden');
    const lifted = await liftSanction(core, as(moderator), ban.id);
    assert.equal(lifted.lifted_at, clock);
    assert.equal(lifted.lifted_by_id, moderator.id);
    assert.equal(lifted.in_force, false);
    assert.equal((await getUser(core, user.id)).ban, null);
    await rejects(liftSanction(core, as(moderator), ban.id), 'conflict');
    const audit = await core.db
      .selectFrom('audit_log')
      .select('action')
      .where('subject_id', '=', ban.id)
      .where('subject_type', '=', 'ban')
      .orderBy('id')
      .execute();
    assert.deepEqual(
      audit.map((a) => a.action),
      ['user.ban', 'user.unban'],
    );
  });
});

describe('searchSanctions', () => {
  test('bans are public, mutes need a moderator; filters and in_force work', async () => {
    const moderator = await make(Level.Moderator);
    const user = await make();
    const old = await banUser(core, SYSTEM, { userId: user.id, reason: 'old', durationMs: HOUR });
    clock += 2 * HOUR;
    const current = await banUser(core, SYSTEM, { userId: user.id, reason: 'current', durationMs: null });
    await muteUser(core, SYSTEM, { userId: user.id, reason: 'muted', durationMs: null });
    const request: ListRequest = {
      filter: cmp('user_id', 'eq', user.id),
      sort: [{ kind: 'field', field: 'id', direction: 'asc' }],
      page: { kind: 'offset', limit: 10, offset: 0 },
      count: true,
    };
    const bans = await searchSanctions(core, ANONYMOUS, 'ban', request);
    assert.deepEqual(
      bans.items.map((b) => [b.id, b.in_force]),
      [
        [old.id, false],
        [current.id, true],
      ],
    );
    assert.equal(bans.total, 2);
    const inForce = await searchSanctions(core, ANONYMOUS, 'ban', { ...request, filter: and(request.filter, cmp('in_force', 'eq', true)) });
    assert.deepEqual(
      inForce.items.map((b) => b.id),
      [current.id],
    );
    await rejects(searchSanctions(core, as(user), 'mute', request), 'forbidden');
    const mutes = await searchSanctions(core, as(moderator), 'mute', request);
    assert.deepEqual(
      mutes.items.map((m) => [m.kind, m.reason]),
      [['mute', 'muted']],
    );
  });
});

describe('restrictUser', () => {
  test('admins restrict with a reason; reasons must be null unless restricted', async () => {
    const admin = await make(Level.Admin);
    const user = await make();
    await rejects(restrictUser(core, as(await make(Level.Moderator)), user.id, { restricted: true }), 'forbidden');
    const restricted = await restrictUser(core, as(admin), user.id, { restricted: true, reason: 'chargebacks', privateDetails: 'card 1234' });
    assert.equal(restricted.restricted_by_admin, true);
    assert.equal(restricted.restricted_by_admin_reason, 'chargebacks');
    assert.equal(restricted.restricted_by_admin_private_details, 'card 1234');
    const fields = await rejects(restrictUser(core, as(admin), user.id, { restricted: false, reason: 'x', privateDetails: 'y' }), 'validation_failed');
    assert.deepEqual(Object.keys(fields).sort(), ['restricted_by_admin_private_details', 'restricted_by_admin_reason']);
    const cleared = await restrictUser(core, as(admin), user.id, { restricted: false });
    assert.deepEqual([cleared.restricted_by_admin, cleared.restricted_by_admin_reason, cleared.restricted_by_admin_private_details], [false, null, null]);
    const audit = await core.db.selectFrom('audit_log').select('action').where('target_user_id', '=', user.id).orderBy('id').execute();
    assert.deepEqual(
      audit.map((a) => a.action),
      ['user.create', 'user.restrict', 'user.unrestrict'],
    );
  });
});
