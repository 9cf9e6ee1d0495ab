import { invalidParam } from '../errors.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Unit lengths. Months and years are fixed lengths, as Danbooru's ban form counts them
 * (1 month = 30 days, 1 year = 365 days, "forever" offered as 100 years).
 */
const UNITS: ReadonlyMap<string, number> = new Map([
  ...aliases(['s', 'sec', 'second', 'seconds'], 1000),
  ...aliases(['m', 'min', 'minute', 'minutes'], MINUTE),
  ...aliases(['h', 'hr', 'hour', 'hours'], HOUR),
  ...aliases(['d', 'day', 'days'], DAY),
  ...aliases(['w', 'wk', 'week', 'weeks'], 7 * DAY),
  ...aliases(['mo', 'mon', 'month', 'months'], 30 * DAY),
  ...aliases(['y', 'yr', 'year', 'years'], 365 * DAY),
]);

const PERMANENT: ReadonlySet<string> = new Set(['forever', 'permanent', 'never', 'none']);

function aliases(names: readonly string[], ms: number): [string, number][] {
  return names.map((name) => [name, ms]);
}

/**
 * Reads a duration such as `1d`, `3d`, `7d`, `1mo`, `3mo`, `6mo`, `1y`, `100y`, `12h`, `30m`,
 * `2w` or `3 days` into milliseconds; `forever` or `permanent` give `null` (no expiry).
 * Note `m` is minutes and `mo` months.
 *
 * @throws CoreError `invalid_param` (param `duration`) for anything else, zero included.
 * @example parseDuration('3mo') // 7_776_000_000
 */
export function parseDuration(text: string): number | null {
  const trimmed = text.trim().toLowerCase();
  if (PERMANENT.has(trimmed)) return null;
  const match = /^([0-9]{1,6})\s*([a-z]+)$/.exec(trimmed);
  const unit = match ? UNITS.get(match[2] ?? '') : undefined;
  const count = match ? Number(match[1]) : 0;
  if (!match || unit === undefined || count === 0) {
    throw invalidParam('duration', `invalid duration "${text}" (use e.g. 12h, 1d, 7d, 2w, 1mo, 6mo, 1y, 100y or forever)`);
  }
  return count * unit;
}
