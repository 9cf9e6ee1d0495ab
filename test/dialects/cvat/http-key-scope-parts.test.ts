import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Level } from '../../../src/core/access/levels.js';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import { createApiKey } from '../../../src/core/auth/api-keys.js';
import { createUser, getUser } from '../../../src/core/users/users.js';
import { cvatFixture, type CvatFixture } from './http-fixture.js';

const DENIED = { detail: 'You do not have permission to perform this action.' };
const WIDER = ['users:update', 'user_name_change_requests:create', 'admin/users:update', 'bans:create', 'bans:destroy', 'emails:update'];

describe('CVAT PATCH /api/users/{id}: each part needs the scope of its dedicated route (core rule)', () => {
  let f: CvatFixture;
  before(async () => {
    f = await cvatFixture();
  });
  after(() => f.close());

  const adminKey = async (scopes: string[]): Promise<string> => (await createApiKey(f.core, SYSTEM, f.users.admin.id, { name: 'scoped', scopes })).secret;
  const patch = (secret: string, id: number, payload: object) =>
    f.app.inject({ method: 'PATCH', url: `/cvat/api/users/${id}`, headers: { authorization: `Token ${secret}` }, payload });

  test('a users:update key changes first_name (and may resend the unchanged username, group and activity)', async () => {
    const user = await createUser(f.core, SYSTEM, { name: 'profile_only' });
    const secret = await adminKey(['users:update']);
    const response = await patch(secret, user.id, { first_name: 'Renamed', username: 'profile_only', groups: ['user'], is_active: true });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal((await getUser(f.core, user.id)).first_name, 'Renamed');
  });

  for (const [part, payload] of [
    ['groups (a level change)', { groups: ['worker'] }],
    ['is_active (a ban)', { is_active: false }],
    ['username (a rename)', { username: 'new_name' }],
    ['email (an address change)', { email: 'elsewhere@example.org' }],
  ] as const) {
    test(`a users:update key cannot change ${part}: 403 in DRF words, nothing written`, async () => {
      const user = await createUser(f.core, SYSTEM, { name: `narrow_${part.slice(0, 3)}`, firstName: 'Before' });
      const secret = await adminKey(['users:update']);
      const response = await patch(secret, user.id, { first_name: 'After', ...payload });
      assert.equal(response.statusCode, 403);
      assert.deepEqual(response.json(), DENIED);
      const stored = await getUser(f.core, user.id);
      assert.deepEqual([stored.first_name, stored.name, stored.level, stored.ban, stored.email], ['Before', user.name, user.level, null, null]);
    });
  }

  test('a key with the scopes of the dedicated routes renames, promotes, deactivates and reactivates', async () => {
    const user = await createUser(f.core, SYSTEM, { name: 'wide_target' });
    const secret = await adminKey(WIDER);
    const changed = await patch(secret, user.id, {
      first_name: 'Wide',
      username: 'wide_renamed',
      groups: ['worker'],
      is_active: false,
      email: 'wide@example.org',
    });
    assert.equal(changed.statusCode, 200, changed.body);
    const stored = await getUser(f.core, user.id);
    assert.deepEqual(
      [stored.first_name, stored.name, stored.level, stored.ban !== null, stored.email],
      ['Wide', 'wide_renamed', Level.Restricted, true, 'wide@example.org'],
    );
    const reactivated = await patch(secret, user.id, { is_active: true });
    assert.equal(reactivated.statusCode, 200, reactivated.body);
    assert.equal((await getUser(f.core, user.id)).ban, null);
  });

  test('reactivating needs bans:destroy: a key with bans:create only cannot lift the ban', async () => {
    const user = await createUser(f.core, SYSTEM, { name: 'banned_target' });
    assert.equal((await patch(await adminKey(WIDER), user.id, { is_active: false })).statusCode, 200);
    const response = await patch(await adminKey(['users:update', 'bans:create']), user.id, { is_active: true });
    assert.equal(response.statusCode, 403);
    assert.notEqual((await getUser(f.core, user.id)).ban, null);
  });
});
