import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser, updateUser } from '../../../src/core/users/users.js';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import { cvatFixture, root, type CvatFixture } from './http-fixture.js';

interface Page {
  count: number;
  next: string | null;
  previous: string | null;
  results: { id: number; username: string }[];
}

describe('CVAT user list: filters, search, sort, JSON Logic, pagination', () => {
  let f: CvatFixture;
  let all: number[];
  before(async () => {
    f = await cvatFixture();
    const people: [string, string, string][] = [
      ['john_smith', 'John', 'Smith'],
      ['johnny', 'Johnny', 'Walker'],
      ['mary_admin', 'Mary', 'Adams'],
      ['Alice', 'Alice', 'Liddell'],
    ];
    for (const [name, first, last] of people) {
      const user = await createUser(f.core, SYSTEM, { name });
      await updateUser(f.core, SYSTEM, user.id, { firstName: first, lastName: last });
    }
    for (let i = 0; i < 15; i += 1) await createUser(f.core, SYSTEM, { name: `bulk_${String(i).padStart(2, '0')}` });
    all = ((await f.request('admin', 'GET', '/api/users?page_size=all')).json() as Page).results.map((u) => u.id);
  });
  after(() => f.close());

  const names = async (query: string): Promise<string[]> => {
    const response = await f.request('admin', 'GET', `/api/users?page_size=all&${query}`);
    assert.equal(response.statusCode, 200, response.body);
    return (response.json() as Page).results.map((u) => u.username);
  };
  const logic = (rules: unknown): string => `filter=${encodeURIComponent(JSON.stringify(rules))}`;

  test('default order is -id', () => {
    assert.deepEqual(
      all,
      [...all].sort((a, b) => b - a),
    );
    assert.equal(all.length, 6 + 4 + 15);
  });

  test('simple filters are exact and case-sensitive; unknown params are ignored', async () => {
    assert.deepEqual(await names('username=johnny'), ['johnny']);
    assert.deepEqual(await names('username=JOHNNY'), []);
    assert.deepEqual(await names('first_name=Mary'), ['mary_admin']);
    assert.deepEqual(await names('last_name=Liddell'), ['Alice']);
    assert.equal((await names('is_active=true')).length, all.length);
    assert.equal((await names('id=5')).length, all.length);
    const bad = await f.request('admin', 'GET', '/api/users?is_active=maybe');
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(bad.json(), { is_active: ['Select a valid choice. maybe is not one of the available choices.'] });
  });

  test('search: every term must match some field, ignoring case', async () => {
    assert.deepEqual(await names('search=JOHN&sort=username'), ['john_smith', 'johnny']);
    assert.deepEqual(await names('search=john%20walker'), ['johnny']);
    assert.deepEqual(await names('search=john,smith'), ['john_smith']);
    assert.deepEqual(await names('search=adams'), ['mary_admin']);
  });

  test('sort: comma list, - for descending, unknown names dropped', async () => {
    assert.deepEqual(await names('search=john&sort=-username'), ['johnny', 'john_smith']);
    assert.deepEqual(await names('search=j&sort=last_name,-id'), ['john_smith', 'johnny']);
    assert.deepEqual((await names('sort=nope')).length, all.length);
    assert.deepEqual(await names('search=j&sort=-first_name'), ['johnny', 'john_smith']);
  });

  test('every JSON Logic operator, through the query engine', async () => {
    const [a, b] = [all.at(-1)!, all.at(-2)!];
    assert.deepEqual(await names(logic({ '==': [{ var: 'username' }, 'johnny'] })), ['johnny']);
    assert.deepEqual((await names(logic({ '<': [{ var: 'id' }, b] }))).length, 1);
    assert.deepEqual((await names(logic({ '<=': [{ var: 'id' }, b] }))).length, 2);
    assert.deepEqual((await names(logic({ '>': [{ var: 'id' }, a] }))).length, all.length - 1);
    assert.deepEqual((await names(logic({ '>=': [{ var: 'id' }, a] }))).length, all.length);
    assert.deepEqual((await names(logic({ '<=': [a, { var: 'id' }, b] }))).length, 2);
    assert.deepEqual(await names(logic({ in: [{ var: 'username' }, ['johnny', 'Alice', 'ghost']] })), ['Alice', 'johnny']);
    assert.deepEqual(await names(logic({ in: ['ohn', { var: 'username' }] })), ['johnny', 'john_smith']);
    assert.deepEqual(await names(logic({ in: ['OHN', { var: 'username' }] })), []);
    assert.deepEqual(await names(logic({ and: [{ in: ['ohn', { var: 'username' }] }, { '==': [{ var: 'last_name' }, 'Smith'] }] })), ['john_smith']);
    assert.deepEqual(await names(logic({ or: [{ '==': [{ var: 'first_name' }, 'Mary'] }, { '==': [{ var: 'first_name' }, 'Alice'] }] })), [
      'Alice',
      'mary_admin',
    ]);
    assert.equal((await names(logic({ '!': { in: ['bulk', { var: 'username' }] } }))).length, all.length - 15);
    assert.deepEqual(await names(logic({ '!!': { '==': [{ var: 'username' }, 'Alice'] } })), ['Alice']);
    assert.equal((await names(logic({ var: 'username' }))).length, all.length);
    assert.equal((await names(logic({ '==': [{ var: 'is_active' }, true] }))).length, all.length);
    assert.equal((await names(logic({ in: [{ var: 'is_active' }, [false]] }))).length, 0);
    assert.equal((await names(logic({ '>': [{ var: 'is_active' }, false] }))).length, all.length);
  });

  test('every filter error is a 400 list', async () => {
    const cases: [string, string][] = [
      ['{}', "filter shouldn't be empty"],
      ['{"==":[{"var":"email"},"x"]}', "filter: term 'email' is not supported"],
      ['{"!=":[{"var":"id"},1]}', "filter: operation '!=' with arguments '[{'var': 'id'}, 1]' is not supported"],
      ['{"and":5}', "filter: operation 'and' requires a non-empty list argument, got '5' of type 'int'"],
    ];
    for (const [text, message] of cases) {
      const response = await f.request('admin', 'GET', `/api/users?filter=${encodeURIComponent(text)}`);
      assert.equal(response.statusCode, 400, text);
      assert.deepEqual(response.json(), [message]);
    }
    const broken = await f.request('admin', 'GET', `/api/users?filter=${encodeURIComponent('{"==":')}`);
    assert.equal(broken.statusCode, 400);
    assert.match((broken.json() as string[])[0]!, /^filter: can't parse filter expression: /);
  });

  const walk = async (pageSize: string): Promise<{ ids: number[]; pages: number }> => {
    let url: string | null = `/api/users?page_size=${pageSize}&sort=username`;
    const ids: number[] = [];
    let pages = 0;
    let previous: string | null = null;
    while (url !== null) {
      const response = await f.request('admin', 'GET', url);
      assert.equal(response.statusCode, 200);
      const page = response.json() as Page;
      assert.equal(page.count, all.length);
      if (pages > 0) assert.ok(page.previous !== null && page.previous.startsWith(root(f)));
      else assert.equal(page.previous, null);
      ids.push(...page.results.map((u) => u.id));
      pages += 1;
      previous = url;
      url = page.next === null ? null : page.next.slice(root(f).length);
    }
    assert.ok(previous !== null);
    return { ids, pages };
  };

  for (const [size, pages] of [
    ['1', 25],
    ['10', 3],
    ['all', 1],
  ] as const) {
    test(`pagination walked to the end with page_size=${size}: nobody missed or repeated`, async () => {
      const result = await walk(size);
      assert.equal(result.pages, pages);
      assert.equal(new Set(result.ids).size, all.length);
      assert.deepEqual([...result.ids].sort(), [...all].sort());
    });
  }

  test('links are absolute, keys sorted, page 1 without page; page_size defaults to 10', async () => {
    const first = (await f.request('admin', 'GET', '/api/users?search=bulk')).json() as Page;
    assert.equal(first.results.length, 10);
    assert.equal(first.next, `${root(f)}/api/users?page=2&search=bulk`);
    const second = (await f.request('admin', 'GET', '/api/users?search=bulk&page=2&org=')).json() as Page;
    assert.equal(second.previous, `${root(f)}/api/users?org=&search=bulk`);
    assert.equal(second.next, null);
    const fallback = (await f.request('admin', 'GET', '/api/users?page_size=0')).json() as Page;
    assert.equal(fallback.results.length, 10);
    const last = (await f.request('admin', 'GET', '/api/users?page=last&page_size=10')).json() as Page;
    assert.equal(last.results.length, all.length - 20);
  });

  test('an invalid page is 404 "Invalid page."', async () => {
    for (const page of ['0', '-1', 'abc', '4', '2.0']) {
      const response = await f.request('admin', 'GET', `/api/users?page=${page}`);
      assert.equal(response.statusCode, 404, page);
      assert.deepEqual(response.json(), { detail: 'Invalid page.' });
    }
    assert.equal((await f.request('admin', 'GET', '/api/users?username=nobody&page=1')).statusCode, 200);
  });
});
