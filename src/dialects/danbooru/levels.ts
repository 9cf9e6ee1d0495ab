import { Level } from '../../core/access/levels.js';
import { parseInteger } from '../rails/ruby-coercion.js';

/**
 * The ladder map: Danbooru's ladder is the canonical one, so each level keeps its number and
 * gets Danbooru's `level_string` (user.rb `level_hash`). Anonymous (0) has no string.
 */
export const DANBOORU_LEVELS: readonly { readonly level: number; readonly levelString: string }[] = Object.freeze([
  { level: Level.Restricted, levelString: 'Restricted' },
  { level: Level.Member, levelString: 'Member' },
  { level: Level.Gold, levelString: 'Gold' },
  { level: Level.Platinum, levelString: 'Platinum' },
  { level: Level.Builder, levelString: 'Builder' },
  { level: Level.Contributor, levelString: 'Contributor' },
  { level: Level.Approver, levelString: 'Approver' },
  { level: Level.Moderator, levelString: 'Moderator' },
  { level: Level.Admin, levelString: 'Admin' },
  { level: Level.Owner, levelString: 'Owner' },
]);

const LEVEL_STRINGS: ReadonlyMap<number, string> = new Map(DANBOORU_LEVELS.map((entry) => [entry.level, entry.levelString]));

/** `level_string`: `Member` for 20; null for 0 and anything off the ladder. */
export function levelString(level: number): string | null {
  return LEVEL_STRINGS.get(level) ?? null;
}

/**
 * Reads the `user[level]` of `PUT /admin/users/:id`: a ladder number, or a level string in any
 * case. Null for anything else (Anonymous included: it cannot be assigned).
 */
export function parseLevelParam(value: unknown): number | null {
  if (typeof value === 'number') return DANBOORU_LEVELS.some((entry) => entry.level === value) ? value : null;
  if (typeof value !== 'string') return null;
  const number = parseInteger(value);
  if (number !== null) return DANBOORU_LEVELS.some((entry) => entry.level === number) ? number : null;
  const wanted = value.trim().toLowerCase();
  return DANBOORU_LEVELS.find((entry) => entry.levelString.toLowerCase() === wanted)?.level ?? null;
}
