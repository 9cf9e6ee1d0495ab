import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MemoryBucketStore, type BucketRule, type BucketStore } from '../../../src/core/rate-limits/bucket-store.js';
import { DatabaseBucketStore } from '../../../src/core/rate-limits/database-bucket-store.js';
import { bucketStoreFor } from '../../../src/core/rate-limits/rate-limits.js';
import { openCore, type OpenCore } from '../../../src/core/create-core.js';
import { createTestDatabase, TEST_ENGINE, testConfig, type TestDatabase } from '../../support/database.js';

const RULE: BucketRule = { action: 'users:update', rate: 1, burst: 3, minimum: -5 };
const T0 = Date.UTC(2024, 0, 1);

let database: TestDatabase;
let a: OpenCore;
let b: OpenCore;

before(async () => {
  database = await createTestDatabase();
  a = await openCore(testConfig(database.url));
  b = await openCore(testConfig(database.url), { migrate: false });
});
after(async () => {
  await a.close();
  await b.close();
  await database.drop();
});

/** Both implementations must do the same arithmetic. */
const implementations: ReadonlyArray<readonly [string, () => BucketStore]> = [
  ['memory', () => new MemoryBucketStore()],
  [`database (${TEST_ENGINE})`, () => new DatabaseBucketStore(a.db, a.caps.engine)],
];

for (const [name, make] of implementations) {
  describe(`${name} bucket store`, () => {
    it('a new bucket starts full and pays the cost; it goes below zero past the burst', async () => {
      const store = make();
      const seen: number[] = [];
      for (let i = 0; i < 5; i += 1) seen.push((await store.charge(RULE, [`${name}-k1`], 1, T0))[`${name}-k1`] as number);
      assert.deepEqual(seen, [2, 1, 0, -1, -2]);
    });

    it('never falls below the minimum, however often it is hit', async () => {
      const store = make();
      let left = 0;
      for (let i = 0; i < 20; i += 1) left = (await store.charge(RULE, [`${name}-floor`], 1, T0))[`${name}-floor`] as number;
      assert.equal(left, RULE.minimum);
    });

    it('refills at the rate, never above the burst', async () => {
      const store = make();
      const key = `${name}-refill`;
      await store.charge(RULE, [key], 3, T0);
      assert.equal((await store.charge(RULE, [key], 0, T0 + 1_500))[key], 1.5);
      assert.equal((await store.charge(RULE, [key], 0, T0 + 60_000))[key], 3);
    });

    it('a negative cost gives points back (a refund), up to the burst', async () => {
      const store = make();
      const key = `${name}-refund`;
      await store.charge(RULE, [key], 2, T0);
      assert.equal((await store.charge(RULE, [key], -1, T0))[key], 2);
      assert.equal((await store.charge(RULE, [key], -5, T0))[key], 3);
    });

    it('charges every key of a call, each its own bucket; the same key under another action is another bucket', async () => {
      const store = make();
      await store.charge(RULE, [`${name}-u`], 2, T0);
      assert.deepEqual(await store.charge(RULE, [`${name}-u`, `${name}-ip`], 1, T0), { [`${name}-u`]: 0, [`${name}-ip`]: 2 });
      assert.deepEqual(await store.charge({ ...RULE, action: 'users:create' }, [`${name}-u`], 1, T0), { [`${name}-u`]: 2 });
    });
  });
}

describe('database buckets: two instances, one budget', () => {
  it('a budget spent on A is spent for B', async () => {
    const onA = new DatabaseBucketStore(a.db, a.caps.engine);
    const onB = new DatabaseBucketStore(b.db, b.caps.engine);
    assert.equal((await onA.charge(RULE, ['shared'], 2, T0)).shared, 1);
    assert.equal((await onB.charge(RULE, ['shared'], 1, T0)).shared, 0);
    assert.equal((await onA.charge(RULE, ['shared'], 1, T0)).shared, -1);
  });

  it('is atomic: 60 concurrent charges from two instances on a burst of 20 leave exactly 20 within budget', async () => {
    const rule: BucketRule = { action: 'users:create', rate: 0.001, burst: 20, minimum: -100 };
    const stores = [new DatabaseBucketStore(a.db, a.caps.engine), new DatabaseBucketStore(b.db, b.caps.engine)];
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => stores[i % 2]!.charge(rule, ['race', 'ip/1'], 1, T0)));
    const admitted = results.filter((left) => Object.values(left).every((points) => points >= 0));
    assert.equal(admitted.length, 20);
    assert.deepEqual(
      results.map((left) => left.race).sort((x, y) => (x as number) - (y as number)),
      Array.from({ length: 60 }, (_, i) => i - 40),
    );
  });

  it('sweeps buckets that are full again', async () => {
    const store = new DatabaseBucketStore(a.db, a.caps.engine);
    await store.charge(RULE, ['swept'], 1, T0);
    const count = async () => (await a.db.selectFrom('rate_buckets').select('key').where('key', '=', 'users:update swept').execute()).length;
    assert.equal(await count(), 1);
    // The store's first charge swept; a charge a day later sweeps again, now past `swept`'s full_at.
    await store.charge(RULE, ['other'], 1, T0 + 86_400_000);
    for (let i = 0; i < 50 && (await count()) > 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(await count(), 0);
  });

  it(`each core gets ${TEST_ENGINE === 'postgres' ? 'the database store (shared by instances)' : 'a memory store (one process serves SQLite)'}`, () => {
    const store = bucketStoreFor(a);
    assert.equal(store, bucketStoreFor(a));
    assert.ok(TEST_ENGINE === 'postgres' ? store instanceof DatabaseBucketStore : store instanceof MemoryBucketStore);
  });
});
