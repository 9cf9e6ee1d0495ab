import type { Config } from '../config.js';
import { openDatabase, type DatabaseHandle } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { ConcurrencyLimit } from './concurrency-limit.js';
import { openChangeFeed } from './change-feed.js';
import type { Core } from './context.js';
import { flushCredentialUse } from './auth/credential-cache.js';
import { Telemetry } from './telemetry.js';

export interface OpenCore extends Core {
  readonly handle: DatabaseHandle;
  close(): Promise<void>;
}

/** Opens the database, brings its schema up to date and starts the change feed. */
export async function openCore(config: Config, options: { now?: () => number; migrate?: boolean } = {}): Promise<OpenCore> {
  const handle = openDatabase(config.database);
  try {
    if (options.migrate !== false) await migrateToLatest(handle.db, handle.caps);
    const changes = await openChangeFeed(handle, config.database.engine === 'postgres' ? config.database.url : null);
    const core: OpenCore = {
      db: handle.db,
      caps: handle.caps,
      config,
      now: options.now ?? Date.now,
      changes,
      telemetry: new Telemetry(),
      databaseObserver: handle.observer,
      searchSlots: handle.pgPool ? new ConcurrencyLimit(Math.max(1, (handle.pgPool.options.max ?? 1) - 2)) : null,
      handle,
      async close() {
        // Credential use counts are written in the background; keep the last second of them.
        await flushCredentialUse(core);
        await changes.close();
        await handle.close();
      },
    };
    return core;
  } catch (error) {
    await handle.close();
    throw error;
  }
}
