import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApiKey, revokeApiKey } from '../../../src/core/auth/api-keys.js';
import { authenticateBearer, authenticateNameAndKey } from '../../../src/core/auth/authenticate.js';
import { authorizeCredential, type Scope } from '../../../src/core/auth/scopes.js';
import type { Viewer as KeyViewer } from '../../../src/core/access/viewer.js';

const checkKeyPermission = (viewer: KeyViewer, scope: Scope | undefined, ip: string | null): boolean => {
  try {
    authorizeCredential(viewer, scope, ip);
    return true;
  } catch {
    return false;
  }
};
import type { Core } from '../../../src/core/context.js';
import { CACHE_TTL_MS } from '../../../src/core/change-bound-cache.js';
import { credentialBinding, credentialCacheFor } from '../../../src/core/auth/credential-cache.js';
import { hashPassword } from '../../../src/core/auth/passwords.js';
import { login } from '../../../src/core/auth/sessions.js';
import { loadUser } from '../../../src/core/users/user-store.js';
import { SYSTEM, viewerFor } from '../../../src/core/access/viewer.js';
import { insertUser } from '../../support/users.js';
import { createTestCore, type TestCore } from '../../support/database.js';

/** Bans through the database and the change feed, as the moderation helper does. */
async function ban(core: Core, userId: number, expiresAt: number | null): Promise<void> {
  await core.db.transaction().execute(async (trx) => {
    const now = core.now();
    await trx
      .insertInto('sanctions')
      .values({
        kind: 'ban',
        user_id: userId,
        actor_id: null,
        reason: 'spam',
        created_at: now,
        updated_at: now,
        expires_at: expiresAt,
        lifted_at: null,
        lifted_by_id: null,
      })
      .execute();
    await core.changes.publish(trx, { kind: 'user', userId });
  });
}

describe('authentication', () => {
  let core: TestCore;
  let clock = Date.UTC(2024, 0, 1);
  let user: number;

  before(async () => {
    core = await createTestCore({ now: () => clock });
    user = await insertUser(core, { name: 'Some_Body', password_hash: await hashPassword('correct horse') });
  });
  after(() => core.dispose());

  const newKey = async (input: Parameters<typeof createApiKey>[3] = {}, owner = user) => (await createApiKey(core, SYSTEM, owner, input)).secret;

  it('turns an API key into a viewer carrying its restrictions', async () => {
    const secret = await newKey({ scopes: ['users:show'], permittedIps: ['198.51.100.0/24'] });
    const viewer = await authenticateBearer(core, secret, '198.51.100.7');
    assert.equal(viewer?.id, user);
    assert.equal(viewer?.user?.name, 'Some_Body');
    assert.equal(viewer?.ip, '198.51.100.7');
    assert.equal(viewer?.credential.kind, 'api_key');
    assert.ok(viewer?.credential.kind === 'api_key');
    assert.deepEqual([viewer.credential.scopes, viewer.credential.permittedIps], [['users:show'], ['198.51.100.0/24']]);
    assert.equal((await authenticateBearer(core, secret, '203.0.113.1'))?.ip, '203.0.113.1', 'cached viewers take the caller address');
  });

  it('turns a session token into a viewer', async () => {
    const { token, session } = await login(core, { login: 'some_body', password: 'correct horse', ip: null });
    const viewer = await authenticateBearer(core, token, null);
    assert.deepEqual(viewer?.credential, { kind: 'session', id: session.id, createdAt: session.created_at });
  });

  it('returns null for unknown, empty, over-long and altered tokens', async () => {
    const secret = await newKey();
    for (const token of ['', 'x', 'x'.repeat(10_000), `${secret.slice(0, -1)}A`, secret.toUpperCase()]) {
      if (token === secret) continue;
      assert.equal(await authenticateBearer(core, token, null), null, token.slice(0, 50));
    }
  });

  it('accepts login + api_key by name ignoring case and spaces, for API keys only', async () => {
    const secret = await newKey();
    assert.equal((await authenticateNameAndKey(core, 'some body', secret, null))?.id, user);
    assert.equal((await authenticateNameAndKey(core, 'SOME_BODY', secret, null))?.id, user);
    assert.equal(await authenticateNameAndKey(core, 'somebody_else', secret, null), null);
    assert.equal(await authenticateNameAndKey(core, '', secret, null), null);
    const { token } = await login(core, { login: 'Some_Body', password: 'correct horse', ip: null });
    assert.equal(await authenticateNameAndKey(core, 'Some_Body', token, null), null, 'a session token is not an API key');
  });

  it('refuses an expired key, even from the cache', async () => {
    const secret = await newKey({ expiresAt: clock + 5_000 });
    assert.ok(await authenticateBearer(core, secret, null));
    clock += 5_000;
    assert.equal(await authenticateBearer(core, secret, null), null);
  });

  it('refuses a revoked key on the very next call', async () => {
    const secret = await newKey();
    const viewer = await authenticateBearer(core, secret, null);
    assert.ok(viewer?.credential.kind === 'api_key');
    await revokeApiKey(core, SYSTEM, viewer.credential.id);
    assert.equal(await authenticateBearer(core, secret, null), null);
    assert.equal(await authenticateNameAndKey(core, 'Some_Body', secret, null), null);
  });

  it("refuses a banned user's key at once, and accepts it again when the ban expires", async () => {
    const banned = await insertUser(core, { name: 'banned_soon' });
    const secret = await newKey({}, banned);
    assert.ok(await authenticateBearer(core, secret, null));
    const expiresAt = clock + CACHE_TTL_MS / 3;
    await ban(core, banned, expiresAt);
    assert.equal(await authenticateBearer(core, secret, null), null);
    clock = expiresAt - 1;
    assert.equal(await authenticateBearer(core, secret, null), null);
    clock = expiresAt;
    assert.equal((await authenticateBearer(core, secret, null))?.id, banned, 'the cached refusal ends with the ban');
  });

  it('refuses the keys of a permanently banned user and of a deleted user', async () => {
    const forever = await insertUser(core, { name: 'banned_forever' });
    const gone = await insertUser(core, { name: 'deleted_one' });
    const foreverKey = await newKey({}, forever);
    const goneKey = await newKey({}, gone);
    assert.ok(await authenticateBearer(core, goneKey, null));
    await ban(core, forever, null);
    await core.db.transaction().execute(async (trx) => {
      await trx.updateTable('users').set({ is_deleted: 1 }).where('id', '=', gone).execute();
      await core.changes.publish(trx, { kind: 'user', userId: gone });
    });
    clock += 365 * 86_400_000;
    assert.equal(await authenticateBearer(core, foreverKey, null), null);
    assert.equal(await authenticateBearer(core, goneKey, null), null);
  });

  it('checks scopes and permitted addresses of API keys only', async () => {
    const scoped = await authenticateBearer(core, await newKey({ scopes: ['users:index'], permittedIps: ['203.0.113.0/24', '2001:db8::/32'] }), null);
    const open = await authenticateBearer(core, await newKey(), null);
    assert.ok(scoped && open);
    const table: [Scope, string | null, boolean][] = [
      ['users:index', '203.0.113.9', true],
      ['users:index', '::ffff:203.0.113.9', true],
      ['users:index', '2001:db8:1::5', true],
      ['users:show', '203.0.113.9', false],
      ['users:index', '198.51.100.1', false],
      ['users:index', null, false],
      ['users:index', 'not an ip', false],
    ];
    for (const [action, ip, expected] of table) assert.equal(checkKeyPermission(scoped, action, ip), expected, `${action} from ${ip}`);
    assert.equal(checkKeyPermission(open, undefined, null), true, 'an unscoped key passes a route that declares no scope');
    assert.equal(checkKeyPermission(scoped, undefined, '203.0.113.9'), false, 'a scoped key is refused on a route that declares no scope');
    const person = await loadUser(core, user);
    assert.ok(person);
    assert.equal(checkKeyPermission(viewerFor(person, { kind: 'session', id: 1 }, null), 'users:show', null), true);
    assert.equal(checkKeyPermission(SYSTEM, 'users:show', null), true);
  });

  it('does not cache a lookup that an invalidation overtook', async () => {
    const cache = credentialCacheFor(core);
    const person = await loadUser(core, user);
    assert.ok(person);
    const entry = { user: person, credential: { kind: 'session', id: 1 } as const, validUntil: clock + 1000 };
    const generation = cache.generation;
    await core.changes.publish(core.db, { kind: 'credential', tokenHash: 'other' });
    cache.set('raced', entry, credentialBinding('raced', entry), generation);
    assert.equal(cache.get('raced', clock), null);
    cache.set('raced', entry, credentialBinding('raced', entry), cache.generation);
    assert.equal(cache.get('raced', clock), entry);
    await core.changes.publish(core.db, { kind: 'user', userId: user });
    assert.equal(cache.get('raced', clock), null, 'dropped with its user');
  });
});
