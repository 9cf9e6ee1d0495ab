import type { Change, Core } from './context.js';

/** The longest an entry is trusted: a safety net only, invalidations through the change feed are what make changes immediate. */
export const CACHE_TTL_MS = 30_000;
const MAX_ENTRIES = 10_000;
/**
 * The most memory the entries of all of one core's caches may hold together, by their stated
 * `bytes` (and at most `MAX_ENTRIES` of them): entries are few, but one can be large (a user's
 * metadata documents, up to 100 kB of text each, take many times that parsed), and anyone can
 * make many (a token per session, a session per sign-in). Shared, so that the core's four caches
 * (credentials, Stack access tokens, Stack projects, memberships) cannot each fill a budget of
 * their own at once: whichever stores makes room by dropping the oldest entry of any of them.
 */
export const MAX_CACHE_BYTES = 32 * 1024 * 1024;
/**
 * How often a cache read asks whether other processes committed (SQLite's `PRAGMA data_version`;
 * PostgreSQL pushes instead). A change made by another process (the CLI, a second server on the
 * same file) is therefore heard within this window; one made by this process is heard at once,
 * as it is published in-process.
 */
export const CHANGE_POLL_INTERVAL_MS = 100;

/** The earliest of some times (an entry's `validUntil`); null and undefined are never. */
export const earliest = (...times: readonly (number | null | undefined)[]): number => Math.min(...times.map((t) => t ?? Number.POSITIVE_INFINITY));

/** A change that can drop an entry: every kind but `everything`, which drops them all. */
export type Dependency = Exclude<Change, { readonly kind: 'everything' }>;

/** How an entry is stored: until when it may be served, which changes drop it, and about how much memory it holds. */
export interface Binding {
  readonly validUntil: number;
  readonly dependsOn: readonly Dependency[];
  /** Estimated bytes the value holds beyond what every entry shares (see `MAX_CACHE_BYTES`); 0 if small. */
  readonly bytes?: number;
}

function dependencyKey(change: Dependency): string {
  switch (change.kind) {
    case 'user':
      return `user:${change.userId}`;
    case 'credential':
      return `credential:${change.tokenHash}`;
    case 'stack_project':
      return `stack_project:${change.projectId}`;
  }
}

interface Entry<V> {
  readonly value: V;
  readonly validUntil: number;
  readonly keys: readonly string[];
  readonly bytes: number;
}

/** What every entry is counted as holding at least: its key, its record and the value's own object. */
const ENTRY_BYTES = 1024;

/** What the caches of one core hold together (see `MAX_CACHE_BYTES`). */
interface SharedBudget {
  bytes: number;
  /** Every entry of every cache of the core, with what drops it, least recently stored first. */
  readonly order: Map<object, () => void>;
}

/** Keyed by the core's change feed: one per core, whatever the cache is given of the core. */
const budgets = new WeakMap<object, SharedBudget>();

function budgetOf(feed: object): SharedBudget {
  let budget = budgets.get(feed);
  if (!budget) {
    budget = { bytes: 0, order: new Map() };
    budgets.set(feed, budget);
  }
  return budget;
}

/**
 * Values loaded from the database, each dropped by the changes it declares it depends on (heard
 * through the core's change feed, from any instance) or when its `validUntil` passes. Every
 * invalidation bumps a generation; a lookup that started before the latest invalidation does not
 * store its (possibly stale) result. While the feed is not listening, nothing is served or stored.
 */
export class ChangeBoundCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();
  private readonly dependents = new Map<string, Set<K>>();
  private readonly budget: SharedBudget;
  private currentGeneration = 0;
  private nextPollAt = Number.NEGATIVE_INFINITY;

  /** `monotonic` times the polls (never the core's clock, which tests may stop). */
  constructor(
    private readonly core: Pick<Core, 'changes'>,
    private readonly monotonic: () => number = () => performance.now(),
  ) {
    this.budget = budgetOf(core.changes);
    core.changes.subscribe((change) => this.invalidate(change));
  }

  /** The generation to hand back to `set`; read it before starting a lookup. */
  get generation(): number {
    return this.currentGeneration;
  }

  /**
   * The value for `key` if still valid at `now`; first hears of other processes' changes when
   * the last poll is `CHANGE_POLL_INTERVAL_MS` old.
   */
  get(key: K, now: number): V | null {
    const clock = this.monotonic();
    if (clock >= this.nextPollAt) {
      this.nextPollAt = clock + CHANGE_POLL_INTERVAL_MS;
      this.core.changes.poll();
    }
    // Not hearing other instances: an entry may be stale, so every lookup goes to the database.
    if (!this.core.changes.listening) return null;
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (now < entry.validUntil) return entry.value;
    this.drop(key);
    return null;
  }

  set(key: K, value: V, binding: Binding, generation: number): void {
    if (generation !== this.currentGeneration || !this.core.changes.listening) return;
    this.drop(key);
    const bytes = ENTRY_BYTES + (binding.bytes ?? 0);
    if (bytes > MAX_CACHE_BYTES) return;
    // The oldest entries of any of the core's caches make room (insertion order: the least
    // recently stored). Deleting the entry being visited does not end a Map's iteration.
    for (const dropOldest of this.budget.order.values()) {
      if (this.budget.order.size < MAX_ENTRIES && this.budget.bytes + bytes <= MAX_CACHE_BYTES) break;
      dropOldest();
    }
    const keys = binding.dependsOn.map(dependencyKey);
    const entry: Entry<V> = { value, validUntil: binding.validUntil, keys, bytes };
    this.entries.set(key, entry);
    this.budget.order.set(entry, () => this.drop(key));
    this.budget.bytes += bytes;
    for (const dependency of keys) {
      const set = this.dependents.get(dependency);
      if (set) set.add(key);
      else this.dependents.set(dependency, new Set([key]));
    }
  }

  private drop(key: K): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.budget.order.delete(entry);
    this.budget.bytes -= entry.bytes;
    for (const dependency of entry.keys) {
      const set = this.dependents.get(dependency);
      set?.delete(key);
      if (set?.size === 0) this.dependents.delete(dependency);
    }
  }

  private invalidate(change: Change): void {
    this.currentGeneration += 1;
    if (change.kind === 'everything') {
      for (const key of [...this.entries.keys()]) this.drop(key);
      return;
    }
    const keys = this.dependents.get(dependencyKey(change));
    if (keys) for (const key of [...keys]) this.drop(key);
  }
}

/**
 * One cache per core, created (and subscribed to its change feed) on first use. Never
 * module-wide: one process may hold several cores (tests, several databases).
 */
export function cachePerCore<K, V>(): (core: Core) => ChangeBoundCache<K, V> {
  const caches = new WeakMap<Core, ChangeBoundCache<K, V>>();
  return (core) => {
    let cache = caches.get(core);
    if (!cache) {
      cache = new ChangeBoundCache<K, V>(core);
      caches.set(core, cache);
    }
    return cache;
  };
}
