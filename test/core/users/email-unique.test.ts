import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import { parseDatabaseUrl } from '../../../src/config.js';
import { isEmailTaken } from '../../../src/core/errors.js';
import { createUser, updateUser } from '../../../src/core/users/users.js';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import { openDatabase } from '../../../src/db/database.js';
import * as initial from '../../../src/db/migrations/0001-initial.js';
import * as emailUnique from '../../../src/db/migrations/0004-email-unique-login-attempts.js';
import { createTestCore, createTestDatabase, TEST_ENGINE, type TestCore } from '../../support/database.js';

describe('email addresses are unique ignoring case', () => {
  let core: TestCore;
  before(async () => {
    core = await createTestCore();
  });
  after(() => core.dispose());

  it('a second account with the same address in another case is email_taken, at creation and on change', async () => {
    await createUser(core, SYSTEM, { name: 'first_holder', email: 'Same@Example.org' });
    await assert.rejects(createUser(core, SYSTEM, { name: 'second_holder', email: 'same@EXAMPLE.org' }), isEmailTaken);
    const other = await createUser(core, SYSTEM, { name: 'third_holder', email: 'other@example.org' });
    await assert.rejects(updateUser(core, SYSTEM, other.id, { email: 'SAME@example.org' }), (error) => {
      assert.ok(isEmailTaken(error));
      assert.equal(error.code, 'conflict');
      assert.deepEqual(error.details.fields, { email: ['has already been taken'] });
      return true;
    });
    assert.equal((await updateUser(core, SYSTEM, other.id, { email: 'Other@Example.org' })).email, 'Other@Example.org', "changing case of one's own is fine");
  });

  it('concurrent claims of one address leave exactly one holder', async () => {
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => createUser(core, SYSTEM, { name: `racer_${i}`, email: `Race@Example.org` })));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    assert.ok(results.every((r) => r.status === 'fulfilled' || isEmailTaken(r.reason)));
  });
});

describe('migration 0002 on a database with duplicate emails', () => {
  it('keeps each address on one account (live, verified, oldest first), clears it elsewhere and audits it', async () => {
    const database = await createTestDatabase();
    const handle = openDatabase(parseDatabaseUrl(database.url));
    try {
      const db = handle.db as unknown as Kysely<unknown>;
      await initial.up(db, { engine: TEST_ENGINE });
      const now = Date.now();
      const insert = async (name: string, email: string | null, extra: { is_deleted?: number; email_verified?: number } = {}) =>
        (
          await handle.db
            .insertInto('users')
            .values({
              uuid: randomUUID(),
              name,
              name_lower: name,
              email,
              email_lower: email?.toLowerCase() ?? null,
              level: 20,
              created_at: now,
              updated_at: now,
              ...extra,
            })
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id;
      const oldest = await insert('oldest', 'dup@example.org');
      const verified = await insert('verified', 'DUP@example.org', { email_verified: 1 });
      const deleted = await insert('deleted', 'dup@EXAMPLE.org', { is_deleted: 1, email_verified: 1 });
      const plainA = await insert('plain_a', 'twice@example.org');
      const plainB = await insert('plain_b', 'Twice@example.org');
      const alone = await insert('alone', 'alone@example.org');
      await emailUnique.up(db, { engine: TEST_ENGINE });
      const rows = await handle.db.selectFrom('users').select(['id', 'email', 'email_verified']).orderBy('id').execute();
      const emailOf = new Map(rows.map((row) => [row.id, row.email]));
      assert.equal(emailOf.get(verified), 'DUP@example.org', 'a live verified holder keeps it');
      assert.equal(emailOf.get(oldest), null);
      assert.equal(emailOf.get(deleted), null);
      assert.equal(emailOf.get(plainA), 'twice@example.org', 'else the oldest keeps it');
      assert.equal(emailOf.get(plainB), null);
      assert.equal(emailOf.get(alone), 'alone@example.org');
      const audit = await handle.db.selectFrom('audit_log').select(['target_user_id', 'action', 'details']).orderBy('target_user_id').execute();
      assert.deepEqual(
        audit.map((row) => [row.target_user_id, row.action, JSON.parse(row.details)]),
        [
          [oldest, 'user.email_deduplicated', { email: 'dup@example.org', kept_by_user_id: verified }],
          [deleted, 'user.email_deduplicated', { email: 'dup@EXAMPLE.org', kept_by_user_id: verified }],
          [plainB, 'user.email_deduplicated', { email: 'Twice@example.org', kept_by_user_id: plainA }],
        ],
      );
      await assert.rejects(insert('late', 'ALONE@example.org'));
    } finally {
      await handle.close();
      await database.drop();
    }
  });
});
