import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.js';

/**
 * SQLite rows are read as arrays into an object literal compiled per cached statement
 * (src/db/sqlite-rows.ts). These pin that the objects are the ones better-sqlite3 would build,
 * also after another connection changes the schema under a cached statement.
 */
describe('SQLite rows read through compiled literals', () => {
  let dir: string;
  let handle: DatabaseHandle;
  let db: Kysely<Record<string, Record<string, unknown>>>;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'roster-rows-'));
    handle = openDatabase({ engine: 'sqlite', path: join(dir, 'rows.db') });
    db = handle.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
  });
  after(async () => {
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('rows carry every column by name, the last of duplicate names winning, as better-sqlite3 builds them', async () => {
    await sql`create table pairs (a integer, b text, "x y" integer)`.execute(db);
    await sql`insert into pairs values (1, 'one', 10), (2, 'two', 20)`.execute(db);
    assert.deepEqual(await db.selectFrom('pairs').selectAll().orderBy('a').execute(), [
      { a: 1, b: 'one', 'x y': 10 },
      { a: 2, b: 'two', 'x y': 20 },
    ]);
    const { rows } = await sql<Record<string, unknown>>`select a, b as a from pairs where a = 1`.execute(db);
    assert.deepEqual(rows, [{ a: 'one' }]);
    const returned = await db.insertInto('pairs').values({ a: 3, b: 'three' }).returning(['a', 'b']).executeTakeFirst();
    assert.deepEqual(returned, { a: 3, b: 'three' });
  });

  test('after another connection rebuilds the table with its columns in another order, the same query reads them by their new places', async () => {
    await sql`create table swapped (a integer, b integer)`.execute(db);
    await sql`insert into swapped values (1, 2)`.execute(db);
    const read = () => db.selectFrom('swapped').selectAll().execute();
    // A statement naming its columns is not checked against the schema again: it need not be.
    const named = () => db.selectFrom('swapped').select(['b', 'a']).execute();
    assert.deepEqual(await read(), [{ a: 1, b: 2 }]);
    assert.deepEqual(await named(), [{ b: 2, a: 1 }]);
    const other = new SqliteDatabase(join(dir, 'rows.db'));
    other.exec(
      'create table swapped_new (b integer, a integer); insert into swapped_new select b, a from swapped; drop table swapped; alter table swapped_new rename to swapped;',
    );
    other.close();
    assert.deepEqual(await named(), [{ b: 2, a: 1 }]);
    assert.deepEqual(await read(), [{ b: 2, a: 1 }]);
    assert.deepEqual(await named(), [{ b: 2, a: 1 }]);
  });
});
