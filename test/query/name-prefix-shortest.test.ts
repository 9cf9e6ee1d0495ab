import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { CompiledQuery, sql } from 'kysely';
import { foldName, lengthProbe, namePrefixShortestFirst } from '../../src/query/name-prefix-shortest.js';
import type { SearchContext } from '../../src/query/search.js';
import { createTestCore, type TestCore } from '../support/database.js';

/** Names with shared prefixes, case, non-ASCII letters and LIKE's special characters. */
const NAMES = [
  'ab',
  'Abe',
  'abc',
  'abby',
  'ABBA',
  'abc_d',
  'ab%c',
  'abé',
  'Ábel',
  'abcdefghij',
  'xab',
  'a',
  'Zoë',
  'zoe',
  'zoë_2',
  'さくら',
  'さくらんぼ',
  'a_b',
  'a1',
  'ab1',
  'ab2',
];
const DELETED = ['abd'];
/** Filler so that the planners have a table worth an index. */
const FILLER = 3000;

let core: TestCore;
let ctx: SearchContext;

before(async () => {
  core = await createTestCore();
  ctx = { db: core.db, caps: core.caps, now: core.now(), tier: 'public', slots: core.searchSlots };
  const now = core.now();
  const row = (name: string, isDeleted = 0) => ({
    uuid: randomUUID(),
    name,
    name_lower: foldName(name),
    level: 20,
    is_deleted: isDeleted,
    created_at: now,
    updated_at: now,
  });
  const filler = Array.from({ length: FILLER }, (_, i) => row(`filler_${(i * 7919) % FILLER}_${'x'.repeat(i % 13)}`));
  for (let i = 0; i < filler.length; i += 500)
    await core.db
      .insertInto('users')
      .values(filler.slice(i, i + 500))
      .execute();
  await core.db
    .insertInto('users')
    .values([...NAMES.map((name) => row(name)), ...DELETED.map((name) => row(name, 1))])
    .execute();
  await sql`analyze`.execute(core.db);
});
after(() => core.dispose());

/** The plain JavaScript model: live names starting with the folded prefix, shortest first, then bytewise. */
function model(prefix: string, limit: number): string[] {
  const folded = foldName(prefix);
  const bytes = (text: string) => Buffer.from(foldName(text));
  return NAMES.filter((name) => foldName(name).startsWith(folded))
    .sort((a, b) => [...foldName(a)].length - [...foldName(b)].length || Buffer.compare(bytes(a), bytes(b)))
    .slice(0, limit);
}

async function namesOf(ids: readonly number[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await core.db
    .selectFrom('users')
    .select(['id', 'name'])
    .where('id', 'in', [...ids])
    .execute();
  const byId = new Map(rows.map((row) => [row.id, row.name]));
  return ids.map((id) => byId.get(id) ?? '?');
}

test('names starting with a prefix come shortest first, then in byte order, as the JavaScript model says', async () => {
  for (const prefix of ['a', 'ab', 'AB', 'abc', 'ab%', 'a_', 'abé', 'ÁB', 'zo', 'ZOË', 'さくら', 'q', 'abcdefghijk']) {
    for (const limit of [1, 5, 50]) {
      const ids = await namePrefixShortestFirst(ctx, prefix, limit);
      assert.deepEqual(await namesOf(ids), model(prefix, limit), `${JSON.stringify(prefix)} limit ${limit}`);
    }
  }
});

test('deleted accounts never match', async () => {
  assert.deepEqual(await namesOf(await namePrefixShortestFirst(ctx, 'abd', 5)), []);
});

test('each length is answered from users_name_length_idx, already in order (no sort step), on this engine', async () => {
  const compiled = lengthProbe(ctx, 'ab', 3, 5).compile();
  const lines = await core.db.connection().execute(async (connection) => {
    if (core.caps.engine === 'postgres') {
      const result = await connection.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`explain ${compiled.sql}`, [...compiled.parameters]));
      return result.rows.map((row) => row['QUERY PLAN']);
    }
    const result = await connection.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]));
    return result.rows.map((row) => row.detail);
  });
  const plan = lines.join('\n');
  assert.match(plan, /users_name_length_idx/, plan);
  assert.doesNotMatch(plan, /TEMP B-TREE|Sort/i, plan);
  assert.doesNotMatch(plan, /Seq Scan|SCAN t\b(?! USING)/, plan);
});
