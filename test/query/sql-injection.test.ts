import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { nameKey, normalizeName } from '../../src/core/users/names.js';
import { eq, isIn, match, TRUE, type MatchMode } from '../../src/query/ast.js';
import type { SearchRequest } from '../../src/query/search.js';
import { disposeAll, newUserRow, openFixtures, type Fixture } from './fixtures.js';

/**
 * Hostile values go through every match mode on both engines: each must return exactly the rows
 * a plain JavaScript reading of the mode gives, and never an error. Stored values have no
 * upper-case non-ASCII letters, which SQLite's lower() would not fold.
 */
const HOSTILE = [
  "'",
  "''",
  '"',
  'a"b',
  '""',
  "' or '1'='1",
  '"; drop table users; --',
  "'); delete from users; --",
  '%',
  '_',
  '\\',
  '\\\\',
  '\\%',
  '\\_',
  'a%b',
  'a_b',
  '100%',
  '%%%',
  '*',
  '\\*',
  'a*b',
  '**',
  'a OR b',
  'NEAR(a b)',
  'NEAR(',
  'name_lower : x',
  '{name_lower}:x',
  'x AND y',
  'NOT z',
  '-x',
  '+x',
  'x*',
  '^a',
  'a$',
  '[a-z]',
  '[',
  ']',
  '?',
  'a?b',
  '(',
  ')',
  '{',
  '}',
  '|',
  '.',
  '.*',
  'é',
  'ß',
  '日本語',
  '😀',
  'a\u200bb',
  'x\u202ey',
  '\u0001',
  'tab\there',
  'line\nbreak',
  ' ',
  '  spaced  ',
];

interface Stored {
  readonly name: string;
  readonly display: string;
  readonly last: string;
}

// Names are stored normalized, as the core stores them (name_lower is then their lower case).
const STORED: readonly Stored[] = HOSTILE.map((value, i) => ({ name: normalizeName(`h${i}_${value}`), display: value, last: `x${value}y` }));

const MODES: readonly MatchMode[] = ['exact', 'prefix', 'contains', 'wildcard', 'regex'];

const escapeRegExp = (text: string) => text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');

/** `*` any run, `\*` a star, `\\` a backslash, everything else literal. */
function wildcardRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '*') source += '.*';
    else if (char === '\\' && (pattern[i + 1] === '*' || pattern[i + 1] === '\\')) source += escapeRegExp(pattern[++i]!);
    else source += escapeRegExp(char);
  }
  return new RegExp(`^${source}$`, 'su');
}

function modelMatch(mode: MatchMode, stored: string, value: string): boolean {
  switch (mode) {
    case 'exact':
      return stored === value;
    case 'prefix':
      return stored.startsWith(value);
    case 'contains':
      return stored.includes(value);
    case 'wildcard':
      return wildcardRegExp(value).test(stored);
    case 'regex':
      return new RegExp(value, 'u').test(stored);
  }
}

// The engine folds case of `name` through the stored name_lower (nameKey), of others with lower().
const FIELDS = {
  name: { stored: (s: Stored) => s.name, folded: (s: Stored) => nameKey(s.name), fold: (v: string) => v.normalize('NFC').toLowerCase() },
  display_name: { stored: (s: Stored) => s.display, folded: (s: Stored) => s.display.toLowerCase(), fold: (v: string) => v.toLowerCase() },
  last_name: { stored: (s: Stored) => s.last, folded: (s: Stored) => s.last.toLowerCase(), fold: (v: string) => v.toLowerCase() },
} as const;

let fixtures: Fixture[] = [];
const ids = new Map<Fixture, number[]>();
before(async () => {
  fixtures = await openFixtures();
  for (const f of fixtures) {
    const inserted: number[] = [];
    for (const stored of STORED) {
      const row = newUserRow({ name: stored.name, first: 'H', last: stored.last, display: stored.display, level: 20, created: 1, uploads: 0 }, null);
      inserted.push((await f.core.db.insertInto('users').values(row).returning('id').executeTakeFirstOrThrow()).id);
    }
    ids.set(f, inserted);
  }
});
after(() => disposeAll(fixtures));

const request = (filter: SearchRequest['filter']): SearchRequest => ({ entity: 'users', filter, sort: [], page: { kind: 'offset', limit: 1000, offset: 0 } });

/** Searches among the hostile rows only (the fixture users have level 20 too, so filter by id). */
async function hostileIds(f: Fixture, filter: SearchRequest['filter']): Promise<number[]> {
  const inserted = ids.get(f)!;
  const result = await f.search(request(filter));
  return result.ids.filter((id) => inserted.includes(id)).sort((a, b) => a - b);
}

test('hostile values in every match mode return the modelled rows on both engines', async () => {
  for (const [fieldName, field] of Object.entries(FIELDS)) {
    for (const mode of MODES) {
      for (const caseSensitive of mode === 'regex' ? [true] : [true, false]) {
        for (const raw of HOSTILE) {
          const value = mode === 'regex' ? escapeRegExp(raw) : raw;
          const matches = (s: Stored) => (caseSensitive ? modelMatch(mode, field.stored(s), value) : modelMatch(mode, field.folded(s), field.fold(value)));
          for (const f of fixtures) {
            const expected = STORED.flatMap((s, i) => (matches(s) ? [ids.get(f)![i]!] : []));
            const label = `${fieldName} ${mode} ${caseSensitive ? 'cs' : 'ci'} ${JSON.stringify(value)} on ${f.engine}`;
            assert.deepEqual(await hostileIds(f, match(fieldName, mode, value, caseSensitive)), expected, label);
          }
        }
      }
    }
  }
});

test('hostile values in eq and in lists (short and long) match exactly', async () => {
  const filler = Array.from({ length: 150 }, (_, i) => `filler ' " % _ \\ ${i}`);
  for (const f of fixtures) {
    const inserted = ids.get(f)!;
    for (const [i, value] of HOSTILE.entries()) {
      assert.deepEqual(await hostileIds(f, eq('display_name', value)), [inserted[i]!], `eq ${JSON.stringify(value)} on ${f.engine}`);
    }
    assert.deepEqual(await hostileIds(f, isIn('display_name', HOSTILE.slice(0, 20))), inserted.slice(0, 20));
    assert.deepEqual(await hostileIds(f, isIn('last_name', [...filler, ...STORED.map((s) => s.last)])), inserted);
  }
});

test('the table survives and keyset cursors carry hostile sort values', async () => {
  for (const f of fixtures) {
    const all = await f.search({ ...request(TRUE), count: true });
    assert.equal(all.total, 12 + HOSTILE.length);
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page = await f.search({
        ...request(TRUE),
        sort: [{ kind: 'field', field: 'last_name', direction: 'asc' }],
        page: { kind: 'keyset', limit: 7, cursor },
      });
      seen.push(...page.ids);
      cursor = page.nextCursor;
    } while (cursor);
    const offset = await f.search({ ...request(TRUE), sort: [{ kind: 'field', field: 'last_name', direction: 'asc' }] });
    assert.deepEqual(seen, offset.ids);
  }
});
