import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import { createUser, getUser } from '../../../src/core/users/users.js';
import { cvatFixture, type CvatFixture } from './http-fixture.js';

describe('CVAT PATCH /api/users/{id} is one core transaction', () => {
  let f: CvatFixture;
  before(async () => {
    f = await cvatFixture();
  });
  after(() => f.close());

  test('a username already taken refuses the whole patch: the names, group and activity sent with it are not written', async () => {
    const user = await createUser(f.core, SYSTEM, { name: 'half_written', firstName: 'Before', lastName: 'Same' });
    const response = await f.request('admin', 'PATCH', `/api/users/${user.id}`, {
      payload: { first_name: 'After', last_name: 'Changed', username: 'owner_user', groups: ['worker'], is_active: false },
    });
    assert.equal(response.statusCode, 400);
    assert.deepEqual(response.json(), { username: ['A user with that username already exists.'] });
    const stored = await getUser(f.core, user.id);
    assert.deepEqual(
      [stored.first_name, stored.last_name, stored.name, stored.level, stored.ban, stored.updated_at],
      ['Before', 'Same', 'half_written', user.level, null, user.updated_at],
    );
    const audit = await f.core.db.selectFrom('audit_log').select('action').where('target_user_id', '=', user.id).where('action', '!=', 'user.create').execute();
    assert.deepEqual(audit, []);
  });
});
