import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { and, cmp, eq, exists, FALSE, isIn, isNull, match, not, or, TRUE, type Filter } from '../../src/query/ast.js';
import { sanctionInForce, type EntityName, type SearchTier } from '../../src/query/fields.js';
import { disposeAll, DAY, FIXTURE_USERS, NOW, openFixtures, type Fixture } from './fixtures.js';

type Expect = (f: Fixture) => number[];
interface Row {
  readonly name: string;
  readonly filter: Filter | ((f: Fixture) => Filter);
  readonly expect: Expect;
  readonly entity?: EntityName;
  readonly tier?: SearchTier;
}

const ALL = FIXTURE_USERS.map((user) => user.name);
const users = (...names: string[]): Expect => (f) => f.users(...names);
const allBut = (...names: string[]): Expect => users(...ALL.filter((name) => !names.includes(name)));
const bansOf = (...names: string[]): Expect => (f) => f.sanctions(...names);
const NONE: Expect = () => [];
const LEVEL_20 = ['Alice', 'eve_under', 'Éloïse', 'heidi', 'ivan', 'mallory'];
const inForce = sanctionInForce(NOW);
// A raw double negation (the `not` constructor would cancel it out).
const notNot = (item: Filter): Filter => ({ kind: 'not', item: { kind: 'not', item } });
const manyNumbers = (extra: number[]) => [...extra, ...Array.from({ length: 5000 }, (_, i) => 1000 + i)];
const manyNames = (extra: string[]) => [...extra, ...Array.from({ length: 5000 }, (_, i) => `nobody_${i}`)];

const ROWS: readonly Row[] = [
  // cmp on integer, timestamp, string and boolean fields
  { name: 'level eq', filter: eq('level', 20), expect: users(...LEVEL_20) },
  { name: 'level ne', filter: cmp('level', 'ne', 20), expect: allBut(...LEVEL_20) },
  { name: 'level lt', filter: cmp('level', 'lt', 20), expect: users('dave%x') },
  { name: 'level lte', filter: cmp('level', 'lte', 20), expect: users('dave%x', ...LEVEL_20) },
  { name: 'level gt', filter: cmp('level', 'gt', 35), expect: users('Carol_Smith', 'Frank*Star') },
  { name: 'level gte', filter: cmp('level', 'gte', 35), expect: users('Carol_Smith', 'Frank*Star', 'grace') },
  { name: 'created_at gt', filter: cmp('created_at', 'gt', NOW - 25.5 * DAY), expect: users('Frank*Star', 'Éloïse', 'grace', 'heidi', 'ivan', 'judy', 'mallory') },
  { name: 'string eq is case-sensitive', filter: eq('name', 'bob'), expect: users('bob') },
  { name: 'string eq other case', filter: eq('name', 'Bob'), expect: NONE },
  { name: 'string lt in code point order', filter: cmp('name', 'lt', 'C'), expect: users('Alice') },
  { name: 'string gte in code point order', filter: cmp('name', 'gte', 'h'), expect: users('heidi', 'ivan', 'judy', 'mallory', 'Éloïse') },
  { name: 'boolean true', filter: eq('is_deleted', true), expect: users('dave%x') },
  { name: 'boolean false', filter: eq('is_deleted', false), expect: allBut('dave%x') },
  { name: 'boolean ne', filter: cmp('is_deleted', 'ne', true), expect: allBut('dave%x') },
  { name: 'nullable timestamp gt', filter: cmp('last_logged_in_at', 'gt', NOW - 2.5 * DAY), tier: 'moderator', expect: users('Alice', 'eve_under', 'mallory') },
  { name: 'ne drops NULLs', filter: cmp('display_name', 'ne', 'Ally'), expect: users('Carol_Smith', 'eve_under', 'grace', 'heidi', 'judy') },
  // in
  { name: 'in integers', filter: isIn('level', [10, 50]), expect: users('dave%x', 'Frank*Star') },
  { name: 'in strings', filter: isIn('name', ['bob', 'ivan', 'nobody']), expect: users('bob', 'ivan') },
  { name: 'in booleans', filter: isIn('is_deleted', [true]), expect: users('dave%x') },
  { name: 'in 5002 ids', filter: (f) => isIn('id', manyNumbers(f.users('bob', 'dave%x'))), expect: users('bob', 'dave%x') },
  { name: 'in 5001 names', filter: isIn('name', manyNames(['grace'])), expect: users('grace') },
  { name: 'in empty raw list', filter: { kind: 'in', field: 'level', values: [] }, expect: NONE },
  // isNull
  { name: 'isNull email', filter: isNull('email'), expect: users('Carol_Smith', 'Frank*Star', 'heidi', 'mallory') },
  { name: 'isNull inviter', filter: isNull('inviter_id'), expect: users('Alice', 'Carol_Smith', 'dave%x', 'Frank*Star', 'Éloïse', 'ivan', 'mallory') },
  // not keeps NULL rows
  { name: 'not keeps NULLs', filter: not(eq('display_name', 'Ally')), expect: allBut('Alice') },
  { name: 'not on a non-null column', filter: not(eq('level', 20)), expect: allBut(...LEVEL_20) },
  { name: 'not keeps NULL foreign keys', filter: (f) => not(eq('inviter_id', f.users('Alice')[0]!)), expect: allBut('bob') },
  { name: 'double not', filter: notNot(eq('display_name', 'Ally')), expect: users('Alice') },
  // match: exact
  { name: 'exact, case-insensitive', filter: match('name', 'exact', 'ALICE'), expect: users('Alice') },
  { name: 'exact, case-sensitive miss', filter: match('name', 'exact', 'alice', true), expect: NONE },
  { name: 'exact, case-sensitive hit', filter: match('name', 'exact', 'Alice', true), expect: users('Alice') },
  { name: 'exact, non-ASCII case folded', filter: match('name', 'exact', 'ÉLOÏSE'), expect: users('Éloïse') },
  { name: 'exact email', filter: match('email', 'exact', 'ivan@example.com'), expect: users('ivan') },
  { name: 'exact without lower column', filter: match('first_name', 'exact', 'GRACE'), expect: users('grace') },
  // match: prefix
  { name: 'prefix, case-insensitive', filter: match('name', 'prefix', 'CA'), expect: users('Carol_Smith') },
  { name: 'prefix, case-sensitive hit', filter: match('name', 'prefix', 'Ca', true), expect: users('Carol_Smith') },
  { name: 'prefix, case-sensitive miss', filter: match('name', 'prefix', 'ca', true), expect: NONE },
  { name: 'prefix with literal %', filter: match('name', 'prefix', 'dave%'), expect: users('dave%x') },
  { name: 'prefix with literal _', filter: match('name', 'prefix', 'dave_'), expect: NONE },
  { name: 'prefix without lower column', filter: match('last_name', 'prefix', 'smith'), expect: users('Carol_Smith', 'judy', 'mallory') },
  { name: 'prefix, case-sensitive, no lower column', filter: match('last_name', 'prefix', 'Smith', true), expect: users('Carol_Smith', 'judy') },
  { name: 'empty prefix', filter: match('name', 'prefix', ''), expect: users(...ALL) },
  { name: 'prefix on a nullable field', filter: match('display_name', 'prefix', 'c.'), expect: users('Carol_Smith') },
  // match: contains (short values take the LIKE path, longer ones the trigram index on SQLite)
  { name: 'contains, 2 characters', filter: match('name', 'contains', 'AL'), expect: users('Alice', 'mallory') },
  { name: 'contains, 3 characters', filter: match('name', 'contains', 'ICE'), expect: users('Alice') },
  { name: 'contains, no lower column', filter: match('last_name', 'contains', 'MITH'), expect: users('Carol_Smith', 'judy', 'mallory') },
  { name: 'contains, case-sensitive', filter: match('last_name', 'contains', 'Smith', true), expect: users('Carol_Smith', 'judy') },
  { name: 'contains, case-sensitive short', filter: match('last_name', 'contains', 'mi', true), expect: users('Carol_Smith', 'judy', 'mallory') },
  { name: 'contains FTS syntax', filter: match('display_name', 'contains', 'OR B'), expect: users('grace') },
  { name: 'contains LIKE characters', filter: match('display_name', 'contains', '%_s'), expect: users('heidi') },
  { name: 'contains email', filter: match('email', 'contains', 'EXAMPLE.COM'), expect: users('Alice', 'dave%x', 'grace', 'ivan') },
  { name: 'contains underscore', filter: match('name', 'contains', '_'), expect: users('Carol_Smith', 'eve_under') },
  { name: 'contains underscore, indexed', filter: match('name', 'contains', '_sm'), expect: users('Carol_Smith') },
  { name: 'contains non-ASCII name', filter: match('name', 'contains', 'LOÏ'), expect: users('Éloïse') },
  // match: wildcard
  { name: 'wildcard prefix', filter: match('name', 'wildcard', 'a*'), expect: users('Alice') },
  { name: 'wildcard suffix', filter: match('name', 'wildcard', '*SMITH'), expect: users('Carol_Smith') },
  { name: 'wildcard with literal _', filter: match('name', 'wildcard', 'c*_*'), expect: users('Carol_Smith') },
  { name: 'wildcard with literal %', filter: match('name', 'wildcard', 'dave%*'), expect: users('dave%x') },
  { name: 'wildcard escaped star', filter: match('name', 'wildcard', 'frank\\*star'), expect: users('Frank*Star') },
  { name: 'wildcard escaped star miss', filter: match('name', 'wildcard', 'frank\\*'), expect: NONE },
  { name: 'wildcard, no star is exact', filter: match('name', 'wildcard', 'BOB'), expect: users('bob') },
  { name: 'wildcard, case-sensitive miss', filter: match('name', 'wildcard', 'alice', true), expect: NONE },
  { name: 'wildcard, case-sensitive hit', filter: match('name', 'wildcard', 'A*', true), expect: users('Alice') },
  { name: 'wildcard, case-sensitive ? is literal', filter: match('name', 'wildcard', 'Frank?Star', true), expect: NONE },
  { name: 'wildcard, case-sensitive [ is literal', filter: match('name', 'wildcard', '[A]*', true), expect: NONE },
  { name: 'wildcard double backslash', filter: match('last_name', 'wildcard', '*\\\\*', true), expect: users('Frank*Star') },
  { name: 'wildcard lone backslash', filter: match('last_name', 'wildcard', '*\\s*'), expect: users('Frank*Star') },
  // match: regex (case-sensitive)
  { name: 'regex class', filter: match('name', 'regex', '^[a-c]', true), expect: users('bob') },
  { name: 'regex anchor', filter: match('name', 'regex', 'e$', true), expect: users('Alice', 'Éloïse', 'grace') },
  { name: 'regex bounded repetition', filter: match('name', 'regex', '^[a-z]{4}$', true), expect: users('ivan', 'judy') },
  { name: 'regex escaped dot', filter: match('display_name', 'regex', '^C\\. ', true), expect: users('Carol_Smith') },
  { name: 'regex alternation', filter: match('name', 'regex', '^(ivan|judy)$', true), expect: users('ivan', 'judy') },
  // exists, derived fields, nesting
  { name: 'has bans', filter: exists('bans'), expect: users('bob', 'dave%x', 'eve_under', 'heidi') },
  { name: 'bans in force', filter: exists('bans', inForce), expect: users('bob', 'eve_under') },
  { name: 'is_banned true', filter: eq('is_banned', true), expect: users('bob', 'eve_under') },
  { name: 'is_banned false', filter: eq('is_banned', false), expect: allBut('bob', 'eve_under') },
  { name: 'is_active true', filter: eq('is_active', true), expect: allBut('bob', 'dave%x', 'eve_under') },
  { name: 'is_active false', filter: eq('is_active', false), expect: users('bob', 'dave%x', 'eve_under') },
  { name: 'is_muted true (public field, moderator relation)', filter: eq('is_muted', true), tier: 'public', expect: users('ivan') },
  { name: 'mutes relation', filter: exists('mutes'), tier: 'moderator', expect: users('ivan') },
  { name: 'ban reason', filter: exists('bans', match('reason', 'contains', 'ABUSE')), expect: users('eve_under') },
  { name: 'inviter level', filter: exists('inviter', cmp('level', 'gte', 30)), expect: users('eve_under', 'grace', 'judy') },
  { name: 'inviter of inviter', filter: exists('inviter', exists('inviter', eq('name', 'Alice'))), expect: users('eve_under') },
  { name: 'inviter is banned', filter: exists('inviter', eq('is_banned', true)), expect: users('eve_under', 'heidi') },
  { name: 'inviter ban in force, 2 levels', filter: exists('inviter', exists('bans', inForce)), expect: users('eve_under', 'heidi') },
  { name: 'not inside exists keeps NULLs', filter: exists('inviter', not(eq('display_name', 'Ally'))), expect: users('eve_under', 'grace', 'heidi', 'judy') },
  { name: 'past names', filter: exists('name_changes', match('old_name', 'exact', 'ROBERT')), tier: 'member', expect: users('bob') },
  { name: 'active owners', filter: exists('memberships', and(eq('role', 'owner'), eq('is_active', true))), expect: users('Alice') },
  { name: 'no bans at all', filter: and(eq('level', 20), not(exists('bans'))), expect: users('Alice', 'Éloïse', 'ivan', 'mallory') },
  { name: 'or', filter: or(eq('level', 50), match('name', 'prefix', 'iv')), expect: users('Frank*Star', 'ivan') },
  // const and empty lists
  { name: 'const true', filter: TRUE, expect: users(...ALL) },
  { name: 'const false', filter: FALSE, expect: NONE },
  { name: 'empty and', filter: { kind: 'and', items: [] }, expect: users(...ALL) },
  { name: 'empty or', filter: { kind: 'or', items: [] }, expect: NONE },
  // other entities
  { name: 'bans entity excludes mutes', entity: 'bans', filter: TRUE, expect: bansOf('bob', 'dave%x', 'eve_under', 'heidi') },
  { name: 'bans in force', entity: 'bans', filter: eq('in_force', true), expect: bansOf('bob', 'eve_under') },
  { name: 'bans of level 20 users', entity: 'bans', filter: exists('user', eq('level', 20)), expect: bansOf('eve_under', 'heidi') },
  { name: 'mutes entity', entity: 'mutes', filter: TRUE, expect: bansOf('ivan') },
];

let fixtures: Fixture[] = [];
before(async () => {
  fixtures = await openFixtures();
});
after(() => disposeAll(fixtures));

test('every filter returns the expected rows, the same on SQLite and PostgreSQL', async () => {
  for (const row of ROWS) {
    const results: number[][] = [];
    for (const f of fixtures) {
      const filter = typeof row.filter === 'function' ? row.filter(f) : row.filter;
      const result = await f.search({ entity: row.entity ?? 'users', filter, sort: [], page: { kind: 'offset', limit: 100, offset: 0 }, count: true }, row.tier);
      const expected = row.expect(f).sort((a, b) => b - a);
      assert.deepEqual(result.ids, expected, `${row.name} on ${f.engine}`);
      assert.equal(result.total, expected.length, `${row.name} total on ${f.engine}`);
      results.push(result.ids);
    }
    assert.deepEqual(results[0], results[1], `${row.name}: engines differ`);
  }
});
