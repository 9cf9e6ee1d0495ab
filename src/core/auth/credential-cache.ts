import { ChangeBoundCache, type Binding } from '../change-bound-cache.js';
import type { Core } from '../context.js';
import { approximateUserBytes, type User } from '../users/user.js';
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

/** Uses of a credential are written at most this often (per core), batched in one transaction. */
export const USAGE_FLUSH_INTERVAL_MS = 1_000;

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
  readonly cache: ChangeBoundCache<string, CachedCredential>;
  readonly usage: UsageRecorder;
}

// Per core, never module-wide: one process may hold several cores (tests, several databases).
const states = new WeakMap<Core, CredentialState>();

function stateOf(core: Core): CredentialState {
  let state = states.get(core);
  if (!state) {
    state = { cache: new ChangeBoundCache(core), usage: new UsageRecorder(core) };
    states.set(core, state);
  }
  return state;
}

/**
 * The token cache of `core`, keyed by token hash, created (and subscribed to its change feed) on
 * first use. Store entries with `credentialBinding`.
 */
export const credentialCacheFor = (core: Core): ChangeBoundCache<string, CachedCredential> => stateOf(core).cache;

/** A resolved token is dropped when it expires, when it is revoked, or when anything about its owner changes (a ban, a deletion, a rename, a level). */
export function credentialBinding(tokenHash: string, entry: CachedCredential): Binding {
  return {
    validUntil: entry.validUntil,
    dependsOn: [
      { kind: 'credential', tokenHash },
      { kind: 'user', userId: entry.user.id },
    ],
    bytes: approximateUserBytes(entry.user),
  };
}

/** Notes one authenticated use of a credential; written later, batched. */
export function recordCredentialUse(core: Core, credential: CachedCredential['credential'], ip: string | null): void {
  stateOf(core).usage.record(credential, core.now(), ip);
}

/** Writes pending credential uses now (before listing keys or sessions, and at shutdown). */
export async function flushCredentialUse(core: Core): Promise<void> {
  await states.get(core)?.usage.flush();
}
