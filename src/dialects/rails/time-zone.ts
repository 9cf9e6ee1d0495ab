import { RAILS_TIME_ZONES } from './rails-time-zones.js';
import { ZoneOffsets } from './zone-offsets.js';

/**
 * Wall-clock arithmetic in a user's time zone, with the platform's Intl zone data (no extra
 * dependency). Danbooru renders every timestamp, and reads every date in a search, in the
 * viewer's zone (session_loader.rb `Time.zone = CurrentUser.user.time_zone`).
 */

const DAY_MS = 86_400_000;

/** Anonymous viewers, and Danbooru's default setting. */
export const DEFAULT_TIME_ZONE = 'Eastern Time (US & Canada)';

/** A wall-clock reading: month 1–12; fields may overflow (day 32 is the 1st of next month). */
export interface WallTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
}

/**
 * Zone names are read from requests (e621's `time_zone=`, a user's setting), and IANA names
 * ignoring case, so every memory keyed by a name is bounded: past this many names it starts over.
 */
const MAX_ZONE_NAMES = 1000;

function remember<K, V>(memory: Map<K, V>, key: K, value: V): void {
  if (memory.size >= MAX_ZONE_NAMES) memory.clear();
  memory.set(key, value);
}

const formatters = new Map<string, Intl.DateTimeFormat | null>();

function formatterFor(zone: string): Intl.DateTimeFormat | null {
  if (!formatters.has(zone)) {
    let formatter: Intl.DateTimeFormat | null = null;
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        era: 'short',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      // An unknown zone name: callers fall back to UTC.
    }
    remember(formatters, zone, formatter);
  }
  return formatters.get(zone) ?? null;
}

/** Zone names already resolved to a known zone. */
const knownZones = new Map<string, string>();

/** The IANA zone for a Rails zone name or an IANA name; UTC for anything unknown. */
export function resolveTimeZone(name: string): string {
  const known = knownZones.get(name);
  if (known !== undefined) return known;
  const mapped = Object.hasOwn(RAILS_TIME_ZONES, name) ? RAILS_TIME_ZONES[name]! : name;
  if (!formatterFor(mapped)) return 'Etc/UTC';
  remember(knownZones, name, mapped);
  return mapped;
}

/** Whether a `time_zone` setting names a zone (Rails name or IANA name). */
export const isKnownTimeZone = (name: string): boolean => Object.hasOwn(RAILS_TIME_ZONES, name) || (name.includes('/') && formatterFor(name) !== null);

/** Milliseconds since the epoch of a UTC wall time; years below 100 are not shifted to 19xx. */
export function utcMs(wall: WallTime): number {
  const date = new Date(0);
  date.setUTCFullYear(wall.year, wall.month - 1, wall.day);
  date.setUTCHours(wall.hour, wall.minute, wall.second, wall.millisecond);
  return date.getTime();
}

function partsOf(instant: number, zone: string): WallTime {
  const formatter = formatterFor(zone) ?? formatterFor('Etc/UTC')!;
  const parts: Record<string, string> = {};
  for (const part of formatter.formatToParts(new Date(instant))) parts[part.type] = part.value;
  const year = Number(parts.year);
  return {
    year: parts.era === 'BC' || parts.era === 'B' ? 1 - year : year,
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    millisecond: ((instant % 1000) + 1000) % 1000,
  };
}

/** The offset read from the zone data itself (Intl), in milliseconds. */
const measuredOffset = (instant: number, zone: string): number => utcMs(partsOf(instant, zone)) - instant;

const offsetsByZone = new Map<string, ZoneOffsets>();

/** The zone's offset from UTC at `instant`, in milliseconds (New York in summer: -4 h); remembered per zone and day. */
export function offsetAt(instant: number, zone: string): number {
  let offsets = offsetsByZone.get(zone);
  if (offsets === undefined) {
    offsets = new ZoneOffsets((at) => measuredOffset(at, zone));
    remember(offsetsByZone, zone, offsets);
  }
  return offsets.offsetAt(instant);
}

/** The wall clock in `zone` at `instant`. */
export function wallTimeAt(instant: number, zone: string): WallTime {
  return partsOf(instant, zone);
}

/**
 * The instant a wall time in `zone` stands for. As ActiveSupport: a time skipped by a DST gap
 * moves forward (02:30 reads as 03:30), a repeated one reads as its first (DST) occurrence.
 */
export function instantOf(wall: WallTime, zone: string): number {
  const asUtc = utcMs(wall);
  const before = asUtc - offsetAt(asUtc - DAY_MS, zone);
  const after = asUtc - offsetAt(asUtc + DAY_MS, zone);
  const readsBack = (instant: number): boolean => utcMs(wallTimeAt(instant, zone)) === asUtc;
  if (readsBack(before) && readsBack(after)) return Math.min(before, after);
  if (readsBack(after)) return after;
  return before;
}

/** Midnight starting the calendar day of `instant` in `zone`, and the next midnight. */
export function dayAround(instant: number, zone: string): { readonly start: number; readonly end: number } {
  const wall = wallTimeAt(instant, zone);
  const midnight = { ...wall, hour: 0, minute: 0, second: 0, millisecond: 0 };
  return { start: instantOf(midnight, zone), end: instantOf({ ...midnight, day: wall.day + 1 }, zone) };
}

const pad = (value: number, width = 2): string => String(Math.abs(value)).padStart(width, '0');

function formatOffset(offsetMs: number, zone: string): string {
  if (zone === 'Etc/UTC' || zone === 'UTC') return 'Z';
  const minutes = Math.round(offsetMs / 60_000);
  return `${minutes < 0 ? '-' : '+'}${pad(Math.trunc(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`;
}

/** The writing field by field, for wall times the common writing does not take (fractions of a millisecond, outside Date's range). */
function formatAnyTimestamp(instant: number, zone: string, offset: number, fractionDigits: 0 | 3): string {
  const wall = new Date(instant + offset);
  const year = wall.getUTCFullYear();
  const date = `${year < 0 ? '-' : ''}${pad(year, 4)}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())}`;
  const time = `${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}:${pad(wall.getUTCSeconds())}`;
  const fraction = fractionDigits === 3 ? `.${pad(wall.getUTCMilliseconds(), 3)}` : '';
  return `${date}T${time}${fraction}${formatOffset(offset, zone)}`;
}

/*
 * The common writing, the same text in pieces: a page renders a timestamp or more per row
 * (~0.8 µs each written field by field), and its rows share days and offsets.
 */
const TWO_DIGITS: readonly string[] = Array.from({ length: 100 }, (_, n) => pad(n));
const THREE_DIGITS: readonly string[] = Array.from({ length: 1000 }, (_, n) => pad(n, 3));
/** ECMAScript's time range: ±100,000,000 days around the epoch. */
const MAX_TIME_MS = 8.64e15;
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/** `2024-05-01T` of each wall-clock day (days since the epoch), remembered up to {@link MAX_DAYS}. */
const datePrefixes = new Map<number, string>();
const MAX_DAYS = 50_000;
/** ` -04:00` of each offset, in milliseconds (zones other than UTC itself). */
const offsetSuffixes = new Map<number, string>();

function datePrefix(day: number): string {
  let prefix = datePrefixes.get(day);
  if (prefix === undefined) {
    const date = new Date(day * DAY_MS);
    const year = date.getUTCFullYear();
    prefix = `${year < 0 ? '-' : ''}${pad(year, 4)}-${TWO_DIGITS[date.getUTCMonth() + 1]!}-${TWO_DIGITS[date.getUTCDate()]!}T`;
    if (datePrefixes.size >= MAX_DAYS) datePrefixes.clear();
    datePrefixes.set(day, prefix);
  }
  return prefix;
}

function offsetSuffix(offsetMs: number, zone: string): string {
  if (zone === 'Etc/UTC' || zone === 'UTC') return 'Z';
  let suffix = offsetSuffixes.get(offsetMs);
  if (suffix === undefined) {
    suffix = formatOffset(offsetMs, zone);
    offsetSuffixes.set(offsetMs, suffix);
  }
  return suffix;
}

/**
 * ISO 8601 in the zone named `zoneName` (Rails or IANA), as ActiveSupport writes it:
 * `2024-05-01T12:00:00.123-04:00` with `fractionDigits` 3 (JSON), without fraction for 0 (XML);
 * `Z` only for the UTC zone itself.
 */
export function formatTimestamp(instant: number, zoneName: string, fractionDigits: 0 | 3 = 3): string {
  const zone = resolveTimeZone(zoneName);
  const offset = offsetAt(instant, zone);
  const wall = instant + offset;
  if (!Number.isInteger(wall) || Math.abs(wall) > MAX_TIME_MS) return formatAnyTimestamp(instant, zone, offset, fractionDigits);
  const day = Math.floor(wall / DAY_MS);
  const inDay = wall - day * DAY_MS;
  const hour = Math.floor(inDay / HOUR_MS);
  const minute = Math.floor((inDay - hour * HOUR_MS) / MINUTE_MS);
  const inMinute = inDay % MINUTE_MS;
  const second = Math.floor(inMinute / 1000);
  const time = `${TWO_DIGITS[hour]!}:${TWO_DIGITS[minute]!}:${TWO_DIGITS[second]!}`;
  const fraction = fractionDigits === 3 ? `.${THREE_DIGITS[inMinute - second * 1000]!}` : '';
  return `${datePrefix(day)}${time}${fraction}${offsetSuffix(offset, zone)}`;
}
