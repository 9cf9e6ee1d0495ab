/**
 * The canonical level ladder (Danbooru's). Every dialect maps it in its own `levels.ts`.
 * `System` is above every person: the CLI and internal jobs act with it.
 */
export const Level = Object.freeze({
  Anonymous: 0,
  Restricted: 10,
  Member: 20,
  Gold: 30,
  Platinum: 31,
  Builder: 32,
  Contributor: 35,
  Approver: 37,
  Moderator: 40,
  Admin: 50,
  Owner: 60,
  System: 100,
});

export type LevelName = Exclude<keyof typeof Level, 'System'>;

/** The levels a user can hold, ascending. */
export const USER_LEVELS: readonly number[] = Object.freeze([10, 20, 30, 31, 32, 35, 37, 40, 50, 60]);

const NAMES_BY_LEVEL = new Map<number, LevelName>(
  (Object.entries(Level) as [keyof typeof Level, number][]).filter(([name]) => name !== 'System').map(([name, value]) => [value, name as LevelName]),
);

/** `Member` for 20; null for numbers off the ladder. */
export function levelName(level: number): LevelName | null {
  return NAMES_BY_LEVEL.get(level) ?? null;
}

/** Reads a ladder number or name in any case (`35`, `Gold`, `owner`); null when it is neither. */
export function parseLevel(text: string): number | null {
  const trimmed = text.trim();
  if (/^[0-9]+$/.test(trimmed)) {
    const value = Number(trimmed);
    return USER_LEVELS.includes(value) ? value : null;
  }
  for (const [value, name] of NAMES_BY_LEVEL) {
    if (value !== Level.Anonymous && name.toLowerCase() === trimmed.toLowerCase()) return value;
  }
  return null;
}

export const isUserLevel = (level: number): boolean => USER_LEVELS.includes(level);
