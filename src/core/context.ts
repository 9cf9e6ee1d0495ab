import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { DatabaseObserver, EngineCapabilities } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { ConcurrencyLimit } from './concurrency-limit.js';
import type { Telemetry } from './telemetry.js';

/** Something that changed and that caches on any instance must forget. */
export type Change =
  | { readonly kind: 'user'; readonly userId: number }
  | { readonly kind: 'credential'; readonly tokenHash: string }
  /** A Stack project's settings or keys. */
  | { readonly kind: 'stack_project'; readonly projectId: string }
  | { readonly kind: 'everything' };

/**
 * Carries invalidations to every instance sharing the database: PostgreSQL `LISTEN/NOTIFY`, or
 * on SQLite `PRAGMA data_version` (another process committed) checked before each cache read.
 */
export interface ChangeFeed {
  /** Announces a change; within a transaction, other instances hear of it when it commits. */
  publish(db: Kysely<Database>, change: Change): Promise<void>;
  /** Calls `listener` for every change, local or remote. */
  subscribe(listener: (change: Change) => void): () => void;
  /** Delivers changes made by other processes that cannot push them (SQLite); cheap, call per request. */
  poll(): void;
  /**
   * Whether changes from other instances are being heard right now (readiness). While false (the
   * PostgreSQL listener lost its connection and is reconnecting), caches must neither serve nor
   * store entries.
   */
  readonly listening: boolean;
  /** Times the feed had to re-establish its connection since it started (metrics). */
  readonly reconnects: number;
  close(): Promise<void>;
}

/** Everything a core call needs besides its viewer and arguments. */
export interface Core {
  readonly db: Kysely<Database>;
  readonly caps: EngineCapabilities;
  readonly config: Config;
  /** Milliseconds since the epoch; replaced in tests. */
  readonly now: () => number;
  readonly changes: ChangeFeed;
  /** Events the core reports for metrics (logins, cache hits, change-feed health). */
  readonly telemetry: Telemetry;
  /** Connection-pool use and statement times, for metrics. */
  readonly databaseObserver: DatabaseObserver;
  /**
   * PostgreSQL: how many searches may hold a pooled connection at once, two fewer than the pool
   * (at least one), so that a burst of searches running to their statement timeout leaves
   * connections for lookups, sign-ins and writes; the others wait their turn. Null on SQLite,
   * whose one connection runs each statement to its end.
   */
  readonly searchSlots: ConcurrencyLimit | null;
}
