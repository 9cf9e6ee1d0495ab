import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CoreError } from '../../src/core/errors.js';
import { eq, TRUE, type Filter } from '../../src/query/ast.js';
import { encodeCursor } from '../../src/query/cursor.js';
import type { SearchTier } from '../../src/query/fields.js';
import type { PageRequest, SearchRequest, SortKey } from '../../src/query/search.js';
import { disposeAll, openFixtures, type Fixture } from './fixtures.js';

const asc = (field: string): SortKey => ({ kind: 'field', field, direction: 'asc' });
const desc = (field: string): SortKey => ({ kind: 'field', field, direction: 'desc' });
const request = (sort: readonly SortKey[], page: PageRequest, filter: Filter = TRUE): SearchRequest => ({ entity: 'users', filter, sort, page });
const ALL_PAGE: PageRequest = { kind: 'offset', limit: 100, offset: 0 };

const NAME_ASC = ['Alice', 'Carol_Smith', 'Frank*Star', 'bob', 'dave%x', 'eve_under', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'Éloïse'];
const LEVEL_20_BY_ID = ['Alice', 'eve_under', 'Éloïse', 'heidi', 'ivan', 'mallory'];

const SORTS: readonly { name: string; sort: readonly SortKey[]; expect: readonly string[]; tier?: SearchTier }[] = [
  {
    name: 'default is id desc',
    sort: [],
    expect: ['mallory', 'judy', 'ivan', 'heidi', 'grace', 'Éloïse', 'Frank*Star', 'eve_under', 'dave%x', 'Carol_Smith', 'bob', 'Alice'],
  },
  { name: 'name asc, code point order', sort: [asc('name')], expect: NAME_ASC },
  { name: 'name desc', sort: [desc('name')], expect: [...NAME_ASC].reverse() },
  {
    name: 'nullable asc: NULLs last, ties by id asc',
    sort: [asc('display_name')],
    expect: ['heidi', 'Alice', 'Carol_Smith', 'eve_under', 'judy', 'grace', 'bob', 'dave%x', 'Frank*Star', 'Éloïse', 'ivan', 'mallory'],
  },
  {
    name: 'nullable desc: NULLs still last, ties by id desc',
    sort: [desc('display_name')],
    expect: ['grace', 'judy', 'eve_under', 'Carol_Smith', 'Alice', 'heidi', 'mallory', 'ivan', 'Éloïse', 'Frank*Star', 'dave%x', 'bob'],
  },
  {
    name: 'two keys',
    sort: [desc('level'), asc('name')],
    expect: ['Frank*Star', 'Carol_Smith', 'grace', 'judy', 'bob', 'Alice', 'eve_under', 'heidi', 'ivan', 'mallory', 'Éloïse', 'dave%x'],
  },
  {
    name: 'nullable timestamp desc (moderator)',
    sort: [desc('last_logged_in_at')],
    tier: 'moderator',
    expect: ['mallory', 'Alice', 'eve_under', 'Carol_Smith', 'ivan', 'grace', 'judy', 'heidi', 'Éloïse', 'Frank*Star', 'dave%x', 'bob'],
  },
  {
    name: 'nullable timestamp asc (moderator)',
    sort: [asc('last_logged_in_at')],
    tier: 'moderator',
    expect: ['grace', 'ivan', 'Carol_Smith', 'eve_under', 'Alice', 'mallory', 'bob', 'dave%x', 'Frank*Star', 'Éloïse', 'heidi', 'judy'],
  },
  {
    name: 'counter desc, ties by id desc',
    sort: [desc('post_upload_count')],
    expect: ['Carol_Smith', 'grace', 'eve_under', 'judy', 'ivan', 'Alice', 'heidi', 'Frank*Star', 'Éloïse', 'dave%x', 'mallory', 'bob'],
  },
  {
    name: 'custom id order first',
    sort: [{ kind: 'idOrder', ids: [10, 1, 8] }],
    expect: ['ivan', 'Alice', 'grace', 'mallory', 'judy', 'heidi', 'Éloïse', 'Frank*Star', 'eve_under', 'dave%x', 'Carol_Smith', 'bob'],
  },
  {
    name: 'pinned first, then level asc',
    sort: [{ kind: 'pinFirst', id: 11 }, asc('level')],
    expect: ['judy', 'dave%x', ...LEVEL_20_BY_ID, 'bob', 'grace', 'Carol_Smith', 'Frank*Star'],
  },
  {
    name: 'explicit id asc',
    sort: [asc('id')],
    expect: ['Alice', 'bob', 'Carol_Smith', 'dave%x', 'eve_under', 'Frank*Star', 'Éloïse', 'grace', 'heidi', 'ivan', 'judy', 'mallory'],
  },
];

let fixtures: Fixture[] = [];
before(async () => {
  fixtures = await openFixtures();
});
after(() => disposeAll(fixtures));

test('sorts order rows alike on both engines, NULLs last, ties by id', async () => {
  for (const row of SORTS) {
    for (const f of fixtures) {
      const result = await f.search(request(row.sort, ALL_PAGE), row.tier);
      assert.deepEqual(result.ids, f.users(...row.expect), `${row.name} on ${f.engine}`);
    }
  }
});

test('offset pages read one row ahead for hasMore and count the total', async () => {
  for (const f of fixtures) {
    const first = await f.search({ ...request([asc('name')], { kind: 'offset', limit: 5, offset: 0 }), count: true });
    assert.deepEqual(first, { ids: f.users(...NAME_ASC.slice(0, 5)), hasMore: true, nextCursor: null, total: 12 });
    const last = await f.search(request([asc('name')], { kind: 'offset', limit: 5, offset: 10 }));
    assert.deepEqual(last, { ids: f.users(...NAME_ASC.slice(10)), hasMore: false, nextCursor: null, total: null });
    const exact = await f.search(request([asc('name')], { kind: 'offset', limit: 2, offset: 10 }));
    assert.equal(exact.hasMore, false);
    const empty = await f.search(request([], { kind: 'offset', limit: 0, offset: 0 }));
    assert.deepEqual([empty.ids, empty.hasMore], [[], true]);
    const filtered = await f.search({ ...request([], { kind: 'offset', limit: 2, offset: 0 }, eq('level', 20)), count: true });
    assert.deepEqual([filtered.ids, filtered.total], [f.users('mallory', 'ivan'), 6]);
  }
});

async function keysetAll(f: Fixture, sort: readonly SortKey[], limit: number, filter: Filter = TRUE): Promise<number[][]> {
  const pages: number[][] = [];
  let cursor: string | null = null;
  for (;;) {
    const result = await f.search(request(sort, { kind: 'keyset', limit, cursor }, filter));
    pages.push(result.ids);
    assert.equal(result.nextCursor !== null, result.hasMore);
    if (!result.nextCursor) return pages;
    cursor = result.nextCursor;
    assert.ok(pages.length < 50, 'keyset paging does not end');
  }
}

test('keyset pages walk every row once, in sort order', async () => {
  const sorts: SortKey[][] = [
    [],
    [asc('level')],
    [desc('name')],
    [desc('created_at')],
    [desc('level'), asc('name')],
    [asc('post_upload_count'), desc('level')],
  ];
  for (const f of fixtures) {
    for (const sort of sorts) {
      for (const limit of [1, 4, 5, 12, 50]) {
        const pages = await keysetAll(f, sort, limit);
        const everything: number[] = (await f.search(request(sort, ALL_PAGE))).ids;
        assert.deepEqual(pages.flat(), everything, `${JSON.stringify(sort)} limit ${limit} on ${f.engine}`);
        assert.ok(pages.slice(0, -1).every((page) => page.length === limit));
        assert.equal(pages.length, Math.max(1, Math.ceil(12 / limit)), 'no empty trailing page');
      }
    }
    const filtered = await keysetAll(f, [asc('name')], 2, eq('level', 20));
    assert.deepEqual(filtered, [f.users('Alice', 'eve_under'), f.users('heidi', 'ivan'), f.users('mallory', 'Éloïse')]);
  }
});

test('before and after page by id descending and ignore the sort', async () => {
  for (const f of fixtures) {
    const page = async (kind: 'before' | 'after', id: number, limit: number, filter: Filter = TRUE) => {
      const result = await f.search(request([asc('name')], { kind, id, limit }, filter));
      return [result.ids, result.hasMore];
    };
    assert.deepEqual(await page('before', 5, 2), [[4, 3], true]);
    assert.deepEqual(await page('before', 2, 5), [[1], false]);
    assert.deepEqual(await page('before', 1, 5), [[], false]);
    assert.deepEqual(await page('after', 5, 3), [[8, 7, 6], true]);
    assert.deepEqual(await page('after', 10, 5), [[12, 11], false]);
    assert.deepEqual(await page('after', 0, 12), [[12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1], false]);
    assert.deepEqual(await page('after', 1, 2, eq('level', 20)), [f.users('Éloïse', 'eve_under'), true]);
    assert.deepEqual(await page('before', 12, 2, eq('level', 20)), [f.users('ivan', 'heidi'), true]);
  }
});

test('bad cursors are refused with invalid_param cursor', async () => {
  for (const f of fixtures) {
    const first = await f.search(request([asc('level')], { kind: 'keyset', limit: 3, cursor: null }));
    const good = first.nextCursor!;
    const payload = JSON.parse(Buffer.from(good, 'base64url').toString('utf8')) as { k: number[] };
    const reencode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const bad = [
      'not a cursor!',
      '',
      'A'.repeat(5000),
      reencode('hello'),
      reencode([1, 2]),
      Buffer.from('{"v":1').toString('base64url'),
      reencode({ ...payload, k: [payload.k[0]! + 10, payload.k[1]] }),
      reencode({ ...payload, extra: 1 }),
      reencode({ ...payload, v: 2 }),
      `${good.slice(0, -1)}${good.endsWith('A') ? 'B' : 'A'}`,
      encodeCursor('users|level:asc,id:asc', ['20', 4]),
      encodeCursor('users|level:asc,id:asc', [20]),
      encodeCursor('users|level:asc,id:asc', [20, 4.5]),
    ];
    for (const cursor of bad) {
      await assert.rejects(f.search(request([asc('level')], { kind: 'keyset', limit: 3, cursor })), (error: unknown) => {
        assert.ok(error instanceof CoreError && error.code === 'invalid_param' && error.details.param === 'cursor', `${cursor.slice(0, 40)}: ${String(error)}`);
        return true;
      });
    }
    // A cursor belongs to its sort.
    await assert.rejects(f.search(request([asc('name')], { kind: 'keyset', limit: 3, cursor: good })), { code: 'invalid_param', details: { param: 'cursor' } });
    await assert.rejects(f.search(request([desc('level')], { kind: 'keyset', limit: 3, cursor: good })), { code: 'invalid_param' });
    const next = await f.search(request([asc('level')], { kind: 'keyset', limit: 3, cursor: good }));
    assert.equal(next.ids.length, 3);
  }
});
