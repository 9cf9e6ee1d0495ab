import type { Change, Core } from '../context.js';
import type { User } from '../users/user.js';
import type { Credential } from '../access/viewer.js';

/** A resolved token: its owner and credential, as loaded, and until when that load may be trusted. */
export interface CachedCredential {
  readonly user: User;
  readonly credential: Extract<Credential, { kind: 'api_key' | 'session' }>;
  /**
   * The earliest of: the cache TTL, the credential's own expiry, and the expiry of the owner's
   * ban or mute, so that an expiring ban is honoured even from the cache.
   */
  readonly validUntil: number;
}

/** A safety net only: invalidations through the change feed are what make revocations immediate. */
export const CREDENTIAL_CACHE_TTL_MS = 30_000;
const MAX_ENTRIES = 10_000;
/**
 * How often a cache read asks whether other processes committed (SQLite's `PRAGMA data_version`;
 * PostgreSQL pushes instead). A revocation, ban or deletion made by another process (the CLI, a
 * second server on the same file) is therefore refused within this window; one made by this
 * process is heard at once, as it is published in-process.
 */
export const CHANGE_POLL_INTERVAL_MS = 100;
/** Uses of a credential are written at most this often (per core), batched in one transaction. */
export const USAGE_FLUSH_INTERVAL_MS = 1_000;

/**
 * Token lookups of one core, keyed by token hash. Every invalidation bumps a generation; a lookup
 * that started before the latest invalidation does not store its (possibly stale) result.
 */
export class CredentialCache {
  private readonly entries = new Map<string, CachedCredential>();
  private currentGeneration = 0;
  private nextPollAt = Number.NEGATIVE_INFINITY;

  /** `monotonic` times the polls (never the core's clock, which tests may stop). */
  constructor(
    private readonly core: Pick<Core, 'changes'>,
    private readonly monotonic: () => number = () => performance.now(),
  ) {
    core.changes.subscribe((change) => this.invalidate(change));
  }

  /** The generation to hand back to `set`; read it before starting a lookup. */
  get generation(): number {
    return this.currentGeneration;
  }

  /**
   * The entry for `tokenHash` if still valid at `now`; first hears of other processes' changes
   * when the last poll is `CHANGE_POLL_INTERVAL_MS` old.
   */
  get(tokenHash: string, now: number): CachedCredential | null {
    const clock = this.monotonic();
    if (clock >= this.nextPollAt) {
      this.nextPollAt = clock + CHANGE_POLL_INTERVAL_MS;
      this.core.changes.poll();
    }
    // Not hearing other instances: an entry may be stale, so every lookup goes to the database.
    if (!this.core.changes.listening) return null;
    const entry = this.entries.get(tokenHash);
    if (!entry) return null;
    if (now < entry.validUntil) return entry;
    this.entries.delete(tokenHash);
    return null;
  }

  set(tokenHash: string, entry: CachedCredential, generation: number): void {
    if (generation !== this.currentGeneration || !this.core.changes.listening) return;
    if (this.entries.size >= MAX_ENTRIES) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(tokenHash, entry);
  }

  private invalidate(change: Change): void {
    this.currentGeneration += 1;
    switch (change.kind) {
      case 'credential':
        this.entries.delete(change.tokenHash);
        return;
      case 'user':
        for (const [hash, entry] of this.entries) if (entry.user.id === change.userId) this.entries.delete(hash);
        return;
      case 'everything':
        this.entries.clear();
        return;
    }
  }
}

interface PendingKeyUse {
  uses: number;
  lastUsedAt: number;
  lastIp: string | null;
}

/**
 * Coalesces the bookkeeping of credential use (API key `uses`/`last_used_at`/`last_ip`, session
 * `last_seen_at`) so that authentication never waits on a write: uses are summed in memory and
 * written by a timer at most once per second, all keys in one transaction.
 */
export class UsageRecorder {
  private keys = new Map<number, PendingKeyUse>();
  private sessions = new Map<number, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly core: Core) {}

  record(credential: CachedCredential['credential'], now: number, ip: string | null): void {
    if (credential.kind === 'api_key') {
      const pending = this.keys.get(credential.id);
      if (pending) Object.assign(pending, { uses: pending.uses + 1, lastUsedAt: now, lastIp: ip });
      else this.keys.set(credential.id, { uses: 1, lastUsedAt: now, lastIp: ip });
    } else {
      this.sessions.set(credential.id, now);
    }
    // Unref'd: pending bookkeeping must not keep a finished process alive.
    this.timer ??= setTimeout(() => void this.flush(), USAGE_FLUSH_INTERVAL_MS).unref();
  }

  /** Writes what is pending now. Usage is advisory: a write that fails (database closing) is dropped. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const keys = this.keys;
    const sessions = this.sessions;
    if (keys.size === 0 && sessions.size === 0) return;
    this.keys = new Map();
    this.sessions = new Map();
    try {
      await this.core.db.transaction().execute(async (trx) => {
        for (const [id, use] of keys) {
          await trx
            .updateTable('api_keys')
            .set((eb) => ({ uses: eb('uses', '+', use.uses), last_used_at: use.lastUsedAt, last_ip: use.lastIp }))
            .where('id', '=', id)
            .execute();
        }
        for (const [id, seenAt] of sessions) {
          await trx.updateTable('sessions').set({ last_seen_at: seenAt }).where('id', '=', id).execute();
        }
      });
    } catch {
      // Dropped on purpose; see above.
    }
  }
}

interface CredentialState {
  readonly cache: CredentialCache;
  readonly usage: UsageRecorder;
}

// Per core, never module-wide: one process may hold several cores (tests, several databases).
const states = new WeakMap<Core, CredentialState>();

function stateOf(core: Core): CredentialState {
  let state = states.get(core);
  if (!state) {
    state = { cache: new CredentialCache(core), usage: new UsageRecorder(core) };
    states.set(core, state);
  }
  return state;
}

/** The token cache of `core`, created (and subscribed to its change feed) on first use. */
export const credentialCacheFor = (core: Core): CredentialCache => stateOf(core).cache;

/** Notes one authenticated use of a credential; written later, batched. */
export function recordCredentialUse(core: Core, credential: CachedCredential['credential'], ip: string | null): void {
  stateOf(core).usage.record(credential, core.now(), ip);
}

/** Writes pending credential uses now (before listing keys or sessions, and at shutdown). */
export async function flushCredentialUse(core: Core): Promise<void> {
  await states.get(core)?.usage.flush();
}
