import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Level } from '../../../src/core/access/levels.js';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import { AVATAR_NSFW_LEVELS, avatarNsfwOf } from '../../../src/core/users/avatar-nsfw.js';
import { updateUser } from '../../../src/core/users/users.js';
import { rejects } from '../../support/assertions.js';
import { createTestCore, type TestCore } from '../../support/database.js';
import { insertUser, viewerOf } from '../../support/users.js';

let core: TestCore;
before(async () => {
  core = await createTestCore();
});
after(() => core.dispose());

test('the avatar browsing level is None by default and takes each of None, Soft, Mature, X', async () => {
  const id = await insertUser(core, { name: 'painter' });
  assert.equal((await viewerOf(core, id)).user?.avatar_nsfw, 'None');
  for (const level of AVATAR_NSFW_LEVELS) {
    assert.equal((await updateUser(core, SYSTEM, id, { avatarNsfw: level })).avatar_nsfw, level);
  }
});

test('any other label is refused with the field named', async () => {
  const id = await insertUser(core, { name: 'labeller' });
  for (const bad of ['PG', 'none', 'XXX', '', 'Blocked']) {
    assert.deepEqual(await rejects(updateUser(core, SYSTEM, id, { avatarNsfw: bad as 'None' }), 'validation_failed'), {
      avatar_nsfw: ['must be one of None, Soft, Mature, X'],
    });
  }
});

test('it is server data: admins above the user (and the system) write it, the user does not', async () => {
  const member = await insertUser(core, { name: 'rated_member' });
  const admin = await insertUser(core, { name: 'rating_admin', level: Level.Admin });
  await rejects(updateUser(core, await viewerOf(core, member), member, { avatarNsfw: 'None' }), 'forbidden');
  assert.equal((await updateUser(core, await viewerOf(core, admin), member, { avatarNsfw: 'Soft' })).avatar_nsfw, 'Soft');
});

test('a stored label from before the check (an import) reads as None', () => {
  assert.equal(avatarNsfwOf('R'), 'None');
  assert.equal(avatarNsfwOf('Mature'), 'Mature');
});
