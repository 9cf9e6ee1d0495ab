import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApiKey } from '../../../src/core/auth/api-keys.js';
import { authenticateBearer } from '../../../src/core/auth/authenticate.js';
import { SCOPES, assertNotWiderThanCaller, authorizeCredential, isScope } from '../../../src/core/auth/scopes.js';
import { isCoreError } from '../../../src/core/errors.js';
import { Level } from '../../../src/core/access/levels.js';
import { banUser, liftSanction, muteUser } from '../../../src/core/moderation/moderation.js';
import { renameUser, setUserLevel, updateUser } from '../../../src/core/users/users.js';
import { SYSTEM, type Viewer } from '../../../src/core/access/viewer.js';
import { insertUser, viewerOf } from '../../support/users.js';
import { createTestCore, type TestCore } from '../../support/database.js';

const forbiddenError = (error: unknown): boolean => isCoreError(error) && error.code === 'forbidden';

describe('API key scopes (one vocabulary, enforced by the core)', () => {
  let core: TestCore;
  const clock = Date.UTC(2025, 0, 1);
  let carol: number;

  before(async () => {
    core = await createTestCore({ now: () => clock });
    carol = await insertUser(core, { name: 'carol' });
  });
  after(() => core.dispose());

  const keyViewer = async (input: { scopes?: string[]; permittedIps?: string[]; expiresAt?: number | null }, owner = carol): Promise<Viewer> => {
    const { secret } = await createApiKey(core, SYSTEM, owner, { name: 'k', ...input });
    const viewer = await authenticateBearer(core, secret, '203.0.113.5');
    assert.ok(viewer);
    return viewer;
  };

  it('declares each scope once, all resource:action', () => {
    assert.equal(new Set(SCOPES).size, SCOPES.length);
    for (const scope of SCOPES) assert.match(scope, /^[a-z_]+(\/[a-z_]+)*:[a-z_]+$/);
    assert.ok(isScope('users:index'));
    assert.ok(!isScope('users:everything'));
  });

  it('refuses a key outside its scopes, on undeclared routes, and outside its addresses; never sessions', async () => {
    const viewer = await keyViewer({ scopes: ['users:index'], permittedIps: ['203.0.113.0/24'] });
    assert.doesNotThrow(() => authorizeCredential(viewer, 'users:index', '203.0.113.5'));
    assert.doesNotThrow(() => authorizeCredential(viewer, null, '198.51.100.1'));
    assert.throws(() => authorizeCredential(viewer, 'api_keys:create', '203.0.113.5'), forbiddenError);
    assert.throws(() => authorizeCredential(viewer, undefined, '203.0.113.5'), forbiddenError);
    assert.throws(() => authorizeCredential(viewer, 'users:index', '198.51.100.1'), forbiddenError);
    assert.throws(() => authorizeCredential(viewer, 'users:index', null), forbiddenError);
    assert.doesNotThrow(() => authorizeCredential(SYSTEM, undefined, null));
    const session = await viewerOf(core, carol);
    assert.doesNotThrow(() => authorizeCredential(session, undefined, null));
  });

  it('creating a key refuses names outside the vocabulary', async () => {
    await assert.rejects(createApiKey(core, SYSTEM, carol, { scopes: ['users:everything'] }), (e: unknown) => isCoreError(e) && e.code === 'validation_failed');
  });

  it('a scoped key cannot mint a wider key: no scopes, other scopes, wider addresses, or a later expiry', async () => {
    const parent = await keyViewer({ scopes: ['api_keys:create', 'users:index'], permittedIps: ['203.0.113.0/24'], expiresAt: clock + 60_000 });
    const narrow = { scopes: ['users:index'], permittedIps: ['203.0.113.8/29'], expiresAt: clock + 30_000 };
    const { apiKey } = await createApiKey(core, parent, carol, narrow);
    assert.deepEqual(apiKey.scopes, ['users:index']);
    const wider: Record<string, unknown>[] = [
      { ...narrow, scopes: [] },
      { ...narrow, scopes: ['users:index', 'users:update'] },
      { ...narrow, permittedIps: [] },
      { ...narrow, permittedIps: ['203.0.0.0/16'] },
      { ...narrow, permittedIps: ['198.51.100.1'] },
      { ...narrow, expiresAt: null },
      { ...narrow, expiresAt: clock + 120_000 },
    ];
    for (const input of wider) {
      await assert.rejects(createApiKey(core, parent, carol, input), forbiddenError, JSON.stringify(input));
    }
  });

  it('assertNotWiderThanCaller lets sessions and the system mint anything', async () => {
    const unlimited = { scopes: [], permittedIps: [], expiresAt: null };
    assert.doesNotThrow(() => assertNotWiderThanCaller(SYSTEM, unlimited));
    const session = await viewerOf(core, carol);
    assert.doesNotThrow(() => assertNotWiderThanCaller(session, unlimited));
  });

  it('a new email or password needs the scope of its dedicated route, whichever route carries it (updateUser)', async () => {
    const dave = await insertUser(core, { name: 'dave', email: 'dave@example.org' });
    const keyOf = (scopes: string[]): Promise<Viewer> => keyViewer({ scopes }, dave);
    const narrow = await keyOf(['users:update']);
    await assert.rejects(updateUser(core, narrow, dave, { email: 'other@example.org' }), forbiddenError);
    await assert.rejects(updateUser(core, narrow, dave, { password: 'a long fresh passphrase' }), forbiddenError);
    // Resending the current address changes nothing and asks for nothing.
    assert.equal((await updateUser(core, narrow, dave, { email: 'dave@example.org', firstName: 'Dave' })).first_name, 'Dave');
    assert.equal((await updateUser(core, await keyOf(['users:update', 'emails:update']), dave, { email: 'new@example.org' })).email, 'new@example.org');
    await updateUser(core, await keyOf(['passwords:update']), dave, { password: 'a long fresh passphrase' });
  });

  it('each core step asks its own scope, whichever route calls it: rename, level, ban, mute and their lifts', async () => {
    const boss = await insertUser(core, { name: 'scope_boss', level: Level.Admin });
    const target = await insertUser(core, { name: 'scope_target' });
    const keyOf = (scopes: string[]): Promise<Viewer> => keyViewer({ scopes }, boss);
    const narrow = await keyOf(['users:update']);
    const sanction = { userId: target, reason: 'test', durationMs: null };
    await assert.rejects(renameUser(core, narrow, target, 'scope_renamed'), forbiddenError);
    await assert.rejects(setUserLevel(core, narrow, target, Level.Gold), forbiddenError);
    await assert.rejects(banUser(core, narrow, sanction), forbiddenError);
    await assert.rejects(muteUser(core, narrow, sanction), forbiddenError);
    assert.equal((await renameUser(core, await keyOf(['user_name_change_requests:create']), target, 'scope_renamed')).name, 'scope_renamed');
    assert.equal((await setUserLevel(core, await keyOf(['admin/users:update']), target, Level.Gold)).level, Level.Gold);
    const ban = await banUser(core, await keyOf(['bans:create']), sanction);
    const mute = await muteUser(core, await keyOf(['mutes:create']), sanction);
    // Lifting is its own action: the scope that imposed a sanction does not lift it.
    await assert.rejects(liftSanction(core, await keyOf(['bans:create', 'mutes:destroy']), ban.id), forbiddenError);
    await assert.rejects(liftSanction(core, await keyOf(['bans:destroy', 'mutes:create']), mute.id), forbiddenError);
    assert.ok((await liftSanction(core, await keyOf(['bans:destroy']), ban.id)).lifted_at !== null);
    assert.ok((await liftSanction(core, await keyOf(['mutes:destroy']), mute.id)).lifted_at !== null);
  });
});
