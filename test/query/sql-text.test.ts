import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CompiledQuery, type Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.js';
import { eq, exists, isIn, match, not, type Filter } from '../../src/query/ast.js';
import { compileFilter } from '../../src/query/compile.js';
import { disposeAll, openFixtures, testsEngine, type Engine, type Fixture } from './fixtures.js';

const SELECT = 'select "u"."id" from "users" as "u" where ';

const CASES: readonly { name: string; filter: Filter; sql: Record<Engine, string>; parameters: Record<Engine, readonly unknown[]> }[] = [
  {
    name: 'cmp',
    filter: eq('level', 20),
    sql: { sqlite: '"u"."level" = ?', postgres: '"u"."level" = cast($1 as bigint)' },
    parameters: { sqlite: [20], postgres: [20] },
  },
  {
    name: 'prefix: a range on SQLite, LIKE on PostgreSQL',
    filter: match('name', 'prefix', 'Ab_'),
    sql: { sqlite: '("u"."name_lower" >= ? and "u"."name_lower" < ?)', postgres: '"u"."name_lower" like $1' },
    parameters: { sqlite: ['ab_', 'ab_\u{10FFFF}'], postgres: ['ab\\_%'] },
  },
  {
    name: 'contains: FTS5 then LIKE on SQLite, LIKE for pg_trgm on PostgreSQL',
    filter: match('name', 'contains', 'a"b'),
    sql: {
      sqlite: `("u"."id" in (select rowid from users_fts where users_fts match ?) and "u"."name_lower" like ? escape '\\')`,
      postgres: '"u"."name_lower" like $1',
    },
    parameters: { sqlite: ['name_lower : "a""b"', '%a"b%'], postgres: ['%a"b%'] },
  },
  {
    name: 'not keeps NULLs',
    filter: not(eq('display_name', 'x')),
    sql: { sqlite: 'not coalesce("u"."display_name" = ?, 1 = 0)', postgres: 'not coalesce("u"."display_name" = $1, 1 = 0)' },
    parameters: { sqlite: ['x'], postgres: ['x'] },
  },
  {
    name: 'exists with a nested alias',
    filter: exists('inviter', exists('bans')),
    sql: {
      sqlite:
        'exists (select 1 from "users" as "u_1" where "u_1"."id" = "u"."inviter_id" and exists (select 1 from "sanctions" as "u_2" where "u_2"."user_id" = "u_1"."id" and "u_2"."kind" = ?))',
      postgres:
        'exists (select 1 from "users" as "u_1" where "u_1"."id" = "u"."inviter_id" and exists (select 1 from "sanctions" as "u_2" where "u_2"."user_id" = "u_1"."id" and "u_2"."kind" = $1))',
    },
    parameters: { sqlite: ['ban'], postgres: ['ban'] },
  },
  {
    name: 'case-sensitive wildcard: GLOB on SQLite',
    filter: match('name', 'wildcard', 'a?*', true),
    sql: { sqlite: '"u"."name" glob ?', postgres: '"u"."name" like $1' },
    parameters: { sqlite: ['a[?]*'], postgres: ['a?%'] },
  },
  {
    name: 'long lists are one parameter',
    filter: isIn(
      'id',
      Array.from({ length: 101 }, (_, i) => i),
    ),
    sql: { sqlite: '"u"."id" in (select value from json_each(?))', postgres: '"u"."id" = any(cast($1 as bigint[]))' },
    parameters: { sqlite: [JSON.stringify(Array.from({ length: 101 }, (_, i) => i))], postgres: [Array.from({ length: 101 }, (_, i) => i)] },
  },
];

let fixtures: Fixture[] = [];
before(async () => {
  fixtures = await openFixtures();
});
after(() => disposeAll(fixtures));

const compile = (f: Fixture, filter: Filter, db: Kysely<Database> = f.core.db) =>
  db
    .selectFrom('users as u')
    .select('u.id')
    .where(compileFilter('users', 'u', filter, f.context()))
    .compile();

test('filters compile to the expected SQL text on each engine', () => {
  for (const row of CASES) {
    for (const f of fixtures) {
      const compiled = compile(f, row.filter);
      assert.equal(compiled.sql, SELECT + row.sql[f.engine], `${row.name} on ${f.engine}`);
      assert.deepEqual(compiled.parameters, row.parameters[f.engine], `${row.name} parameters on ${f.engine}`);
    }
  }
});

async function sqlitePlan(f: Fixture, filter: Filter): Promise<string> {
  const compiled = compile(f, filter);
  const result = await f.core.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]));
  return result.rows.map((row) => row.detail).join('\n');
}

if (testsEngine('sqlite'))
  test('SQLite: prefix search uses the name_lower index, contains uses users_fts', async () => {
    const f = fixtures.find((fixture) => fixture.engine === 'sqlite')!;
    const prefix = await sqlitePlan(f, match('name', 'prefix', 'ab'));
    assert.match(prefix, /SEARCH u USING (COVERING )?INDEX sqlite_autoindex_users_\d \(name_lower>\? AND name_lower<\?\)/);
    assert.doesNotMatch(prefix, /SCAN u\b/);
    const contains = await sqlitePlan(f, match('name', 'contains', 'abc'));
    assert.match(contains, /users_fts VIRTUAL TABLE/);
    assert.match(contains, /SEARCH u USING INTEGER PRIMARY KEY/);
  });

if (testsEngine('sqlite'))
  test('regression: SQLite wildcard with a literal prefix (Danbooru name_matches=ab*) reads the index, not every row', async () => {
    const f = fixtures.find((fixture) => fixture.engine === 'sqlite')!;
    const plan = await sqlitePlan(f, match('name', 'wildcard', 'ab*c'));
    assert.match(plan, /SEARCH u USING (COVERING )?INDEX sqlite_autoindex_users_\d \(name_lower>\? AND name_lower<\?\)/);
    assert.doesNotMatch(plan, /SCAN u\b/);
  });

if (testsEngine('postgres'))
  test('PostgreSQL: prefix search uses a name_lower btree, contains the trigram index', async () => {
    const f = fixtures.find((fixture) => fixture.engine === 'postgres')!;
    await f.core.db.transaction().execute(async (trx) => {
      // The fixture table is tiny; without this the planner would rightly scan it.
      await trx.executeQuery(CompiledQuery.raw('set local enable_seqscan = off'));
      const plan = async (filter: Filter) => {
        const compiled = compile(f, filter, trx);
        const result = await trx.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`explain ${compiled.sql}`, [...compiled.parameters]));
        return result.rows.map((row) => row['QUERY PLAN']).join('\n');
      };
      const prefix = await plan(match('name', 'prefix', 'a%b'));
      assert.match(prefix, /Index Scan using users_name_(prefix_idx|lower_key)/);
      assert.match(prefix, /Index Cond: \(\(name_lower ~?>=~? /);
      assert.match(await plan(match('name', 'contains', 'abc')), /Bitmap Index Scan on users_name_trgm_idx/);
      assert.match(await plan(match('first_name', 'contains', 'abc')), /Bitmap Index Scan on users_first_name_trgm_idx/);
    });
  });
