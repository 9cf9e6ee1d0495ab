import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { outageOf } from '../../src/core/outage.js';
import { createTestCore, TEST_ENGINE, TEST_POSTGRES_URL, type TestCore } from '../support/database.js';

/** Regression tests for what the fault tests found, each named for its finding. */
describe(`database faults (${TEST_ENGINE})`, () => {
  let core: TestCore;
  before(async () => {
    core = await createTestCore();
  });
  after(async () => core.dispose());

  if (TEST_ENGINE === 'sqlite') {
    it('regression: after SQLITE_FULL rolls a transaction back by itself, the caller sees SQLITE_FULL, not "cannot rollback - no transaction is active"', async () => {
      const pages = (await sql<{ page_count: number }>`pragma page_count`.execute(core.db)).rows[0]!.page_count;
      await sql.raw(`pragma max_page_count = ${pages}`).execute(core.db);
      try {
        const error = await core.db
          .transaction()
          .execute(async (trx) => {
            for (let i = 0; i < 10_000; i += 1)
              await sql`insert into audit_log (actor_id, action, subject_type, subject_id, details, ip, created_at) values (null, 'x', 'user', 1, ${'y'.repeat(2_000)}, null, 0)`.execute(
                trx,
              );
          })
          .then(
            () => null,
            (thrown: unknown) => thrown,
          );
        assert.equal((error as { code?: string } | null)?.code, 'SQLITE_FULL');
        assert.equal(outageOf(error), 'storage_full');
      } finally {
        await sql.raw('pragma max_page_count = 4294967294').execute(core.db);
      }
      assert.deepEqual((await sql`select 1 as one`.execute(core.db)).rows, [{ one: 1 }]);
    });
  }

  if (TEST_ENGINE === 'postgres') {
    it('regression: a pooled client whose backend is terminated inside a transaction does not crash the process', async () => {
      const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await admin.connect();
      try {
        const failed = core.db
          .transaction()
          .execute(async (trx) => {
            const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
            // Between two queries of the transaction, nothing is waiting on this client: the kill
            // arrives as an 'error' event, which used to be unhandled.
            await admin.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
            await new Promise((resolve) => setTimeout(resolve, 200));
            await sql`select 1`.execute(trx);
          })
          .then(
            () => null,
            (thrown: unknown) => thrown,
          );
        const error = await failed;
        assert.equal(outageOf(error), 'database_unavailable', String(error));
      } finally {
        await admin.end();
      }
      assert.deepEqual((await sql`select 1 as one`.execute(core.db)).rows, [{ one: 1 }]);
    });
  }

  it('outageOf: engine and socket failures are outages, everything else is not', () => {
    const coded = (code: string, message = 'x') => Object.assign(new Error(message), { code });
    assert.equal(outageOf(coded('SQLITE_FULL')), 'storage_full');
    assert.equal(outageOf(coded('SQLITE_IOERR_WRITE')), 'database_unavailable');
    assert.equal(outageOf(coded('SQLITE_BUSY')), 'database_unavailable');
    assert.equal(outageOf(coded('53100')), 'storage_full');
    assert.equal(outageOf(coded('57P01')), 'database_unavailable');
    assert.equal(outageOf(coded('08006')), 'database_unavailable');
    assert.equal(outageOf(coded('ECONNREFUSED')), 'database_unavailable');
    assert.equal(outageOf(new Error('Connection terminated unexpectedly')), 'database_unavailable');
    assert.equal(outageOf(new AggregateError([coded('ECONNREFUSED')])), 'database_unavailable');
    assert.equal(outageOf(coded('SQLITE_CONSTRAINT_UNIQUE')), null);
    assert.equal(outageOf(coded('23505')), null);
    assert.equal(outageOf(new TypeError('bug')), null);
    assert.equal(outageOf('not an error'), null);
  });
});
