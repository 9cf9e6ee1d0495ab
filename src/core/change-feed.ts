import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import type { DatabaseHandle } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { Change, ChangeFeed } from './context.js';

const CHANNEL = 'roster_changes';
/** How the listening connection shows in `pg_stat_activity`. */
export const FEED_APPLICATION_NAME = 'roster-change-feed';

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
  /** Whether changes from other instances are being heard right now. */
  abstract readonly listening: boolean;
  abstract readonly reconnects: number;
  abstract close(): Promise<void>;
}

/**
 * SQLite: other processes (the CLI, a second server on the same file) cannot push, so before
 * each cache read we compare `PRAGMA data_version`, which changes when another connection commits.
 */
class SqliteChangeFeed extends BaseChangeFeed {
  private lastVersion: number;

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

  /** Every commit is visible to `PRAGMA data_version`: nothing can be missed. */
  readonly listening = true;
  readonly reconnects = 0;

  async close(): Promise<void> {}
}

/** Reconnection delays of the PostgreSQL listener: doubling from the first, capped. */
export const RECONNECT_FIRST_DELAY_MS = 50;
export const RECONNECT_MAX_DELAY_MS = 5_000;
/** How often an idle listener checks its connection (a dead TCP peer raises no event by itself). */
const PING_INTERVAL_MS = 10_000;

/**
 * PostgreSQL: `pg_notify` inside the writer's transaction reaches every instance on commit. The
 * listening connection can die (server restart, `pg_terminate_backend`, network): notifications
 * sent meanwhile are lost, so from the moment it is lost until it listens again the feed is not
 * live (caches bypass themselves), and once it listens again everything cached is forgotten.
 */
class PostgresChangeFeed extends BaseChangeFeed {
  private client: pg.Client | null = null;
  private live = false;
  private connections = 0;
  private closed = false;
  private delay = RECONNECT_FIRST_DELAY_MS;
  private retry: NodeJS.Timeout | null = null;
  private ping: NodeJS.Timeout | null = null;

  constructor(private readonly connectionString: string) {
    super();
  }

  /** Connects and listens; the first connection must succeed (the database must be reachable to start). */
  async start(): Promise<void> {
    await this.connect();
    this.ping = setInterval(() => void this.checkConnection(), PING_INTERVAL_MS).unref();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString, keepAlive: true, application_name: FEED_APPLICATION_NAME });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    client.on('notification', (message) => {
      const change = parseChange(message.payload);
      if (change) this.deliver(change);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    if (this.closed) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
    this.connections += 1;
    this.delay = RECONNECT_FIRST_DELAY_MS;
    // Whatever was announced while nobody listened is unknown: forget it all, then trust again.
    this.deliver({ kind: 'everything' });
    this.live = true;
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = null;
    this.live = false;
    this.deliver({ kind: 'everything' });
    void client.end().catch(() => {});
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.retry) return;
    const delay = this.delay;
    this.delay = Math.min(RECONNECT_MAX_DELAY_MS, this.delay * 2);
    this.retry = setTimeout(() => {
      this.retry = null;
      this.connect().catch(() => this.scheduleReconnect());
    }, delay).unref();
  }

  private async checkConnection(): Promise<void> {
    const client = this.client;
    if (!client) return;
    try {
      await client.query('select 1');
    } catch {
      this.lost(client);
    }
  }

  get reconnects(): number {
    return Math.max(0, this.connections - 1);
  }

  get listening(): boolean {
    return this.live;
  }

  async publish(db: Kysely<Database>, change: Change): Promise<void> {
    this.deliver(change);
    await sql`select pg_notify(${CHANNEL}, ${JSON.stringify(change)})`.execute(db);
  }

  poll(): void {}

  async close(): Promise<void> {
    this.closed = true;
    this.live = false;
    if (this.retry) clearTimeout(this.retry);
    if (this.ping) clearInterval(this.ping);
    this.retry = null;
    this.ping = null;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }
}

function parseChange(payload: string | undefined): Change | null {
  if (!payload) return null;
  try {
    const value = JSON.parse(payload) as Partial<Change> & Record<string, unknown>;
    if (value.kind === 'user' && typeof value.userId === 'number') return { kind: 'user', userId: value.userId };
    if (value.kind === 'credential' && typeof value.tokenHash === 'string') return { kind: 'credential', tokenHash: value.tokenHash };
    if (value.kind === 'stack_project' && typeof value.projectId === 'string') return { kind: 'stack_project', projectId: value.projectId };
    if (value.kind === 'everything') return { kind: 'everything' };
  } catch {
    // Not ours: ignore.
  }
  return null;
}

/** The change feed for an open database, started and ready. */
export async function openChangeFeed(handle: DatabaseHandle, postgresUrl: string | null): Promise<ChangeFeed> {
  if (handle.caps.changeNotifications === 'data-version') {
    if (!handle.dataVersion) throw new Error('data-version change feed needs the data_version counter');
    return new SqliteChangeFeed(handle.dataVersion);
  }
  if (!postgresUrl) throw new Error('listen-notify change feed needs the connection URL');
  const feed = new PostgresChangeFeed(postgresUrl);
  await feed.start();
  return feed;
}
