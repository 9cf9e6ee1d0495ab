import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import { banUser, muteUser } from '../../../src/core/moderation/moderation.js';
import { loadUser } from '../../../src/core/users/user-store.js';
import { civitaiStatus } from '../../../src/dialects/civitai/levels.js';
import { renderMe } from '../../../src/dialects/civitai/render.js';
import { createTestCore, type TestCore } from '../../support/database.js';
import { insertUser } from '../../support/users.js';

let core: TestCore;
before(async () => {
  core = await createTestCore();
});
after(() => core.dispose());

async function statusAfter(name: string, sanctions: readonly ('ban' | 'mute')[]): Promise<string> {
  const id = await insertUser(core, { name });
  for (const kind of sanctions) await (kind === 'ban' ? banUser : muteUser)(core, SYSTEM, { userId: id, reason: 'test', durationMs: null });
  const user = await loadUser(core, id);
  assert.ok(user);
  return civitaiStatus(user);
}

test('status: active without sanctions, muted while muted, banned while banned (a ban outranks a mute)', async () => {
  assert.equal(await statusAfter('clean', []), 'active');
  assert.equal(await statusAfter('hushed', ['mute']), 'muted');
  assert.equal(await statusAfter('barred', ['ban']), 'banned');
  assert.equal(await statusAfter('both', ['mute', 'ban']), 'banned');
});

test('renderMe shows a banned user as banned (reachable only by a session Civitai keeps for them; a token is refused)', async () => {
  const id = await insertUser(core, { name: 'rendered' });
  await banUser(core, SYSTEM, { userId: id, reason: 'test', durationMs: null });
  const user = await loadUser(core, id);
  assert.ok(user);
  assert.deepEqual(renderMe(user, { tier: 'free', products: [] }), {
    id,
    username: 'rendered',
    tier: 'free',
    status: 'banned',
    isMember: false,
    subscriptions: [],
  });
});
