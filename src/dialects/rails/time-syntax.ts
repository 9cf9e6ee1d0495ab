import { FALSE, type Filter } from '../../query/ast.js';
import { parseRange, rangeFilter, type ValueSyntax } from './number-syntax.js';
import { dayAround, instantOf, resolveTimeZone, utcMs, wallTimeAt, type WallTime } from './time-zone.js';

/** The instant and zone a search is read at: ages count back from `now`, dates are wall times in `timeZone`. */
export interface Clock {
  readonly now: number;
  /** A Rails zone name (`Eastern Time (US & Canada)`) or an IANA name. */
  readonly timeZone: string;
}

/** An age: whole calendar days (fractional allowed) and exact seconds. */
export interface Age {
  readonly days: number;
  readonly seconds: number;
}

const DAY_MS = 86_400_000;

// duration_parser.rb: units from smallest to largest; each part must use a larger unit than the next.
const UNITS = ['seconds', 'minutes', 'hours', 'days', 'weeks', 'months', 'years'] as const;
type Unit = (typeof UNITS)[number];
const SHORTHANDS: Readonly<Record<string, Unit>> = { m: 'minutes', hr: 'hours', wk: 'weeks', yr: 'years' };
// Months and years are fixed fractions of days there: 365.25 / 12 and 365.25.
const DAYS_PER: Readonly<Partial<Record<Unit, number>>> = { days: 1, weeks: 7, months: 365.25 / 12, years: 365.25 };
const SECONDS_PER: Readonly<Partial<Record<Unit, number>>> = { seconds: 1, minutes: 60, hours: 3600 };

function unitOf(word: string | undefined): Unit | null {
  if (word === undefined) return 'seconds';
  const lower = word.toLowerCase();
  if (Object.hasOwn(SHORTHANDS, lower)) return SHORTHANDS[lower]!;
  // Any unambiguous prefix of a unit's name (Ruby's Abbrev): `s`, `sec`, `mo`, `mon`, `d`…
  const candidates = UNITS.filter((unit) => unit.startsWith(lower));
  return candidates.length === 1 ? candidates[0]! : null;
}

/** Reads an age such as `1w`, `1w2d`, `1.5 days`, `3mo`, `30` (seconds); null when it is not one. */
export function parseAge(text: string): Age | null {
  const part = /^((?:\d*\.)?\d+)\s*([a-z]+)?\s*/i;
  let rest = text;
  let previous: number = UNITS.length;
  let days = 0;
  let seconds = 0;
  do {
    const match = part.exec(rest);
    const unit = match ? unitOf(match[2]) : null;
    if (!match || unit === null || UNITS.indexOf(unit) >= previous) return null;
    previous = UNITS.indexOf(unit);
    const amount = Number(match[1]);
    days += amount * (DAYS_PER[unit] ?? 0);
    seconds += amount * (SECONDS_PER[unit] ?? 0);
    rest = rest.slice(match[0].length);
  } while (rest !== '');
  return { days, seconds };
}

/**
 * The instant `age` ago, as ActiveSupport's `Duration#ago`: whole days move the wall clock in
 * the zone (a day across a DST change is 23 or 25 hours), the rest is exact time.
 */
export function instantAgo(age: Age, clock: Clock): number {
  const zone = resolveTimeZone(clock.timeZone);
  const back = -age.days;
  const wholeDays = Math.floor(back);
  const wall = wallTimeAt(clock.now, zone);
  const shifted = instantOf({ ...wall, day: wall.day + wholeDays }, zone);
  return Math.round(shifted + (back - wholeDays) * DAY_MS - age.seconds * 1000);
}

const MONTH_NAMES = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const TIME = String.raw`(?:(?:T|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?`;
const OFFSET = String.raw`\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?`;

interface DateFields {
  readonly year: string;
  readonly month: string;
  readonly day: string;
  /** hour, minute, second, fraction, offset; '' when absent. */
  readonly rest: readonly string[];
}

// The forms of Date._parse that clients send; year-month-day orders only.
const DATE_PATTERNS: readonly (readonly [RegExp, (m: RegExpExecArray) => DateFields])[] = [
  [new RegExp(String.raw`^(\d{4})[-/](\d{1,2})[-/](\d{1,2})${TIME}${OFFSET}$`, 'i'), (m) => fields(m[1], m[2], m[3], m.slice(4))],
  [/^(\d{4})(\d{2})(\d{2})$/, (m) => fields(m[1], m[2], m[3], [])],
  [/^(\d{4})-(\d{1,2})$/, (m) => fields(m[1], m[2], '1', [])],
  [
    new RegExp(String.raw`^([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})${TIME}${OFFSET}$`, 'i'),
    (m) => fields(m[3], monthNumber(m[1]), m[2], m.slice(4)),
  ],
  [
    new RegExp(String.raw`^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]{3,9})\.?,?\s+(\d{4})${TIME}${OFFSET}$`, 'i'),
    (m) => fields(m[3], monthNumber(m[2]), m[1], m.slice(4)),
  ],
];

function fields(year: string | undefined, month: string | undefined, day: string | undefined, rest: (string | undefined)[]): DateFields {
  return { year: year ?? '', month: month ?? '', day: day ?? '', rest: rest.map((part) => part ?? '') };
}

function monthNumber(word: string | undefined): string {
  const lower = (word ?? '').toLowerCase();
  const index = MONTH_NAMES.findIndex((name) => name.startsWith(lower));
  return index < 0 ? '' : String(index + 1);
}

function offsetMinutes(text: string): number {
  if (text === '' || /^(z|utc|gmt)$/i.test(text)) return 0;
  const digits = text.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
  return text.startsWith('-') ? -minutes : minutes;
}

function validWall(wall: WallTime): boolean {
  const { month, day, hour, minute, second } = wall;
  const fine = [month, day, hour, minute, second].every(Number.isInteger);
  // Ruby's Time.new rolls day 30 of February over into March, but refuses a day past 31.
  return fine && month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 24 && minute <= 59 && second <= 60 && (hour < 24 || minute + second === 0);
}

/**
 * `Time.zone.parse` for the date forms clients use: `2024-01-31`, `2024/01/31`, `20240131`,
 * `2024-01`, `2024-01-31 12:30[:45[.123]]`, `2024-01-31T12:30:45Z` or with an offset,
 * `Jan 31, 2024`, `31 January 2024`, and a bare `12:30` (today). Without an offset the wall
 * time is read in `clock.timeZone`. Null when the text is none of these or not a real date.
 */
export function parseTime(text: string, clock: Clock): number | null {
  const trimmed = text.trim();
  const timeOnly = new RegExp(String.raw`^(\d{1,2}):(\d{2})(?::(\d{2}))?${OFFSET}$`, 'i').exec(trimmed);
  const zone = resolveTimeZone(clock.timeZone);
  let date: DateFields | null = null;
  if (timeOnly) {
    const today = wallTimeAt(clock.now, zone);
    date = fields(String(today.year), String(today.month), String(today.day), [timeOnly[1], timeOnly[2], timeOnly[3], '', timeOnly[4]]);
  }
  for (const [pattern, read] of DATE_PATTERNS) {
    if (date) break;
    const match = pattern.exec(trimmed);
    if (match) date = read(match);
  }
  if (!date) return null;
  const [hour = '', minute = '', second = '', fraction = '', offset = ''] = date.rest;
  const wall: WallTime = {
    year: Number(date.year),
    month: Number(date.month),
    day: Number(date.day),
    hour: Number(hour || '0'),
    minute: Number(minute || '0'),
    second: Number(second || '0'),
    millisecond: fraction ? Math.round(Number(`0.${fraction}`) * 1000) : 0,
  };
  if (date.month === '' || !validWall(wall)) return null;
  return offset ? utcMs(wall) - offsetMinutes(offset) * 60_000 : instantOf(wall, zone);
}

/** Number syntax over dates (`2024-01-01..2024-02-01`); a bare date is that exact instant. */
export const dateSyntax = (clock: Clock): ValueSyntax => ({ parse: (text) => parseTime(text, clock) });

/** Number syntax over ages: comparisons read backwards (`<1w` is newer than a week); a bare age is its calendar day. */
export function ageSyntax(clock: Clock): ValueSyntax {
  const zone = resolveTimeZone(clock.timeZone);
  return {
    parse: (text) => {
      const age = parseAge(text);
      return age === null ? null : instantAgo(age, clock);
    },
    bare: (instant) => {
      const day = dayAround(instant, zone);
      return { kind: 'between', lo: day.start, hi: day.end, exclusive: true };
    },
    reversed: true,
  };
}

/**
 * A timestamp search value read both ways Danbooru reads it: first as an age, else as a date.
 * `alternative` is the date reading when the value is also a valid date; Danbooru switches to it
 * when the age reading finds no rows.
 */
export interface TimestampReading {
  readonly filter: Filter;
  readonly alternative: Filter | null;
}

export function timestampFilter(field: string, text: string, clock: Clock): TimestampReading {
  const date = parseRange(text, dateSyntax(clock));
  const dateFilter = date === null ? FALSE : rangeFilter(field, date);
  const age = parseRange(text, ageSyntax(clock));
  if (age === null) return { filter: dateFilter, alternative: null };
  return { filter: rangeFilter(field, age), alternative: date === null ? null : dateFilter };
}
