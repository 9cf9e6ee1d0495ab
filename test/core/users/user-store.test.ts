import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import { DEFAULT_PREFERENCES, parsePreferences } from '../../../src/core/users/preferences.js';
import { countersOf, parseJson, stringList, USER_COLUMNS, type User } from '../../../src/core/users/user.js';
import { loadUser } from '../../../src/core/users/user-store.js';
import { createUser } from '../../../src/core/users/users.js';
import { COUNTER_NAMES } from '../../../src/db/schema.js';
import { createTestCore, type TestCore } from '../../support/database.js';

let core: TestCore;
before(async () => {
  core = await createTestCore();
});
after(async () => {
  await core.dispose();
});

/** Every field of a user, read out (getters included) into a plain object. */
const fieldsOf = (user: User): Record<string, unknown> => Object.fromEntries(Object.keys(user).map((key) => [key, user[key as keyof User]]));

describe('loadUser reads a narrow projection', () => {
  test('every field of the user comes from the row, as a full read would give it', async () => {
    const created = await createUser(core, SYSTEM, { name: 'projected', email: 'P@example.com', password: 'a long enough password 1' });
    let counter = 0;
    await core.db
      .updateTable('users')
      .set({
        ...Object.fromEntries(COUNTER_NAMES.map((name) => [name, ++counter])),
        preferences: JSON.stringify({ time_zone: 'UTC', per_page: 50, flags: { hide_comments: true } }),
        client_metadata: '{"a":1}',
        client_read_only_metadata: '[2]',
        server_metadata: '"s"',
        risk_scores: '{"sign_up":{"bot":3,"free_trial_abuse":4}}',
        artist_tags: '["one","two"]',
        display_name: 'Display',
        country_code: 'NZ',
        last_ip_addr: '192.0.2.1',
        last_active_at: 123,
      })
      .where('id', '=', created.id)
      .execute();
    const row = await core.db.selectFrom('users').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    const user = await loadUser(core, created.id);
    assert.ok(user);
    const fields = fieldsOf(user);
    // Every column a user is built from is in the projection, and nothing else is read.
    for (const column of USER_COLUMNS) assert.ok(column in row);
    assert.equal(fields.has_password, true);
    assert.deepEqual(fields.preferences, parsePreferences(row.preferences));
    assert.equal((fields.preferences as typeof DEFAULT_PREFERENCES).flags.hide_comments, true);
    assert.deepEqual(fields.counters, countersOf(row));
    assert.deepEqual(fields.client_metadata, { a: 1 });
    assert.deepEqual(fields.client_read_only_metadata, [2]);
    assert.equal(fields.server_metadata, 's');
    assert.deepEqual(fields.risk_scores, parseJson(row.risk_scores));
    assert.deepEqual(fields.artist_tags, stringList(parseJson(row.artist_tags)));
    for (const column of USER_COLUMNS) {
      if (['email_verified', 'is_deleted', 'is_anonymous', 'restricted_by_admin', 'self_signed_up'].includes(column)) {
        assert.equal(fields[column], row[column] === 1, column);
      } else if (
        !['preferences', 'client_metadata', 'client_read_only_metadata', 'server_metadata', 'risk_scores', 'artist_tags'].includes(column) &&
        !(COUNTER_NAMES as readonly string[]).includes(column)
      ) {
        assert.equal(fields[column], row[column], column);
      }
    }
    // The lower-cased keys and the hash itself never reach the user.
    assert.ok(!('password_hash' in fields) && !('name_lower' in fields) && !('email_lower' in fields));
  });

  test('a user without a password, and with untouched settings, reads the defaults', async () => {
    const created = await createUser(core, SYSTEM, { name: 'plain' });
    const user = await loadUser(core, created.id);
    assert.equal(user?.has_password, false);
    assert.equal(user?.preferences, DEFAULT_PREFERENCES);
    assert.deepEqual(user?.artist_tags, []);
  });

  test('identical settings documents are parsed once and shared, frozen', async () => {
    const settings = JSON.stringify({ per_page: 75, flags: { enable_safe_mode: true } });
    const ids: number[] = [];
    for (const name of ['same_a', 'same_b']) {
      const created = await createUser(core, SYSTEM, { name });
      await core.db.updateTable('users').set({ preferences: settings }).where('id', '=', created.id).execute();
      ids.push(created.id);
    }
    const [a, b] = await Promise.all(ids.map((id) => loadUser(core, id)));
    assert.equal(a?.preferences.per_page, 75);
    assert.equal(a?.preferences.flags.enable_safe_mode, true);
    assert.equal(a?.preferences, b?.preferences);
    assert.ok(Object.isFrozen(a?.preferences.flags));
  });

  test('the user stays frozen, its parsed fields too', async () => {
    const created = await createUser(core, SYSTEM, { name: 'frozen' });
    const user = (await loadUser(core, created.id))!;
    assert.ok(Object.isFrozen(user));
    assert.ok(Object.isFrozen(user.counters));
    assert.ok(Object.isFrozen(user.preferences));
    assert.throws(() => {
      (user as { preferences: unknown }).preferences = {};
    }, TypeError);
  });
});
