import { randomBytes } from 'node:crypto';
import type { Insertable, Kysely } from 'kysely';
import type { Database, NameChangesTable, NewUserRow, SanctionsTable } from '../db/schema.js';
import { recordAudit } from '../core/moderation/audit.js';
import { insertRows, refreshStatistics, reserveIds, withIndexesRebuilt, withLargeCache, withSubstringIndexSuspended, writeTransaction } from './bulk-write.js';
import type { Core } from '../core/context.js';
import { forbidden, invalidParam } from '../core/errors.js';
import { Level } from '../core/access/levels.js';
import { nameKey } from '../core/users/names.js';
import { hashPassword } from '../core/auth/passwords.js';
import { pick, randomDisplayName, seededRandom, UniqueNames, type Random } from './seed-names.js';
import { isSystem, type Viewer } from '../core/access/viewer.js';

/** Every seeded user's password. Seeded data is for demos and benchmarks only. */
export const SEED_DEMO_PASSWORD = 'roster-demo-password';

const DAY = 86_400_000;
const YEAR = 365 * DAY;
/** Seeded accounts are created evenly over this many years before now, ids ascending with time. */
const SPAN_YEARS = 12;
/** Below this many users the substring index is kept row by row; above, it is rebuilt once at the end. */
const REBUILD_THRESHOLD = 20_000;

export interface SeedOptions {
  readonly users: number;
  /**
   * Users written per transaction (default 25,000: bigger transactions write each index page fewer
   * times). A bulk seed into an empty table writes them all in one transaction.
   */
  readonly batchSize?: number;
  /** The same seed gives the same names and data (default: random). */
  readonly randomSeed?: number;
  /**
   * Build the indexes once at the end instead of row by row (default: when seeding ≥ 20,000): into
   * an empty table every plain index, otherwise the SQLite substring index only.
   */
  readonly rebuildSubstringIndex?: boolean;
  readonly onProgress?: (seeded: number) => void;
  /** Stops after the current batch; the users written so far stay. */
  readonly signal?: AbortSignal;
}

export interface SeedResult {
  readonly users: number;
  readonly firstId: number | null;
  readonly lastId: number | null;
  readonly bans: number;
  readonly mutes: number;
  readonly nameChanges: number;
}

interface SeedState {
  readonly random: Random;
  readonly names: UniqueNames;
  readonly passwordHash: string;
  readonly now: number;
  readonly total: number;
  /** Seeded moderators and admins, who appear as the actors of bans and renames. */
  readonly staff: number[];
  /** No user existed when the seed started. */
  readonly empty: boolean;
  seeded: number;
  bans: number;
  mutes: number;
  nameChanges: number;
}

interface Batch {
  readonly users: NewUserRow[];
  readonly sanctions: Insertable<SanctionsTable>[];
  readonly nameChanges: Insertable<NameChangesTable>[];
}

/**
 * Writes `users` synthetic accounts fast, for demos and benchmarks: varied realistic names, some
 * emails, a spread of levels, skewed activity counters, sign-ups spread over twelve years, and a
 * few bans, mutes and name changes. Every account's password is {@link SEED_DEMO_PASSWORD}, all
 * sharing one Argon2id hash computed once. Rows go in `batchSize` users per transaction, or in
 * one transaction with the indexes built at the end when the table starts empty (see
 * {@link withIndexesRebuilt}). Only the system viewer (the CLI) may seed.
 */
export async function seedUsers(core: Core, viewer: Viewer, options: SeedOptions): Promise<SeedResult> {
  if (!isSystem(viewer)) throw forbidden('Only the system may seed users');
  if (!Number.isSafeInteger(options.users) || options.users < 0) throw invalidParam('users', 'the number of users must be a whole number ≥ 0');
  const batchSize = options.batchSize ?? 25_000;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw invalidParam('batch', 'batch size must be a whole number ≥ 1');
  const state = await startState(core, options);
  const rebuild = options.rebuildSubstringIndex ?? options.users >= REBUILD_THRESHOLD;
  let firstId: number | null = null;
  let lastId: number | null = null;
  const load = async (write: <T>(fn: (trx: Kysely<Database>) => Promise<T>) => Promise<T>): Promise<void> => {
    while (state.seeded < options.users && !options.signal?.aborted) {
      const count = Math.min(batchSize, options.users - state.seeded);
      const ids = await write((trx) => writeBatch(trx, core, state, count));
      firstId ??= ids[0] ?? null;
      lastId = ids.at(-1) ?? lastId;
      options.onProgress?.(state.seeded);
    }
  };
  const batches = () => load((fn) => writeTransaction(core, fn));
  await withLargeCache(core, async () => {
    if (!rebuild) return batches();
    // Into an empty table, one transaction that builds the indexes once at the end (a failure
    // leaves the table empty); otherwise each batch commits, so a server beside it waits for one.
    if (state.empty) return writeTransaction(core, (trx) => withIndexesRebuilt(trx, core, 'users', () => load((fn) => fn(trx))));
    return withSubstringIndexSuspended(core, batches);
  });
  await refreshStatistics(core);
  await recordAudit(core.db, viewer, core.now(), {
    action: 'user.seed',
    subjectType: 'user',
    subjectId: null,
    targetUserId: null,
    details: { users: state.seeded, first_id: firstId, last_id: lastId },
  });
  return { users: state.seeded, firstId, lastId, bans: state.bans, mutes: state.mutes, nameChanges: state.nameChanges };
}

async function startState(core: Core, options: SeedOptions): Promise<SeedState> {
  const taken = await core.db.selectFrom('users').select('name_lower').execute();
  return {
    random: seededRandom(options.randomSeed ?? Math.floor(Math.random() * 2 ** 32)),
    names: new UniqueNames(taken.map((row) => row.name_lower)),
    passwordHash: await hashPassword(SEED_DEMO_PASSWORD),
    now: core.now(),
    total: options.users,
    staff: [],
    empty: taken.length === 0,
    seeded: 0,
    bans: 0,
    mutes: 0,
    nameChanges: 0,
  };
}

// Rows are made and written this many at a time: a whole batch held in memory outlived V8's young
// generation, and copying it to the old one cost more than making it.
const CHUNK = 1000;

async function writeBatch(trx: Kysely<Database>, core: Core, state: SeedState, count: number): Promise<number[]> {
  const ids = await reserveIds(trx, core, 'users', count);
  for (let start = 0; start < ids.length; start += CHUNK) {
    const batch: Batch = { users: [], sanctions: [], nameChanges: [] };
    for (const id of ids.slice(start, start + CHUNK)) addUser(state, batch, id);
    await insertRows(trx, core.caps, 'users', batch.users);
    await insertRows(trx, core.caps, 'sanctions', batch.sanctions);
    await insertRows(trx, core.caps, 'name_changes', batch.nameChanges);
  }
  return ids;
}

/** Ladder levels with their share of seeded accounts (most are members). */
const LEVEL_SHARES: readonly [number, number][] = [
  [Level.Restricted, 0.03],
  [Level.Member, 0.82],
  [Level.Gold, 0.07],
  [Level.Platinum, 0.025],
  [Level.Builder, 0.025],
  [Level.Contributor, 0.015],
  [Level.Approver, 0.008],
  [Level.Moderator, 0.004],
  [Level.Admin, 0.003],
];

function randomLevel(random: Random): number {
  let roll = random();
  for (const [level, share] of LEVEL_SHARES) {
    roll -= share;
    if (roll < 0) return level;
  }
  return Level.Member;
}

const EMAIL_DOMAINS = ['example.com', 'example.org', 'example.net', 'mail.example', 'users.example'];

function randomIp(random: Random): string {
  const octet = () => Math.floor(random() * 254) + 1;
  if (random() < 0.15) return `2001:db8::${Math.floor(random() * 0xffff).toString(16)}`;
  // Documentation ranges only (RFC 5737): seeded data never names a real address.
  return `${pick(random, ['192.0.2', '198.51.100', '203.0.113'])}.${octet()}`;
}

/** A time uniformly between `from` and `to`. */
const between = (random: Random, from: number, to: number): number => Math.floor(from + random() * Math.max(0, to - from));

function addUser(state: SeedState, batch: Batch, id: number): void {
  const { random, now } = state;
  const name = state.names.next(random);
  const start = now - SPAN_YEARS * YEAR;
  const createdAt = Math.floor(start + ((state.seeded + random()) / state.total) * SPAN_YEARS * YEAR);
  const level = randomLevel(random);
  const lastLogin = random() < 0.7 ? between(random, createdAt, now) : null;
  const email = random() < 0.45 ? `${emailLocalPart(name, id)}@${pick(random, EMAIL_DOMAINS)}` : null;
  batch.users.push({
    id,
    uuid: uuidV7(createdAt),
    name,
    name_lower: nameKey(name),
    email,
    email_lower: email?.toLowerCase() ?? null,
    email_verified: email !== null && random() < 0.7 ? 1 : 0,
    password_hash: state.passwordHash,
    display_name: random() < 0.15 ? randomDisplayName(random) : null,
    level,
    created_at: createdAt,
    updated_at: Math.max(createdAt, lastLogin ?? 0),
    last_logged_in_at: lastLogin,
    last_ip_addr: lastLogin === null ? null : randomIp(random),
    ...randomCounters(random, level),
  });
  state.seeded++;
  addHistory(state, batch, id, name, createdAt);
  if (level >= Level.Moderator) state.staff.push(id);
}

// Random bytes drawn 64 KiB at a time: one system call per 4096 uuids instead of one each.
let pool = Buffer.alloc(0);
let poolOffset = 0;

function randomUuidBytes(): Buffer {
  if (poolOffset + 16 > pool.length) {
    pool = randomBytes(65_536);
    poolOffset = 0;
  }
  poolOffset += 16;
  return pool.subarray(poolOffset - 16, poolOffset);
}

/**
 * A version 7 UUID (RFC 9562): the sign-up time in its first 48 bits, then random bits. Ids that
 * grow with time keep the uuid index append-only while seeding, and say when the account was made.
 */
export function uuidV7(ms: number): string {
  const bytes = randomUuidBytes();
  bytes.writeUIntBE(ms, 0, 6);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Unique, as email addresses are (ignoring case): a name that loses characters to the ASCII
 * filter gets `+<id>`, which no kept name can end with (`+` is filtered out of names).
 */
function emailLocalPart(name: string, id: number): string {
  const lower = name.toLowerCase();
  const ascii = lower.replace(/[^a-z0-9._-]/g, '');
  if (ascii.length < 2) return `member+${id}`;
  return ascii === lower ? ascii : `${ascii}+${id}`;
}

/** Heavy-tailed activity: most accounts do little, a few do a lot. */
function randomCounters(random: Random, level: number): Partial<NewUserRow> {
  const activity = random() < 0.55 ? 0 : random() ** 4;
  const scaled = (max: number) => Math.floor(activity * max * random());
  const uploader = level >= Level.Gold;
  return {
    post_upload_count: scaled(uploader ? 6000 : 150),
    post_update_count: scaled(20_000),
    note_update_count: scaled(2000),
    favorite_count: scaled(40_000),
    comment_count: scaled(3000),
    forum_post_count: scaled(1500),
    wiki_page_version_count: scaled(uploader ? 800 : 40),
    positive_feedback_count: uploader && random() < 0.2 ? Math.floor(random() * 6) : 0,
    negative_feedback_count: random() < 0.01 ? Math.floor(random() * 3) + 1 : 0,
  };
}

function addHistory(state: SeedState, batch: Batch, userId: number, name: string, createdAt: number): void {
  const { random, now } = state;
  const actor = (): number | null => (state.staff.length > 0 && random() < 0.6 ? pick(random, state.staff) : null);
  if (random() < 0.03) {
    const at = between(random, createdAt, now);
    const oldName = state.names.next(random);
    batch.nameChanges.push({
      user_id: userId,
      old_name: oldName,
      old_name_lower: nameKey(oldName),
      new_name: name,
      new_name_lower: nameKey(name),
      actor_id: random() < 0.1 ? actor() : null,
      created_at: at,
      updated_at: at,
    });
    state.nameChanges++;
  }
  for (const [kind, share] of [
    ['ban', 0.012],
    ['mute', 0.004],
  ] as const) {
    if (random() >= share) continue;
    const at = between(random, createdAt, now);
    const days = pick(random, [1, 3, 7, 30, 90, 180, 365, null, null, null]);
    const liftedAt = random() < 0.05 ? between(random, at, now) : null;
    batch.sanctions.push({
      kind,
      user_id: userId,
      actor_id: actor(),
      reason: pick(random, SANCTION_REASONS),
      created_at: at,
      updated_at: liftedAt ?? at,
      expires_at: days === null ? null : at + days * DAY,
      lifted_at: liftedAt,
    });
    if (kind === 'ban') state.bans++;
    else state.mutes++;
  }
}

const SANCTION_REASONS = [
  'Spam',
  'Repeated uploads of off-topic content',
  'Harassment of other members',
  'Ban evasion',
  'Tag vandalism',
  'Abusive comments',
  'Commercial advertising',
  'Uploading paid content',
  'Flame war in the forum',
];
