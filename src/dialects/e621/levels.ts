import { Level } from '../../core/access/levels.js';
import type { User } from '../../core/users/user.js';
import { and, cmp, FALSE, isIn, not, or, type Filter } from '../../query/ast.js';

/**
 * The canonical ladder as e621 shows it, in one table (DESIGN.md "One level ladder"): the legacy
 * numbers of seeds/e621-legacy-users-api.txt and e621ng's 2026 numbering (specs part B3). Two
 * states come before the ladder: a banned user is Blocked (10) in both; a self-signed-up account
 * whose email is not verified is Unactivated (0) in the legacy API (e621ng keeps its level and
 * says `is_verified: false`).
 */
interface LevelRow {
  readonly canonical: readonly number[];
  /** The canonical level an admin's `PUT /staff/users/:id` to this row sets. */
  readonly assign: number;
  readonly legacy: number;
  readonly legacyName: string;
  readonly current: number;
  readonly currentName: string;
}

const LADDER: readonly LevelRow[] = [
  // e621 has no Restricted level: such users are Members there.
  { canonical: [Level.Restricted, Level.Member], assign: Level.Member, legacy: 20, legacyName: 'Member', current: 20, currentName: 'Member' },
  { canonical: [Level.Gold, Level.Platinum, Level.Builder], assign: Level.Gold, legacy: 30, legacyName: 'Privileged', current: 30, currentName: 'Privileged' },
  // e621ng removed Contributor (2023-08): those users are Privileged there.
  { canonical: [Level.Contributor], assign: Level.Contributor, legacy: 33, legacyName: 'Contributor', current: 30, currentName: 'Privileged' },
  { canonical: [Level.Approver], assign: Level.Approver, legacy: 35, legacyName: 'Janitor', current: 60, currentName: 'Janitor' },
  { canonical: [Level.Moderator], assign: Level.Moderator, legacy: 40, legacyName: 'Mod', current: 70, currentName: 'Moderator' },
  { canonical: [Level.Admin, Level.Owner], assign: Level.Admin, legacy: 50, legacyName: 'Admin', current: 80, currentName: 'Admin' },
];

export const BLOCKED = 10;
export const UNACTIVATED = 0;

/** Numbers e621 has that no Roster level maps to: they match nobody. */
const LEGACY_UNMAPPED = [34]; // Former Staff
const CURRENT_UNMAPPED = [40, 50]; // Former Staff, Staff

/** What a level number is written as: the seed's names (legacy), user_level.rb's (e621ng). */
export type Numbering = 'legacy' | 'current';

/** The row of each canonical level, and the name of each e621ng number (its first row's): looked up per rendered user. */
const ROW_OF_LEVEL: ReadonlyMap<number, LevelRow> = new Map(LADDER.flatMap((row) => row.canonical.map((level) => [level, row] as const)));
const CURRENT_NAMES = new Map<number, string>();
for (const row of LADDER) if (!CURRENT_NAMES.has(row.current)) CURRENT_NAMES.set(row.current, row.currentName);

const rowOf = (level: number): LevelRow | undefined => ROW_OF_LEVEL.get(level);

/** Unactivated: signed up by themselves and the email not verified yet. */
export const isUnactivated = (user: User): boolean => user.self_signed_up && !user.email_verified;

/** A user's level number in either numbering. */
export function e621Level(user: User, numbering: Numbering): number {
  if (user.ban !== null) return BLOCKED;
  if (numbering === 'legacy' && isUnactivated(user)) return UNACTIVATED;
  const row = rowOf(user.level);
  if (row === undefined) return 20;
  return numbering === 'legacy' ? row.legacy : row.current;
}

/** e621ng `level_string`. */
export function e621LevelString(user: User): string {
  const level = e621Level(user, 'current');
  if (level === BLOCKED) return 'Blocked';
  return CURRENT_NAMES.get(level) ?? 'Member';
}

/** Every number the numbering has, ascending. */
export function levelNumbers(numbering: Numbering): number[] {
  const ladder = LADDER.map((row) => (numbering === 'legacy' ? row.legacy : row.current));
  const states = numbering === 'legacy' ? [UNACTIVATED, BLOCKED] : [BLOCKED];
  return [...new Set([...states, ...ladder, ...(numbering === 'legacy' ? LEGACY_UNMAPPED : CURRENT_UNMAPPED)])].sort((a, b) => a - b);
}

const BANNED: Filter = cmp('is_banned', 'eq', true);
const UNACTIVATED_FILTER: Filter = cmp('is_unactivated', 'eq', true);

/** The users shown at one e621 level number. */
function levelFilter(level: number, numbering: Numbering): Filter {
  if (level === BLOCKED) return BANNED;
  if (numbering === 'legacy' && level === UNACTIVATED) return and(UNACTIVATED_FILTER, not(BANNED));
  const canonical = LADDER.filter((row) => (numbering === 'legacy' ? row.legacy : row.current) === level).flatMap((row) => row.canonical);
  if (canonical.length === 0) return FALSE;
  const states = numbering === 'legacy' ? [not(BANNED), not(UNACTIVATED_FILTER)] : [not(BANNED)];
  return and(isIn('level', canonical), ...states);
}

/** The users shown at any of `levels` (e621 numbers). */
export function levelsFilter(levels: readonly number[], numbering: Numbering): Filter {
  return or(...levels.map((level) => levelFilter(level, numbering)));
}

/** An e621ng level number given to `PUT /staff/users/:id` as the canonical level; null when it has none. */
export function canonicalLevel(current: number): number | null {
  // Several rows share Privileged (30): the first, Gold, is the one assigned.
  return LADDER.find((row) => row.current === current)?.assign ?? null;
}
