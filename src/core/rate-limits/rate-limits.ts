import type { Core } from '../context.js';
import { MemoryBucketStore, type BucketStore } from './bucket-store.js';
import { DatabaseBucketStore } from './database-bucket-store.js';

export type { BucketRule, BucketStore } from './bucket-store.js';

// Per core, never module-wide: one process may hold several cores (tests, several databases).
const stores = new WeakMap<Core, BucketStore>();

/**
 * The token buckets of `core`. Where several instances serve one database (PostgreSQL, whose
 * instances also share a change feed) they live in the database, so a limit is one budget for
 * the whole site; on SQLite one process serves and memory is enough.
 */
export function bucketStoreFor(core: Core): BucketStore {
  let store = stores.get(core);
  if (!store) {
    store = core.caps.changeNotifications === 'listen-notify' ? new DatabaseBucketStore(core.db, core.caps.engine) : new MemoryBucketStore();
    stores.set(core, store);
  }
  return store;
}
