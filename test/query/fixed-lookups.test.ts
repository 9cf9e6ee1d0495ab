import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { loadUsers } from '../../src/core/users/user-store.js';
import type { RanStatement } from '../../src/db/database.js';
import { createTestCore, TEST_ENGINE, type TestCore } from '../support/database.js';
import { insertUser } from '../support/users.js';

const NOW = 1_700_000_000_000;

/**
 * The fixed lookups (db/fixed-query.ts): the same SQL text whatever the number of ids, the
 * sanctions read only for users that have one in force, and on PostgreSQL a named statement.
 */
describe(`fixed lookups (${TEST_ENGINE})`, () => {
  let core: TestCore;
  let ids: number[];
  const ran: RanStatement[] = [];

  before(async () => {
    // One connection, so that PostgreSQL's prepared statements are those of the connection asked.
    core = await createTestCore({ now: () => NOW, env: { ROSTER_PG_POOL_SIZE: '1' } });
    ids = [];
    for (const name of ['ann', 'ben', 'cat', 'dan']) ids.push(await insertUser(core, { name }));
    const [, ben, cat] = ids as [number, number, number, number];
    const sanction = (user_id: number, kind: 'ban' | 'mute', created_at: number, extra: { expires_at?: number; lifted_at?: number } = {}) => ({
      user_id,
      kind,
      reason: `${kind} ${created_at}`,
      actor_id: null,
      created_at,
      updated_at: created_at,
      expires_at: null,
      lifted_at: null,
      lifted_by_id: null,
      ...extra,
    });
    await core.db
      .insertInto('sanctions')
      .values([
        sanction(ben, 'ban', NOW - 3000),
        sanction(ben, 'ban', NOW - 1000),
        // Newer, but lifted or expired: not in force.
        sanction(ben, 'ban', NOW - 500, { lifted_at: NOW - 100 }),
        sanction(ben, 'ban', NOW - 400, { expires_at: NOW - 1 }),
        sanction(cat, 'mute', NOW - 2000, { expires_at: NOW + 60_000 }),
      ])
      .execute();
    core.databaseObserver.onStatement((_, statement) => ran.push(statement));
  });

  after(() => core?.dispose());

  test('one SQL text for one id, one for any list of ids; rows in the order asked, unknown ids skipped', async () => {
    ran.length = 0;
    const [ann, ben, cat, dan] = ids as [number, number, number, number];
    assert.deepEqual(
      (await loadUsers(core, [ann])).map((user) => user.name),
      ['ann'],
    );
    const one = ran.map((statement) => statement.sql);
    assert.equal(one.length, 1, 'no sanctions query for users without one');
    ran.length = 0;
    assert.deepEqual(
      (await loadUsers(core, [dan, 999_999, ann, dan])).map((user) => user.name),
      ['dan', 'ann', 'dan'],
    );
    const many = ran.map((statement) => statement.sql);
    ran.length = 0;
    assert.deepEqual(
      (await loadUsers(core, [ann, dan])).map((user) => user.name),
      ['ann', 'dan'],
    );
    assert.deepEqual(
      ran.map((statement) => statement.sql),
      many,
      'the same text whatever the number of ids',
    );
    assert.equal(many.length, 1);
    assert.notDeepEqual(many, one);
    ran.length = 0;
    assert.deepEqual(
      (await loadUsers(core, [999_999])).map((user) => user.name),
      [],
    );
    assert.deepEqual(
      ran.map((statement) => statement.sql),
      one,
    );
    ran.length = 0;
    await loadUsers(core, [ben, cat]);
    assert.equal(ran.length, 2, 'the sanctions of the sanctioned users only');
  });

  test('the newest sanction in force of each kind is the one shown', async () => {
    const [ann, ben, cat] = ids as [number, number, number, number];
    const [annUser, benUser, catUser] = await loadUsers(core, [ann, ben, cat]);
    assert.equal(annUser?.ban, null);
    assert.equal(annUser?.mute, null);
    assert.equal(benUser?.ban?.reason, `ban ${NOW - 1000}`);
    assert.equal(benUser?.mute, null);
    assert.equal(catUser?.ban, null);
    assert.equal(catUser?.mute?.expires_at, NOW + 60_000);
  });

  // SQLite has no named statements: every text is prepared once there (db/database.ts's statement cache).
  if (TEST_ENGINE === 'postgres')
    test('PostgreSQL runs the fixed lookups as named statements', async () => {
      await loadUsers(core, [ids[0]!]);
      const { rows } = await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements`.execute(core.db);
      const named = rows.filter((row) => row.name.startsWith('roster_'));
      assert.ok(
        named.some((row) => /from "users" where "users"\."id" = any\(cast\(\$\d as bigint\[\]\)\)$/.test(row.statement)),
        JSON.stringify(rows),
      );
    });

  // Another instance may migrate the schema while this one keeps its prepared statements.
  test('a lookup still answers after the users table gains a column', async () => {
    await loadUsers(core, [ids[0]!]);
    await sql`alter table users add column added_later integer`.execute(core.db);
    assert.deepEqual(
      (await loadUsers(core, [ids[0]!, ids[1]!])).map((user) => user.name),
      ['ann', 'ben'],
    );
  });
});
