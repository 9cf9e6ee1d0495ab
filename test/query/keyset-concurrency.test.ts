import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TRUE } from '../../src/query/ast.js';
import type { SearchResult, SortKey } from '../../src/query/search.js';
import { disposeAll, newUserRow, openFixtures, type Fixture } from './fixtures.js';

let fixtures: Fixture[] = [];
before(async () => {
  fixtures = await openFixtures();
});
after(() => disposeAll(fixtures));

const LEVELS = [0, 10, 20, 35, 50, 60, 20, 31];
let serial = 0;

test('keyset paging sees every row present at the start exactly once while rows are inserted', async () => {
  const sorts: SortKey[][] = [[{ kind: 'field', field: 'level', direction: 'asc' }], [{ kind: 'field', field: 'name', direction: 'desc' }], []];
  for (const f of fixtures) {
    for (const sort of sorts) {
      const original = await f.core.db.selectFrom('users').select('id').execute();
      let inserted = 0;
      const insertTwo = async () => {
        for (let i = 0; i < 2; i++) {
          inserted++;
          const name = `new_${++serial}`;
          const user = { name, first: 'New', last: 'User', level: LEVELS[inserted % LEVELS.length]!, created: 0, uploads: 0 };
          await f.core.db.insertInto('users').values(newUserRow(user, null)).execute();
        }
      };
      const seen: number[] = [];
      let cursor: string | null = null;
      for (let pages = 0; ; pages++) {
        assert.ok(pages < 100, 'paging does not end');
        // The next page is fetched while other rows are being written.
        const [result]: [SearchResult, void] = await Promise.all([
          f.search({ entity: 'users', filter: TRUE, sort, page: { kind: 'keyset', limit: 3, cursor } }),
          insertTwo(),
        ]);
        seen.push(...result.ids);
        if (!result.nextCursor) break;
        cursor = result.nextCursor;
        await insertTwo();
      }
      assert.equal(new Set(seen).size, seen.length, `no duplicates on ${f.engine}`);
      for (const { id } of original) assert.equal(seen.filter((s) => s === id).length, 1, `id ${id} seen once on ${f.engine}`);
      assert.ok(inserted > 0);
      // What was seen is in sort order, new rows included.
      const everything = await f.search({ entity: 'users', filter: TRUE, sort, page: { kind: 'offset', limit: 1000, offset: 0 } });
      assert.deepEqual(
        seen,
        everything.ids.filter((id) => seen.includes(id)),
        `sorted on ${f.engine}`,
      );
    }
  }
});
