import { invalidParam } from '../errors.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Danbooru's meaning of a duration: ActiveSupport's lengths, which ban.rb serializes (a month is
 * a twelfth of a Gregorian year, 2,629,746 s; a year 365.2425 days), and 100 years is "forever".
 */
const MONTH = 2_629_746_000;
const YEAR = 31_556_952_000;

const UNITS: ReadonlyMap<string, number> = new Map([
  ...aliases(['s', 'sec', 'second', 'seconds'], SECOND),
  ...aliases(['m', 'min', 'minute', 'minutes'], MINUTE),
  ...aliases(['h', 'hr', 'hour', 'hours'], HOUR),
  ...aliases(['d', 'day', 'days'], DAY),
  ...aliases(['w', 'wk', 'week', 'weeks'], 7 * DAY),
  ...aliases(['mo', 'mon', 'month', 'months'], MONTH),
  ...aliases(['y', 'yr', 'year', 'years'], YEAR),
]);

/** ISO 8601 as Danbooru's ban form also sends it (`P1D`, `P1W`, `P1M`, `P1Y`): `m` is months here. */
const ISO_UNITS: ReadonlyMap<string, number> = new Map([
  ['d', DAY],
  ['w', 7 * DAY],
  ['m', MONTH],
  ['y', YEAR],
]);

const PERMANENT: ReadonlySet<string> = new Set(['forever', 'permanent', 'never', 'none']);

/** Danbooru offers "forever" as 100 years; anything that long is forever. */
const FOREVER = 100 * YEAR;

function aliases(names: readonly string[], ms: number): [string, number][] {
  return names.map((name) => [name, ms]);
}

/**
 * Reads a duration such as `1d`, `3d`, `7d`, `1mo`, `3mo`, `6mo`, `1y`, `12h`, `30m`, `2w`,
 * `3 days` or `P1M` into milliseconds, with Danbooru's lengths; `forever`, `permanent` and
 * 100 years or more give `null` (no expiry). Note `m` is minutes and `mo` months.
 *
 * The one parser of ban, mute and key lengths, for the CLI and every dialect.
 *
 * @throws CoreError `invalid_param` (param `duration`) for anything else, zero included.
 * @example parseDuration('1mo') // 2_629_746_000
 */
export function parseDuration(text: string): number | null {
  const trimmed = text.trim().toLowerCase();
  if (PERMANENT.has(trimmed)) return null;
  const iso = /^p([0-9]{1,6})([a-z])$/.exec(trimmed);
  const match = iso ?? /^([0-9]{1,6})\s*([a-z]+)$/.exec(trimmed);
  const unit = match ? (iso ? ISO_UNITS : UNITS).get(match[2] ?? '') : undefined;
  const count = match ? Number(match[1]) : 0;
  if (!match || unit === undefined || count === 0) {
    throw invalidParam('duration', `invalid duration "${text}" (use e.g. 12h, 1d, 7d, 2w, 1mo, 6mo, 1y, 100y or forever)`);
  }
  const ms = count * unit;
  return ms >= FOREVER ? null : ms;
}
