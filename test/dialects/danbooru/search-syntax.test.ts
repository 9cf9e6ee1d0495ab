import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CoreError } from '../../../src/core/errors.js';
import { and, cmp, eq, exists, FALSE, isIn, isNull, match, not, or, TRUE, type Filter } from '../../../src/query/ast.js';
import type { SearchTier } from '../../../src/query/fields.js';
import { searchRedirectQuery } from '../../../src/dialects/danbooru/search-normalize.js';
import { LIVE_BAN, parseUserSearch, resolveUserFilter, type UserSearch, type UserSearchContext } from '../../../src/dialects/danbooru/search-syntax.js';
import { dayAround } from '../../../src/dialects/danbooru/time-zone.js';

const NOW = Date.parse('2024-05-01T16:00:00.123Z');
const DAY = 86_400_000;
const PUBLIC: UserSearchContext = { tier: 'public', now: NOW, timeZone: 'Eastern Time (US & Canada)', viewerId: null };
const ID_DESC = { kind: 'field', field: 'id', direction: 'desc' } as const;

const filterOf = (search: unknown, context: UserSearchContext = PUBLIC): Filter => parseUserSearch(search, context).filter;
const exact = (field: string, value: string, caseSensitive = false): Filter => match(field, 'exact', value, caseSensitive);

const FILTERS: readonly (readonly [string, unknown, Filter])[] = [
  ['nothing', {}, TRUE],
  ['not a hash', 'id=1', TRUE],
  ['a list', ['1'], TRUE],
  ['id list', { id: '1,2' }, isIn('id', [1, 2])],
  ['id_not keeps NULLs through not()', { id_not: '5' }, not(cmp('id', 'eq', 5))],
  ['inviter_id none', { inviter_id: 'none' }, isNull('inviter_id')],
  ['inviter_id_not any', { inviter_id_not: 'any' }, isNull('inviter_id')],
  ['unparsable', { level: 'gold' }, FALSE],
  ['level_gteq', { level_gteq: '30' }, cmp('level', 'gte', 30)],
  ['level_gt junk', { level_gt: 'abc' }, FALSE],
  ['id_not_eq', { id_not_eq: '3' }, cmp('id', 'ne', 3)],
  ['counters', { post_upload_count: '>10', note_update_count_lt: '5' }, and(cmp('post_upload_count', 'gt', 10), cmp('note_update_count', 'lt', 5))],
  ['hidden counters are not searchable', { upload_points: '5', unread_dmail_count: '1' }, TRUE],
  ['blank values are ignored', { id: '', level: '  ' }, TRUE],
  ['arrays and hashes where a string belongs', { id: ['1'], level: { a: '1' }, name: ['x'] }, TRUE],
  ['unknown keys', { foo: 'bar', posts_tags_match: 'touhou' }, TRUE],
  ['name is name_matches', { name: ' Foo Bar ' }, exact('name', 'foo_bar')],
  ['name wildcard', { name: 'Foo*' }, match('name', 'wildcard', 'foo*', false)],
  ['name wins over name_matches', { name: 'a', name_matches: 'b' }, exact('name', 'a')],
  ['name_matches', { name_matches: 'x\\*y*' }, match('name', 'wildcard', 'x\\*y*', false)],
  ['name_eq', { name_eq: 'Foo' }, exact('name', 'Foo', true)],
  ['name_not_eq', { name_not_eq: 'Foo' }, not(exact('name', 'Foo', true))],
  ['name_like', { name_like: 'F*' }, match('name', 'wildcard', 'F*', true)],
  ['name_ilike without star', { name_ilike: 'f%o' }, exact('name', 'f%o')],
  ['name_not_ilike', { name_not_ilike: '*bot' }, not(match('name', 'wildcard', '*bot', false))],
  ['name_regex', { name_regex: '^a.+z$' }, match('name', 'regex', '^a.+z$', true)],
  ['name_not_regex', { name_not_regex: 'x' }, not(match('name', 'regex', 'x', true))],
  ['name_present true', { name_present: 'yes' }, not(eq('name', ''))],
  ['name_present false', { name_present: 'f' }, eq('name', '')],
  ['name_present junk', { name_present: 'maybe' }, TRUE],
  ['name_array', { name_array: ['a', 'b', 3] }, isIn('name', ['a', 'b'])],
  ['name_comma', { name_comma: 'a,b' }, isIn('name', ['a', 'b'])],
  ['name_space', { name_space: ' a  b ' }, isIn('name', ['a', 'b'])],
  ['name_lower_comma', { name_lower_comma: 'A,B' }, or(exact('name', 'A'), exact('name', 'B'))],
  ['NUL never matches', { name_eq: 'a\u0000' }, FALSE],
  ['is_deleted truthy', { is_deleted: 'YES' }, eq('is_deleted', true)],
  ['is_deleted falsy', { is_deleted: 'off' }, eq('is_deleted', false)],
  ['is_deleted junk matches nothing', { is_deleted: 'maybe' }, FALSE],
  ['is_banned', { is_banned: 't' }, eq('is_banned', true)],
  ['is_banned junk is ignored', { is_banned: 'maybe' }, TRUE],
  ['min and max level', { min_level: '30', max_level: '40x' }, and(cmp('level', 'gte', 30), cmp('level', 'lte', 40))],
  ['min_level junk is 0', { min_level: 'gold' }, cmp('level', 'gte', 0)],
  ['has_inviter', { has_inviter: 'true' }, not(isNull('inviter_id'))],
  ['has_inviter false', { has_inviter: '0' }, isNull('inviter_id')],
  ['inviter_name', { inviter_name: 'Some One' }, exists('inviter', exact('name', 'some_one'))],
  ['inviter_name wildcard', { inviter_name: 'a*' }, exists('inviter', match('name', 'wildcard', 'a*', false))],
  ['nested inviter search', { inviter: { level: '>30' } }, exists('inviter', cmp('level', 'gt', 30))],
  ['nested twice', { inviter: { inviter: { id: '1' } } }, exists('inviter', exists('inviter', cmp('id', 'eq', 1)))],
  ['has_bans', { has_bans: 'y' }, exists('bans', LIVE_BAN)],
  ['has_bans false', { has_bans: 'n' }, not(exists('bans', LIVE_BAN))],
  ['bans reason', { bans: { reason: 'spam' } }, exists('bans', and(LIVE_BAN, exact('reason', 'spam', true)))],
  [
    'bans reason_matches',
    { bans: { reason_matches: 'Spam Bot' } },
    exists('bans', and(LIVE_BAN, match('reason', 'contains', 'Spam', false), match('reason', 'contains', 'Bot', false))),
  ],
  ['bans banner_id', { bans: { banner_id: '3' } }, exists('bans', and(LIVE_BAN, cmp('actor_id', 'eq', 3)))],
  ['bans banner_name', { bans: { banner_name: 'Mod' } }, exists('bans', and(LIVE_BAN, exists('actor', exact('name', 'mod'))))],
  ['bans expired', { bans: { expired: 'true' } }, exists('bans', and(LIVE_BAN, cmp('expires_at', 'lte', NOW)))],
  ['bans not expired', { bans: { expired: 'false' } }, exists('bans', and(LIVE_BAN, or(isNull('expires_at'), cmp('expires_at', 'gt', NOW))))],
  ['bans user nested', { bans: { user: { level: '20' } } }, exists('bans', and(LIVE_BAN, exists('user', cmp('level', 'eq', 20))))],
  ['created_at age', { created_at: '<1w' }, cmp('created_at', 'gt', NOW - 7 * DAY)],
  ['created_at_not reads dates', { created_at_not: '2024-01-01' }, not(cmp('created_at', 'eq', Date.parse('2024-01-01T05:00:00Z')))],
  ['updated_at_gteq', { updated_at_gteq: '2024-01-01' }, cmp('updated_at', 'gte', Date.parse('2024-01-01T05:00:00Z'))],
  ['updated_at_lt junk', { updated_at_lt: 'soon' }, FALSE],
  ['any_name_matches for anonymous: current names only', { any_name_matches: 'Old Name' }, exact('name', 'old_name')],
];

test('search[...] reads into the filter Danbooru would run', () => {
  for (const [label, search, expected] of FILTERS) assert.deepEqual(filterOf(search), expected, label);
});

test('past names follow name-change visibility (the engine narrows the rows a member reads)', () => {
  const renamed = exists('name_changes', exact('old_name', 'old'));
  const cases: readonly (readonly [SearchTier, Filter])[] = [
    ['public', exact('name', 'old')],
    ['member', or(exact('name', 'old'), renamed)],
    ['moderator', or(exact('name', 'old'), renamed)],
    ['admin', or(exact('name', 'old'), renamed)],
  ];
  for (const [tier, expected] of cases) assert.deepEqual(filterOf({ any_name_matches: 'Old' }, { ...PUBLIC, tier }), expected, tier);
});

test('name_or_past_name_matches comes back as two candidates', () => {
  const search = parseUserSearch({ name_or_past_name_matches: 'Old', level: '20' }, { ...PUBLIC, tier: 'moderator' });
  assert.deepEqual(search.filter, cmp('level', 'eq', 20));
  assert.deepEqual(search.nameOrPastName, { current: exact('name', 'old'), past: exists('name_changes', exact('old_name', 'old')) });
  // Nested there is nothing to count: either name matches.
  assert.deepEqual(
    filterOf({ inviter: { name_or_past_name_matches: 'Old' } }, { ...PUBLIC, tier: 'moderator' }),
    exists('inviter', or(exact('name', 'old'), exists('name_changes', exact('old_name', 'old')))),
  );
});

test('search[order] and current_user_first', () => {
  const member = { ...PUBLIC, tier: 'member' as const, viewerId: 7 };
  const cases: readonly (readonly [unknown, UserSearchContext, unknown])[] = [
    [{}, PUBLIC, [ID_DESC]],
    [{ order: 'name' }, PUBLIC, [{ kind: 'field', field: 'name', direction: 'asc' }]],
    [{ order: 'post_upload_count' }, PUBLIC, [{ kind: 'field', field: 'post_upload_count', direction: 'desc' }]],
    [{ order: 'post_update_count' }, PUBLIC, [{ kind: 'field', field: 'post_update_count', direction: 'desc' }]],
    [{ order: 'note_count' }, PUBLIC, [{ kind: 'field', field: 'note_update_count', direction: 'desc' }]],
    [{ order: 'created_at' }, PUBLIC, [ID_DESC]],
    [{ order: ['name'] }, PUBLIC, [ID_DESC]],
    [{ current_user_first: 'true' }, member, [{ kind: 'pinFirst', id: 7 }, ID_DESC]],
    [{ current_user_first: 'true' }, PUBLIC, [ID_DESC]],
    [{ current_user_first: 'true', order: 'name' }, member, [{ kind: 'pinFirst', id: 7 }, { kind: 'field', field: 'name', direction: 'asc' }]],
    [{ order: 'custom', id: '3,1,2,1' }, PUBLIC, [{ kind: 'idOrder', ids: [3, 1, 2] }]],
  ];
  for (const [search, context, expected] of cases) assert.deepEqual(parseUserSearch(search, context).sort, expected, JSON.stringify(search));
  assert.deepEqual(filterOf({ order: 'custom', id: '3,1,2' }), and(isIn('id', [3, 1, 2]), isIn('id', [3, 1, 2])));
  assert.deepEqual(filterOf({ order: 'custom', id: '>3' }), FALSE);
  assert.deepEqual(filterOf({ order: 'custom' }), FALSE);
});

test('a timestamp that is both an age and a date keeps a date reading', () => {
  const search = parseUserSearch({ created_at: '20240101', level: '20' }, PUBLIC);
  const day = dayAround(NOW - 20_240_101_000, 'America/New_York');
  assert.deepEqual(search.filter, and(cmp('level', 'eq', 20), cmp('created_at', 'gte', day.start), cmp('created_at', 'lt', day.end)));
  assert.deepEqual(search.dateFilter, and(cmp('level', 'eq', 20), cmp('created_at', 'eq', Date.parse('2024-01-01T05:00:00Z'))));
  assert.equal(parseUserSearch({ created_at: '<1w' }, PUBLIC).dateFilter, null);
});

test('resolveUserFilter settles the alternatives with row counts', async () => {
  const search: UserSearch = {
    filter: eq('level', 1),
    dateFilter: eq('level', 2),
    nameOrPastName: { current: eq('id', 10), past: eq('id', 20) },
    sort: [],
  };
  const counter = (counts: Map<string, number>) => async (filter: Filter, limit: number) => Math.min(limit, counts.get(JSON.stringify(filter)) ?? 0);
  const key = (filter: Filter): string => JSON.stringify(filter);
  // Nothing by age: dates; one current holder: them.
  assert.deepEqual(await resolveUserFilter(search, counter(new Map([[key(and(eq('level', 2), eq('id', 10))), 1]]))), and(eq('level', 2), eq('id', 10)));
  // Rows by age; no current holder: the past holders.
  assert.deepEqual(await resolveUserFilter(search, counter(new Map([[key(eq('level', 1)), 5]]))), and(eq('level', 1), eq('id', 20)));
  assert.deepEqual(await resolveUserFilter({ ...search, nameOrPastName: null }, counter(new Map())), eq('level', 2));
});

test('searches nested deeper than 10 are refused', () => {
  const nest = (levels: number): unknown => (levels === 0 ? { level: '20' } : { inviter: nest(levels - 1) });
  assert.doesNotThrow(() => parseUserSearch(nest(8), PUBLIC));
  assert.throws(
    () => parseUserSearch(nest(9), PUBLIC),
    (error: unknown) => error instanceof CoreError && error.code === 'invalid_param' && error.message === 'max parameter depth of 10 exceeded',
  );
});

test('blank search values redirect to the URL without them', () => {
  const cases: readonly (readonly [unknown, string | null])[] = [
    [{ search: { name: 'a' }, limit: '5' }, null],
    [{ limit: '5' }, null],
    [{ search: { name: 'a', level: '' }, limit: '5' }, 'limit=5&search%5Bname%5D=a'],
    [{ search: { name: 'a b*', order: ' ' } }, 'search%5Bname%5D=a+b%2A'],
    [{ search: { inviter: { name: '' } } }, ''],
    [{ search: { inviter: { name: '', level: '2' }, id: '' } }, 'search%5Binviter%5D%5Blevel%5D=2&search%5Binviter%5D%5Bname%5D='],
    [{ search: { name_array: [], id: '1' }, only: 'id,name' }, 'only=id%2Cname&search%5Bid%5D=1'],
    [{ search: { name_array: ['a', 'b'], id: '' } }, 'search%5Bname_array%5D%5B%5D=a&search%5Bname_array%5D%5B%5D=b'],
  ];
  for (const [query, expected] of cases) assert.equal(searchRedirectQuery(query), expected, JSON.stringify(query));
});
