import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createTestCore } from '../support/database.js';

test('migrations create every table and are idempotent', async () => {
  const core = await createTestCore();
  try {
    const tables = ['users', 'name_changes', 'sanctions', 'organizations', 'memberships', 'invitations', 'api_keys', 'sessions', 'stack_projects', 'subscriptions', 'audit_log', 'auth_throttle'];
    for (const table of tables) {
      const result = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(core.db);
      assert.equal(Number(result.rows[0]?.n), 0, table);
    }
    assert.deepEqual(await migrateToLatest(core.db, core.caps), []);
  } finally {
    await core.dispose();
  }
});
