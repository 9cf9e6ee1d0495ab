import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { CoreError } from '../../src/core/errors.js';
import { Level } from '../../src/core/access/levels.js';
import { DELETED_NAME_PATTERN, nameKey, nameProblems } from '../../src/core/users/names.js';
import { verifyPassword } from '../../src/core/auth/passwords.js';
import { SEED_DEMO_PASSWORD, seedUsers, uuidV7 } from '../../src/ops/seed.js';
import { UniqueNames, seededRandom } from '../../src/ops/seed-names.js';
import { createUser } from '../../src/core/users/users.js';
import { ANONYMOUS, SYSTEM } from '../../src/core/access/viewer.js';
import { match } from '../../src/query/ast.js';
import { searchUsers } from '../../src/query/search-users.js';
import { createTestCore, type TestCore } from '../support/database.js';

const YEAR = 365 * 86_400_000;

/** Ids of users whose name contains `text`, through the real search (FTS5 / pg_trgm). */
async function searchByName(core: TestCore, text: string): Promise<number[]> {
  const result = await searchUsers(core, SYSTEM, { filter: match('name', 'contains', text), sort: [], page: { kind: 'offset', limit: 1000, offset: 0 } });
  return result.users.map((user) => user.id).sort((a, b) => a - b);
}

/** The same, by scanning the table: what the index must agree with. */
async function scanByName(core: TestCore, text: string): Promise<number[]> {
  const rows = await core.db.selectFrom('users').select(['id', 'name_lower']).orderBy('id').execute();
  return rows.filter((row) => row.name_lower.includes(text.toLowerCase())).map((row) => row.id);
}

for (const rebuild of [true, false]) {
  describe(`seedUsers (substring index ${rebuild ? 'rebuilt at the end' : 'kept row by row'})`, () => {
    let core: TestCore;
    let result: Awaited<ReturnType<typeof seedUsers>>;
    const progress: number[] = [];

    before(async () => {
      core = await createTestCore();
      await createUser(core, SYSTEM, { name: 'existing_person', password: 'long enough password' });
      result = await seedUsers(core, SYSTEM, {
        users: 3000,
        batchSize: 700,
        randomSeed: 42,
        rebuildSubstringIndex: rebuild,
        onProgress: (n) => progress.push(n),
      });
    });
    after(() => core.dispose());

    test('writes the asked number of users in batches, ids following the existing ones', async () => {
      assert.equal(result.users, 3000);
      assert.deepEqual([result.firstId, result.lastId], [2, 3001]);
      assert.deepEqual(progress, [700, 1400, 2100, 2800, 3000]);
      const { n } = await core.db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      assert.equal(Number(n), 3001);
    });

    test('regression: planner statistics are refreshed, so PostgreSQL reads the prefix index after a bulk load', async () => {
      const analyzed =
        core.caps.engine === 'postgres'
          ? await sql<{ n: number }>`select count(*) as n from pg_stat_user_tables where relname = 'users' and last_analyze is not null`.execute(core.db)
          : await sql<{ n: number }>`select count(*) as n from sqlite_stat1 where tbl = 'users'`.execute(core.db);
      assert.ok(Number(analyzed.rows[0]?.n) > 0);
    });

    test('names and uuids are unique and valid, names kept apart from existing ones', async () => {
      const rows = await core.db.selectFrom('users').select(['name', 'name_lower', 'uuid']).execute();
      assert.equal(new Set(rows.map((r) => r.name_lower)).size, rows.length);
      assert.equal(new Set(rows.map((r) => r.uuid)).size, rows.length);
      for (const row of rows) {
        assert.equal(row.name_lower, nameKey(row.name));
        assert.deepEqual(nameProblems(row.name), [], row.name);
        assert.match(row.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-[47][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      }
      assert.ok(!rows.some((r) => DELETED_NAME_PATTERN.test(r.name)));
    });

    test('data is varied: levels, emails, counters, sign-ups over years, bans and renames', async () => {
      const rows = await core.db.selectFrom('users').selectAll().where('id', '>=', 2).orderBy('id').execute();
      const levels = new Set(rows.map((r) => r.level));
      assert.ok(levels.has(Level.Member) && levels.has(Level.Gold) && levels.has(Level.Restricted), [...levels].join());
      const members = rows.filter((r) => r.level === Level.Member).length;
      assert.ok(members > 2000 && members < 2800, `members ${members}`);
      const withEmail = rows.filter((r) => r.email !== null).length;
      assert.ok(withEmail > 1000 && withEmail < 2000, `emails ${withEmail}`);
      assert.ok(rows.some((r) => r.favorite_count > 0) && rows.some((r) => r.favorite_count === 0));
      const created = rows.map((r) => r.created_at);
      assert.ok((created.at(-1) as number) - (created[0] as number) > 10 * YEAR);
      assert.ok(
        created.every((at, i) => i === 0 || at >= (created[i - 1] as number)),
        'ids grow with sign-up time',
      );
      assert.ok(result.bans > 0 && result.nameChanges > 0);
      const bans = await core.db.selectFrom('sanctions').select(['user_id', 'expires_at']).where('kind', '=', 'ban').execute();
      assert.equal(bans.length, result.bans);
      assert.ok(bans.some((b) => b.expires_at === null) && bans.some((b) => b.expires_at !== null));
      const changes = await core.db.selectFrom('name_changes').innerJoin('users', 'users.id', 'name_changes.user_id').select(['new_name', 'name']).execute();
      assert.equal(changes.length, result.nameChanges);
      assert.ok(changes.every((c) => c.new_name === c.name));
    });

    test('every seeded user signs in with the demo password, through one shared hash', async () => {
      const hashes = await core.db.selectFrom('users').select('password_hash').distinct().where('id', '>=', 2).execute();
      assert.equal(hashes.length, 1);
      const hash = hashes[0]?.password_hash as string;
      assert.match(hash, /^\$argon2id\$/);
      assert.deepEqual(await verifyPassword(hash, SEED_DEMO_PASSWORD), { ok: true, needsRehash: false });
    });

    test('substring search finds seeded users, and later users once the index is back in step', async () => {
      for (const text of ['fox', 'an_', 'ro', 'xx_']) {
        const found = await searchByName(core, text);
        assert.ok(found.length > 0, text);
        assert.deepEqual(found, await scanByName(core, text), text);
      }
      const later = await createUser(core, SYSTEM, { name: 'zzqqxx_after_seed', password: 'long enough password' });
      assert.deepEqual(await searchByName(core, 'qqxx_aft'), [later.id]);
    });

    test('an audit row records the seeding', async () => {
      const audit = await core.db.selectFrom('audit_log').select(['action', 'details']).where('action', '=', 'user.seed').execute();
      assert.equal(audit.length, 1);
      assert.equal(JSON.parse(audit[0]?.details ?? '{}').users, 3000);
    });
  });
}

test('only the system may seed; bad counts are refused', async () => {
  const core = await createTestCore();
  try {
    await assert.rejects(seedUsers(core, ANONYMOUS, { users: 1 }), (e: unknown) => e instanceof CoreError && e.code === 'forbidden');
    await assert.rejects(seedUsers(core, SYSTEM, { users: -1 }), (e: unknown) => e instanceof CoreError && e.code === 'invalid_param');
    await assert.rejects(seedUsers(core, SYSTEM, { users: 1, batchSize: 0 }), (e: unknown) => e instanceof CoreError && e.code === 'invalid_param');
  } finally {
    await core.dispose();
  }
});

test('an aborted seed stops after the current batch and restores the substring index', async () => {
  const core = await createTestCore();
  try {
    const controller = new AbortController();
    const result = await seedUsers(core, SYSTEM, {
      users: 5000,
      batchSize: 500,
      rebuildSubstringIndex: true,
      signal: controller.signal,
      onProgress: (n) => n >= 1000 && controller.abort(),
    });
    assert.equal(result.users, 1000);
    if (core.caps.engine === 'sqlite') {
      const triggers = await sql<{ n: number }>`select count(*) as n from sqlite_master where type = 'trigger' and name like 'users_fts_%'`.execute(core.db);
      assert.equal(Number(triggers.rows[0]?.n), 3);
    }
    const user = await createUser(core, SYSTEM, { name: 'found_after_abort', password: 'long enough password' });
    assert.deepEqual(await searchByName(core, 'nd_after_ab'), [user.id]);
  } finally {
    await core.dispose();
  }
});

/** Every index and trigger on `users`, with its definition: what a bulk load must leave as it found. */
async function usersSchema(core: TestCore): Promise<string[]> {
  const rows =
    core.caps.engine === 'postgres'
      ? await sql<{ name: string; sql: string }>`select indexname as name, indexdef as sql from pg_indexes where tablename = 'users'`.execute(core.db)
      : await sql<{ name: string; sql: string | null }>`select name, sql from sqlite_master where tbl_name = 'users' and type in ('index', 'trigger')`.execute(
          core.db,
        );
  return rows.rows.map((row) => `${row.name}: ${row.sql ?? ''}`).sort();
}

test('a seed into an empty table builds its indexes at the end and leaves every one as it was', async () => {
  const core = await createTestCore();
  try {
    const schema = await usersSchema(core);
    assert.ok(schema.length > 5);
    const result = await seedUsers(core, SYSTEM, { users: 3000, batchSize: 700, randomSeed: 5, rebuildSubstringIndex: true });
    assert.equal(result.users, 3000);
    assert.deepEqual(await usersSchema(core), schema);
    assert.deepEqual(await searchByName(core, 'fox'), await scanByName(core, 'fox'));
    const byLevel = await core.db.selectFrom('users').select('id').where('level', '=', Level.Member).orderBy('id').execute();
    assert.ok(byLevel.length > 2000);
    if (core.caps.engine === 'sqlite') {
      // The rebuild's bigger FTS5 write buffer is not left behind for row-by-row upkeep.
      const hashsize = await sql<{ v: number }>`select v from users_fts_config where k = 'hashsize'`.execute(core.db);
      assert.deepEqual(hashsize.rows, [{ v: 1024 * 1024 }]);
    }
  } finally {
    await core.dispose();
  }
});

test('a seed into an empty table that fails half way leaves no users and every index in place', async () => {
  const core = await createTestCore();
  try {
    const schema = await usersSchema(core);
    const failing = seedUsers(core, SYSTEM, {
      users: 3000,
      batchSize: 1000,
      rebuildSubstringIndex: true,
      onProgress: (n) => {
        if (n >= 2000) throw new Error('stop here');
      },
    });
    await assert.rejects(failing, /stop here/);
    const { n } = await core.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(Number(n), 0);
    assert.deepEqual(await usersSchema(core), schema);
  } finally {
    await core.dispose();
  }
});

test('the same random seed gives the same names; uuidV7 carries the time', () => {
  const a = new UniqueNames();
  const b = new UniqueNames();
  const ra = seededRandom(7);
  const rb = seededRandom(7);
  const names = Array.from({ length: 200 }, () => a.next(ra));
  assert.deepEqual(
    Array.from({ length: 200 }, () => b.next(rb)),
    names,
  );
  assert.equal(new Set(names.map((n) => n.toLowerCase())).size, 200);
  const at = Date.UTC(2020, 0, 2, 3, 4, 5, 6);
  const uuid = uuidV7(at);
  assert.equal(parseInt(uuid.replaceAll('-', '').slice(0, 12), 16), at);
  assert.equal(uuid[14], '7');
});
