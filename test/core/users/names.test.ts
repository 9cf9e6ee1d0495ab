import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cmp, match, TRUE } from '../../../src/query/ast.js';
import type { CoreErrorCode } from '../../../src/core/errors.js';
import { Level } from '../../../src/core/access/levels.js';
import { nameKey, nameProblems, normalizeName } from '../../../src/core/users/names.js';
import { createUser, deleteUser, getUser, renameUser, SELF_RENAME_INTERVAL_MS } from '../../../src/core/users/users.js';
import type { ListRequest } from '../../../src/query/list-page.js';
import { listNameChanges } from '../../../src/query/list-name-changes.js';
import type { User } from '../../../src/core/users/user.js';
import { ANONYMOUS, SYSTEM, viewerFor, type Viewer } from '../../../src/core/access/viewer.js';
import { rejects } from '../../support/assertions.js';
import { createTestCore, type TestCore } from '../../support/database.js';

let clock = Date.UTC(2025, 0, 1);
let core: TestCore;
before(async () => (core = await createTestCore({ now: () => clock })));
after(() => core.dispose());

let serial = 0;
const uniqueName = (prefix = 'name'): string => `${prefix}${++serial}`;
const make = (level: number = Level.Member): Promise<User> => createUser(core, SYSTEM, { name: uniqueName(), level });
const as = (user: User): Viewer => viewerFor(user, { kind: 'session', id: 0 }, null);
const DAY = 24 * 60 * 60 * 1000;

const history = (userId: number) => core.db.selectFrom('name_changes').selectAll().where('user_id', '=', userId).orderBy('id').execute();

describe('name rules (names.ts)', () => {
  const normalized: readonly [string, string][] = [
    ['  alice  ', 'alice'],
    ['mary jane', 'mary_jane'],
    ['a  b', 'a_b'],
    ['Cafe\u0301', 'Café'],
  ];
  for (const [raw, expected] of normalized) test(`normalizeName(${JSON.stringify(raw)}) = ${expected}`, () => assert.equal(normalizeName(raw), expected));
  test('nameKey folds case after normalizing', () => assert.equal(nameKey(' Mary Jane '), 'mary_jane'));

  const problems: readonly [string, string[], boolean?][] = [
    ['alice', []],
    ['', ["can't be blank"]],
    ['a'.repeat(151), ['must be at most 150 characters long']],
    ['zero\u200bwidth', ["can't contain whitespace or invisible characters"]],
    ['tab\there', ["can't contain whitespace or invisible characters"]],
    ['Me', ['is a reserved name']],
    ['user_42', ["can't be user_<number>"]],
    ['user_42', [], true],
    ['user_4x', []],
  ];
  for (const [name, expected, allowDeleted] of problems) {
    test(`nameProblems(${JSON.stringify(name.slice(0, 20))}${allowDeleted ? ', deleted allowed' : ''})`, () => {
      assert.deepEqual(nameProblems(name, { allowDeletedPattern: allowDeleted ?? false }), expected);
    });
  }
});

describe('renameUser', () => {
  test('a user renames themselves once a week; the history records it', async () => {
    const user = await make();
    const renamed = await renameUser(core, as(user), user.id, ' fresh  start ');
    assert.equal(renamed.name, 'fresh_start');
    const rows = await history(user.id);
    assert.equal(rows.length, 1);
    assert.deepEqual(
      { old: rows[0]!.old_name, new: rows[0]!.new_name, oldLower: rows[0]!.old_name_lower, newLower: rows[0]!.new_name_lower, actor: rows[0]!.actor_id },
      { old: user.name, new: 'fresh_start', oldLower: user.name.toLowerCase(), newLower: 'fresh_start', actor: user.id },
    );
    clock += 6 * DAY;
    assert.deepEqual(await rejects(renameUser(core, as(renamed), user.id, 'again'), 'validation_failed'), { name: ['can only be changed once per week'] });
    clock += DAY + 1;
    assert.equal((await renameUser(core, as(renamed), user.id, 'again')).name, 'again');
    assert.equal(SELF_RENAME_INTERVAL_MS, 7 * DAY);
  });

  test('a case-only change of your own name is allowed; the same name is not', async () => {
    const user = await createUser(core, SYSTEM, { name: uniqueName('casey') });
    assert.equal((await renameUser(core, as(user), user.id, user.name.toUpperCase())).name, user.name.toUpperCase());
    await rejects(renameUser(core, SYSTEM, user.id, user.name.toUpperCase()), 'validation_failed');
  });

  // [renamer, target, expected]
  const rows: readonly [string, number, CoreErrorCode | 'ok'][] = [
    ['moderator', Level.Member, 'ok'],
    ['moderator', Level.Approver, 'ok'],
    ['moderator', Level.Moderator, 'forbidden'],
    ['admin', Level.Moderator, 'ok'],
    ['member', Level.Member, 'forbidden'],
    ['anonymous', Level.Member, 'forbidden'],
    ['system', Level.Owner, 'ok'],
  ];
  for (const [who, level, expected] of rows) {
    test(`${who} renames a user of level ${level}: ${expected}`, async () => {
      const levels: Record<string, number> = { moderator: Level.Moderator, admin: Level.Admin, member: Level.Member };
      const viewer = who === 'anonymous' ? ANONYMOUS : who === 'system' ? SYSTEM : as(await make(levels[who]));
      const target = await make(level);
      const attempt = renameUser(core, viewer, target.id, uniqueName('renamed'));
      if (expected !== 'ok') return void (await rejects(attempt, expected));
      await attempt;
      // Staff are not held to the weekly limit, and their renames are audited.
      await renameUser(core, viewer, target.id, uniqueName('renamed'));
      assert.equal((await history(target.id)).length, 2);
      const audit = await core.db
        .selectFrom('audit_log')
        .select('action')
        .where('target_user_id', '=', target.id)
        .where('action', '=', 'user.rename')
        .execute();
      assert.equal(audit.length, 2);
    });
  }

  test('a taken name (ignoring case) gives conflict and leaves no history row', async () => {
    const holder = await make();
    const user = await make();
    assert.deepEqual(await rejects(renameUser(core, as(user), user.id, holder.name.toUpperCase()), 'conflict'), { name: ['already taken'] });
    assert.equal((await history(user.id)).length, 0);
    assert.equal((await getUser(core, user.id)).name, user.name);
  });

  test('invalid names are refused, including the deleted-account pattern', async () => {
    const user = await make();
    for (const name of ['user_123', 'none', '', 'a\u200bb']) await rejects(renameUser(core, SYSTEM, user.id, name), 'validation_failed');
    assert.equal((await history(user.id)).length, 0);
  });
});

describe('listNameChanges', () => {
  test('anonymous sees nothing, members see non-deleted accounts, moderators everything', async () => {
    const prefix = uniqueName('hist');
    const kept = await make();
    const gone = await createUser(core, SYSTEM, { name: uniqueName(), password: 'secret password' });
    await renameUser(core, SYSTEM, kept.id, `${prefix}_kept`);
    await renameUser(core, SYSTEM, gone.id, `${prefix}_gone`);
    await deleteUser(core, as(gone), gone.id, { password: 'secret password' });
    const request: ListRequest = {
      filter: cmp('user_id', 'eq', gone.id),
      sort: [{ kind: 'field', field: 'id', direction: 'asc' }],
      page: { kind: 'offset', limit: 10, offset: 0 },
      count: true,
    };
    const member = as(await make());
    const moderator = as(await make(Level.Moderator));
    assert.deepEqual((await listNameChanges(core, ANONYMOUS, { ...request, filter: TRUE })).items, []);
    assert.deepEqual((await listNameChanges(core, member, request)).items, []);
    const seen = await listNameChanges(core, moderator, request);
    assert.deepEqual(
      seen.items.map((c) => c.new_name),
      [`${prefix}_gone`, `user_${gone.id}`],
    );
    assert.equal(seen.total, 2);
    const ofKept = await listNameChanges(core, member, { ...request, filter: match('new_name', 'exact', `${prefix.toUpperCase()}_KEPT`) });
    assert.deepEqual(
      ofKept.items.map((c) => [c.user_id, c.old_name]),
      [[kept.id, kept.name]],
    );
  });
});
