import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { sql } from 'kysely';
import { migrateToLatest, repairSubstringIndex } from '../../src/db/migrate.js';
import { createTestCore } from '../support/database.js';

test('migrations create every table and are idempotent', async () => {
  const core = await createTestCore();
  try {
    const tables = [
      'users',
      'name_changes',
      'sanctions',
      'organizations',
      'memberships',
      'invitations',
      'api_keys',
      'sessions',
      'stack_projects',
      'subscriptions',
      'audit_log',
      'auth_throttle',
    ];
    for (const table of tables) {
      const result = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(core.db);
      assert.equal(Number(result.rows[0]?.n), 0, table);
    }
    assert.deepEqual(await migrateToLatest(core.db, core.caps), []);
  } finally {
    await core.dispose();
  }
});

test('regression: migrating puts back the substring-index triggers a killed bulk load left dropped', async () => {
  const core = await createTestCore();
  try {
    if (core.caps.substringIndex !== 'fts5-trigram') {
      // PostgreSQL's trigram indexes have no triggers to lose.
      assert.equal(await repairSubstringIndex(core.db, core.caps), false);
      return;
    }
    await sql`drop trigger users_fts_insert`.execute(core.db);
    const now = Date.now();
    await core.db
      .insertInto('users')
      .values({ uuid: randomUUID(), name: 'Stranded', name_lower: 'stranded', level: 20, created_at: now, updated_at: now })
      .execute();
    const found = () => sql<{ n: number }>`select count(*) as n from users_fts where users_fts match 'name_lower : "strand"'`.execute(core.db);
    assert.equal(Number((await found()).rows[0]?.n), 0, 'the row was written while the trigger was missing');
    await migrateToLatest(core.db, core.caps);
    assert.equal(Number((await found()).rows[0]?.n), 1, 'the index was rebuilt');
    const triggers = await sql<{ name: string }>`select name from sqlite_master where type = 'trigger' and name like 'users_fts_%' order by name`.execute(
      core.db,
    );
    assert.deepEqual(
      triggers.rows.map((row) => row.name),
      ['users_fts_delete', 'users_fts_insert', 'users_fts_update'],
    );
    assert.equal(await repairSubstringIndex(core.db, core.caps), false, 'nothing left to repair');
  } finally {
    await core.dispose();
  }
});
