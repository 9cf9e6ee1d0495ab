import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Level } from '../../../src/core/access/levels.js';
import { createApiKey } from '../../../src/core/auth/api-keys.js';
import { authenticateBearer } from '../../../src/core/auth/authenticate.js';
import { SYSTEM, type Viewer } from '../../../src/core/access/viewer.js';
import { updateAccount } from '../../../src/core/users/account-update.js';
import { requireUser } from '../../../src/core/users/require-user.js';
import { isCoreError } from '../../../src/core/errors.js';
import { insertUser, viewerOf } from '../../support/users.js';
import { createTestCore, type TestCore } from '../../support/database.js';

describe('updateAccount: several changes to one account, all or nothing', () => {
  let core: TestCore;
  let admin: number;
  before(async () => {
    core = await createTestCore();
    admin = await insertUser(core, { name: 'boss', level: Level.Admin });
    await insertUser(core, { name: 'taken_name' });
  });
  after(() => core.dispose());

  const trail = async (userId: number) => ({
    names: await core.db.selectFrom('name_changes').select('new_name').where('user_id', '=', userId).execute(),
    audit: await core.db.selectFrom('audit_log').select('action').where('target_user_id', '=', userId).execute(),
    bans: await core.db.selectFrom('sanctions').select('id').where('user_id', '=', userId).execute(),
  });

  test('a refused last part (a level the viewer may not give) leaves the profile and the name as they were', async () => {
    const id = await insertUser(core, { name: 'target_one', first_name: 'Before' });
    const before = await requireUser(core, id);
    const refused = await updateAccount(core, await viewerOf(core, admin), id, {
      profile: { firstName: 'After' },
      name: 'target_renamed',
      level: Level.Owner,
    }).catch((error: unknown) => error);
    assert.ok(isCoreError(refused) && refused.code === 'forbidden', String(refused));
    const after = await requireUser(core, id);
    assert.deepEqual([after.first_name, after.name, after.level, after.updated_at], [before.first_name, before.name, before.level, before.updated_at]);
    assert.deepEqual(await trail(id), { names: [], audit: [], bans: [] });
  });

  test('a taken name refuses the whole change: the profile written before it is rolled back, no ban is imposed', async () => {
    const id = await insertUser(core, { name: 'target_two', first_name: 'Before' });
    const refused = await updateAccount(core, await viewerOf(core, admin), id, {
      profile: { firstName: 'After' },
      name: 'TAKEN_name',
      active: false,
    }).catch((error: unknown) => error);
    assert.ok(isCoreError(refused) && refused.code === 'conflict' && refused.details.conflict === 'name_taken', String(refused));
    assert.equal((await requireUser(core, id)).first_name, 'Before');
    assert.deepEqual(await trail(id), { names: [], audit: [], bans: [] });
  });

  test('when every part is allowed, all are written and each is audited', async () => {
    const id = await insertUser(core, { name: 'target_three' });
    const user = await updateAccount(core, await viewerOf(core, admin), id, {
      profile: { firstName: 'New' },
      name: 'target_three_b',
      level: Level.Moderator,
      active: false,
      deactivationReason: 'test',
    });
    assert.deepEqual([user.first_name, user.name, user.level, user.ban?.reason], ['New', 'target_three_b', Level.Moderator, 'test']);
    const actions = (await trail(id)).audit.map((row) => row.action).sort();
    assert.deepEqual(actions, ['user.ban', 'user.rename', 'user.set_level', 'user.update']);
  });

  const adminKey = async (scopes: string[]): Promise<Viewer> => {
    const { secret } = await createApiKey(core, SYSTEM, admin, { name: 'scoped', scopes });
    const viewer = await authenticateBearer(core, secret, '127.0.0.1');
    assert.ok(viewer);
    return viewer;
  };

  test('a key scoped to users:update writes the profile, but each rename, level change, ban or lift needs its own scope; nothing is written', async () => {
    const narrow = await adminKey(['users:update']);
    const id = await insertUser(core, { name: 'scoped_target', first_name: 'Before' });
    for (const part of [{ name: 'scoped_renamed' }, { level: Level.Moderator }, { active: false }]) {
      const refused = await updateAccount(core, narrow, id, { profile: { firstName: 'After' }, ...part }).catch((error: unknown) => error);
      assert.ok(isCoreError(refused) && refused.code === 'forbidden', JSON.stringify(part));
    }
    assert.equal((await requireUser(core, id)).first_name, 'Before');
    assert.deepEqual(await trail(id), { names: [], audit: [], bans: [] });
    // Parts that change nothing ask for nothing.
    const user = await updateAccount(core, narrow, id, { profile: { firstName: 'After' }, name: 'scoped_target', level: Level.Member, active: true });
    assert.equal(user.first_name, 'After');
    const wide = await adminKey(['users:update', 'user_name_change_requests:create', 'admin/users:update', 'bans:create']);
    const changed = await updateAccount(core, wide, id, { name: 'scoped_renamed', level: Level.Moderator, active: false });
    assert.deepEqual([changed.name, changed.level, changed.ban !== null], ['scoped_renamed', Level.Moderator, true]);
    const lift = await updateAccount(core, wide, id, { active: true }).catch((error: unknown) => error);
    assert.ok(isCoreError(lift) && lift.code === 'forbidden', 'lifting a ban needs bans:destroy');
    assert.equal((await updateAccount(core, await adminKey(['bans:destroy']), id, { active: true })).ban, null);
  });
});
