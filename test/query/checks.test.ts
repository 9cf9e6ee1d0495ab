import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CoreError } from '../../src/core/errors.js';
import { cmp, eq, exists, isIn, isNull, match, TRUE, type Filter } from '../../src/query/ast.js';
import type { SearchTier } from '../../src/query/fields.js';
import { checkFilter, isSearchable, isSortable, type PageRequest, type SearchRequest, type SortKey } from '../../src/query/search.js';
import { disposeAll, openFixtures, type Fixture } from './fixtures.js';

const PAGE: PageRequest = { kind: 'offset', limit: 10, offset: 0 };
const nest = (depth: number): Filter => (depth === 0 ? eq('level', 20) : exists('inviter', nest(depth - 1)));
// Values a typed caller cannot write, as a dialect with a bug might pass them.
const loose = (value: unknown): Filter => cmp('level', 'eq', value as number);

interface Refused {
  readonly name: string;
  readonly request: Partial<SearchRequest>;
  readonly tier: SearchTier;
  readonly param: string;
}

const REFUSED: readonly Refused[] = [
  { name: 'unknown field', request: { filter: eq('nope', 1) }, tier: 'admin', param: 'nope' },
  { name: 'inherited property name', request: { filter: eq('constructor', 1) }, tier: 'admin', param: 'constructor' },
  { name: 'email at public tier', request: { filter: match('email', 'contains', 'example') }, tier: 'public', param: 'email' },
  { name: 'email isNull at moderator tier', request: { filter: isNull('email') }, tier: 'moderator', param: 'email' },
  { name: 'last_ip_addr at member tier', request: { filter: eq('last_ip_addr', '127.0.0.1') }, tier: 'member', param: 'last_ip_addr' },
  { name: 'hidden field inside exists', request: { filter: exists('inviter', isNull('email')) }, tier: 'member', param: 'email' },
  { name: 'relation above tier', request: { filter: exists('mutes') }, tier: 'member', param: 'mutes' },
  { name: 'admin-only relation', request: { filter: exists('subscriptions') }, tier: 'moderator', param: 'subscriptions' },
  { name: 'unknown relation', request: { filter: exists('posts') }, tier: 'admin', param: 'posts' },
  { name: 'string for an integer', request: { filter: loose('20') }, tier: 'admin', param: 'level' },
  { name: 'fraction for an integer', request: { filter: eq('level', 2.5) }, tier: 'admin', param: 'level' },
  { name: 'NaN for an integer', request: { filter: loose(Number.NaN) }, tier: 'admin', param: 'level' },
  { name: 'number for a boolean', request: { filter: eq('is_deleted', 1) }, tier: 'admin', param: 'is_deleted' },
  { name: 'ordering a boolean', request: { filter: cmp('is_deleted', 'lt', true) }, tier: 'admin', param: 'is_deleted' },
  { name: 'number for a string', request: { filter: eq('name', 5) }, tier: 'admin', param: 'name' },
  { name: 'NUL in a string', request: { filter: eq('name', 'a\u0000b') }, tier: 'admin', param: 'name' },
  { name: 'NUL in a match', request: { filter: match('name', 'contains', 'a\u0000b') }, tier: 'admin', param: 'name' },
  { name: 'bad value in a list', request: { filter: isIn('level', [1, 'x']) }, tier: 'admin', param: 'level' },
  { name: 'derived ne', request: { filter: cmp('is_banned', 'ne', true) }, tier: 'admin', param: 'is_banned' },
  { name: 'derived with a number', request: { filter: eq('is_banned', 1) }, tier: 'admin', param: 'is_banned' },
  { name: 'derived isNull', request: { filter: isNull('is_banned') }, tier: 'admin', param: 'is_banned' },
  { name: 'derived in', request: { filter: isIn('is_banned', [true]) }, tier: 'admin', param: 'is_banned' },
  { name: 'match on an integer', request: { filter: match('level', 'exact', '20') }, tier: 'admin', param: 'level' },
  { name: 'case-insensitive regex', request: { filter: match('name', 'regex', 'a') }, tier: 'admin', param: 'name' },
  { name: 'invalid regex', request: { filter: match('name', 'regex', '(', true) }, tier: 'admin', param: 'name' },
  { name: 'regex property class PostgreSQL lacks', request: { filter: match('name', 'regex', '\\p{L}', true) }, tier: 'admin', param: 'name' },
  { name: 'regex word boundary PostgreSQL reads as backspace', request: { filter: match('name', 'regex', '\\bbob', true) }, tier: 'admin', param: 'name' },
  { name: 'regex named group PostgreSQL lacks', request: { filter: match('name', 'regex', '(?<n>a)', true) }, tier: 'admin', param: 'name' },
  { name: 'regex back-reference (no linear-time engine runs it)', request: { filter: match('name', 'regex', '(a)\\1', true) }, tier: 'admin', param: 'name' },
  { name: 'regex look-behind (no linear-time engine runs it)', request: { filter: match('name', 'regex', '(?<=a)l', true) }, tier: 'admin', param: 'name' },
  { name: 'regex look-ahead (no linear-time engine runs it)', request: { filter: match('name', 'regex', 'a(?=l)', true) }, tier: 'admin', param: 'name' },
  { name: 'regex longer than the limit', request: { filter: match('name', 'regex', 'a'.repeat(257), true) }, tier: 'admin', param: 'name' },
  { name: 'nesting 11 deep', request: { filter: nest(11) }, tier: 'admin', param: 'inviter' },
  { name: 'sort by unknown field', request: { sort: [{ kind: 'field', field: 'nope', direction: 'asc' }] }, tier: 'admin', param: 'nope' },
  { name: 'sort by unsortable field', request: { sort: [{ kind: 'field', field: 'uuid', direction: 'asc' }] }, tier: 'admin', param: 'uuid' },
  { name: 'sort by derived field', request: { sort: [{ kind: 'field', field: 'is_banned', direction: 'asc' }] }, tier: 'admin', param: 'is_banned' },
  { name: 'sort by hidden field', request: { sort: [{ kind: 'field', field: 'email', direction: 'asc' }] }, tier: 'moderator', param: 'email' },
  { name: 'sort direction', request: { sort: [{ kind: 'field', field: 'name', direction: 'up' } as unknown as SortKey] }, tier: 'admin', param: 'sort' },
  { name: 'empty custom order', request: { sort: [{ kind: 'idOrder', ids: [] }] }, tier: 'admin', param: 'sort' },
  { name: 'custom order with a non-integer', request: { sort: [{ kind: 'idOrder', ids: [1, 1.5] }] }, tier: 'admin', param: 'sort' },
  { name: 'keyset on a nullable field', request: { sort: [{ kind: 'field', field: 'display_name', direction: 'asc' }], page: { kind: 'keyset', limit: 5, cursor: null } }, tier: 'admin', param: 'sort' },
  { name: 'keyset with a custom order', request: { sort: [{ kind: 'idOrder', ids: [1, 2] }], page: { kind: 'keyset', limit: 5, cursor: null } }, tier: 'admin', param: 'sort' },
  { name: 'keyset with limit 0', request: { page: { kind: 'keyset', limit: 0, cursor: null } }, tier: 'admin', param: 'limit' },
  { name: 'negative limit', request: { page: { kind: 'offset', limit: -1, offset: 0 } }, tier: 'admin', param: 'limit' },
  { name: 'fractional offset', request: { page: { kind: 'offset', limit: 5, offset: 1.5 } }, tier: 'admin', param: 'offset' },
  { name: 'before a fraction', request: { page: { kind: 'before', limit: 5, id: 1.5 } }, tier: 'admin', param: 'page' },
];

let fixtures: Fixture[] = [];
before(async () => {
  fixtures = await openFixtures();
});
after(() => disposeAll(fixtures));

test('bad filters, sorts and pages are refused with invalid_param naming the parameter, on both engines', async () => {
  for (const row of REFUSED) {
    for (const f of fixtures) {
      const request: SearchRequest = { entity: 'users', filter: TRUE, sort: [], page: PAGE, ...row.request };
      await assert.rejects(f.search(request, row.tier), (error: unknown) => {
        assert.ok(error instanceof CoreError, `${row.name}: ${String(error)}`);
        assert.equal(error.code, 'invalid_param', row.name);
        assert.equal(error.details.param, row.param, row.name);
        return true;
      }, `${row.name} on ${f.engine}`);
    }
  }
});

test('a hidden field is refused exactly like an unknown one', () => {
  const messageOf = (filter: Filter, tier: SearchTier) => {
    try {
      checkFilter('users', filter, tier);
    } catch (error) {
      return error instanceof CoreError ? error.message.replace(/"[^"]*"/, '"x"') : 'other';
    }
    return 'accepted';
  };
  assert.equal(messageOf(isNull('email'), 'public'), messageOf(isNull('no_such_field'), 'public'));
  assert.equal(messageOf(isNull('email'), 'admin'), 'accepted');
});

test('the tier decides: a public search on email fails, an admin one passes', async () => {
  for (const f of fixtures) {
    const request: SearchRequest = { entity: 'users', filter: match('email', 'exact', 'bob@example.org'), sort: [], page: PAGE };
    await assert.rejects(f.search(request, 'public'), { code: 'invalid_param' });
    assert.deepEqual((await f.search(request, 'admin')).ids, f.users('bob'));
  }
});

test('a scope is ANDed to the filter without the tier check; the filter keeps it', async () => {
  for (const f of fixtures) {
    const request: SearchRequest = { entity: 'users', filter: eq('level', 20), scope: isNull('email'), sort: [], page: PAGE };
    assert.deepEqual((await f.search(request, 'public')).ids, f.users('mallory', 'heidi'));
    await assert.rejects(f.search({ ...request, filter: isNull('email'), scope: TRUE }, 'public'), { code: 'invalid_param' });
    await assert.rejects(f.search({ ...request, scope: eq('nope', 1) }, 'public'), { code: 'invalid_param', details: { param: 'nope' } });
  }
});

test('nesting 10 levels deep is accepted', async () => {
  for (const f of fixtures) {
    const result = await f.search({ entity: 'users', filter: nest(10), sort: [], page: PAGE });
    assert.deepEqual(result.ids, []);
  }
});

test('isSearchable and isSortable follow the catalogue and the tier', () => {
  assert.equal(isSearchable('users', 'name', 'public'), true);
  assert.equal(isSearchable('users', 'email', 'public'), false);
  assert.equal(isSearchable('users', 'email', 'admin'), true);
  assert.equal(isSearchable('users', 'nope', 'admin'), false);
  assert.equal(isSearchable('users', 'is_banned', 'public'), true);
  assert.equal(isSortable('users', 'name', 'public'), true);
  assert.equal(isSortable('users', 'uuid', 'admin'), false);
  assert.equal(isSortable('users', 'is_banned', 'admin'), false);
  assert.equal(isSortable('users', 'last_logged_in_at', 'member'), false);
  assert.equal(isSortable('users', 'last_logged_in_at', 'moderator'), true);
  assert.doesNotThrow(() => checkFilter('bans', exists('user', eq('level', 20)), 'public'));
});

test('regression: integers beyond 32 bits match nothing instead of failing on PostgreSQL', async () => {
  const huge = 99_999_999_999;
  for (const f of fixtures) {
    assert.deepEqual((await f.search({ entity: 'users', filter: eq('id', huge), sort: [], page: PAGE })).ids, [], f.engine);
    assert.deepEqual((await f.search({ entity: 'users', filter: isIn('id', [1, huge]), sort: [], page: PAGE })).ids, [1], f.engine);
    const many = Array.from({ length: 150 }, (_, i) => huge + i);
    assert.deepEqual((await f.search({ entity: 'users', filter: isIn('id', [...many, 2]), sort: [], page: PAGE })).ids, [2], f.engine);
    const below = await f.search({ entity: 'users', filter: cmp('post_upload_count', 'lt', huge), sort: [], page: { kind: 'offset', limit: 100, offset: 0 } });
    assert.equal(below.ids.length, 12, f.engine);
  }
});

test('regression: b<id>/a<id> pages with ids beyond 32 bits do not fail on PostgreSQL', async () => {
  for (const f of fixtures) {
    const before = await f.search({ entity: 'users', filter: TRUE, sort: [], page: { kind: 'before', limit: 2, id: 99_999_999_999 } });
    assert.deepEqual(before.ids, [12, 11], f.engine);
    const after = await f.search({ entity: 'users', filter: TRUE, sort: [], page: { kind: 'after', limit: 2, id: 99_999_999_999 } });
    assert.deepEqual(after.ids, [], f.engine);
  }
});
