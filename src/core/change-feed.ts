import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import type { DatabaseHandle } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { Change, ChangeFeed } from './context.js';

const CHANNEL = 'roster_changes';

type Listener = (change: Change) => void;

/** Listeners plus local delivery; engines add how changes travel between processes. */
abstract class BaseChangeFeed implements ChangeFeed {
  private readonly listeners = new Set<Listener>();

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  protected deliver(change: Change): void {
    for (const listener of this.listeners) listener(change);
  }

  abstract publish(db: Kysely<Database>, change: Change): Promise<void>;
  abstract poll(): void;
  abstract readonly listening: boolean;
  abstract close(): Promise<void>;
}

/**
 * SQLite: other processes (the CLI, a second server on the same file) cannot push, so before
 * each cache read we compare `PRAGMA data_version`, which changes when another connection commits.
 */
class SqliteChangeFeed extends BaseChangeFeed {
  private lastVersion: number;
  /** Every commit is visible to `PRAGMA data_version`: nothing can be missed. */
  readonly listening = true;

  constructor(private readonly dataVersion: () => number) {
    super();
    this.lastVersion = dataVersion();
  }

  async publish(_db: Kysely<Database>, change: Change): Promise<void> {
    this.deliver(change);
  }

  poll(): void {
    const version = this.dataVersion();
    if (version !== this.lastVersion) {
      this.lastVersion = version;
      this.deliver({ kind: 'everything' });
    }
  }

  async close(): Promise<void> {}
}

/** PostgreSQL: `pg_notify` inside the writer's transaction reaches every instance on commit. */
class PostgresChangeFeed extends BaseChangeFeed {
  private client: pg.Client | null = null;

  constructor(private readonly connectionString: string) {
    super();
  }

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString });
    await client.connect();
    client.on('notification', (message) => {
      const change = parseChange(message.payload);
      if (change) this.deliver(change);
    });
    // A lost listener would silently stop invalidations: forget everything and let the
    // process supervisor restart us rather than serve stale credentials.
    client.on('error', () => {
      this.client = null;
      this.deliver({ kind: 'everything' });
    });
    await client.query(`LISTEN ${CHANNEL}`);
    this.client = client;
  }

  get listening(): boolean {
    return this.client !== null;
  }

  async publish(db: Kysely<Database>, change: Change): Promise<void> {
    this.deliver(change);
    await sql`select pg_notify(${CHANNEL}, ${JSON.stringify(change)})`.execute(db);
  }

  poll(): void {}

  async close(): Promise<void> {
    await this.client?.end();
    this.client = null;
  }
}

function parseChange(payload: string | undefined): Change | null {
  if (!payload) return null;
  try {
    const value = JSON.parse(payload) as Partial<Change> & Record<string, unknown>;
    if (value.kind === 'user' && typeof value.userId === 'number') return { kind: 'user', userId: value.userId };
    if (value.kind === 'credential' && typeof value.tokenHash === 'string') return { kind: 'credential', tokenHash: value.tokenHash };
    if (value.kind === 'everything') return { kind: 'everything' };
  } catch {
    // Not ours: ignore.
  }
  return null;
}

/** The change feed for an open database, started and ready. */
export async function openChangeFeed(handle: DatabaseHandle, postgresUrl: string | null): Promise<ChangeFeed> {
  if (handle.dataVersion) return new SqliteChangeFeed(handle.dataVersion);
  if (!postgresUrl) throw new Error('PostgreSQL change feed needs the connection URL');
  const feed = new PostgresChangeFeed(postgresUrl);
  await feed.start();
  return feed;
}
