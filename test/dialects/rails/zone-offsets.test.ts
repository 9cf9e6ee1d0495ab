import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatTimestamp, offsetAt } from '../../../src/dialects/rails/time-zone.js';
import { ZoneOffsets } from '../../../src/dialects/rails/zone-offsets.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The offset the platform names for `zone` at `instant` ("GMT-04:00"), independently of the cache. */
function referenceOffset(instant: number, zone: string): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
    .formatToParts(new Date(instant))
    .find((part) => part.type === 'timeZoneName')!.value;
  const match = /^GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(name);
  assert.ok(match, name);
  if (match[1] === undefined) return 0;
  const magnitude = (Number(match[2]) * 3600 + Number(match[3]) * 60 + Number(match[4] ?? 0)) * 1000;
  return match[1] === '-' ? -magnitude : magnitude;
}

/** Transitions: New York spring and fall 2024, London spring, Lord Howe's half hour, Casablanca's Ramadan hour. */
const TRANSITIONS: readonly [string, string][] = [
  ['America/New_York', '2024-03-10T07:00:00Z'],
  ['America/New_York', '2024-11-03T06:00:00Z'],
  ['Europe/London', '2024-03-31T01:00:00Z'],
  ['Europe/London', '2024-10-27T01:00:00Z'],
  ['Australia/Lord_Howe', '2024-04-06T15:00:00Z'],
  ['Africa/Casablanca', '2024-03-10T02:00:00Z'],
  ['Africa/Casablanca', '2024-04-14T02:00:00Z'],
];

describe('offsetAt, remembered per zone and day', () => {
  test('reads the zone data on both sides of each DST transition, to the millisecond', () => {
    for (const [zone, at] of TRANSITIONS) {
      const change = Date.parse(at);
      assert.notEqual(referenceOffset(change - 1, zone), referenceOffset(change, zone), `${zone} changes at ${at}`);
      for (const delta of [-DAY, -HOUR, -1000, -1, 0, 1, 999, 1000, HOUR, DAY]) {
        assert.equal(offsetAt(change + delta, zone), referenceOffset(change + delta, zone), `${zone} at ${at} ${delta >= 0 ? '+' : ''}${delta} ms`);
      }
    }
  });

  test('agrees with the zone data hour by hour through a year, whatever order the instants come in', () => {
    const start = Date.parse('2023-12-31T00:00:00Z');
    const instants = Array.from({ length: 366 * 24 }, (_, hour) => start + hour * HOUR + 1234);
    // Late instants first, so days are remembered out of order.
    instants.reverse();
    for (const zone of ['America/New_York', 'Europe/Berlin', 'Australia/Sydney', 'Asia/Kolkata', 'Etc/UTC']) {
      for (const instant of instants) assert.equal(offsetAt(instant, zone), referenceOffset(instant, zone), `${zone} ${new Date(instant).toISOString()}`);
    }
  });

  test('formats timestamps either side of a transition with the offset in force', () => {
    const change = Date.parse('2024-03-10T07:00:00Z');
    assert.equal(formatTimestamp(change - 1, 'Eastern Time (US & Canada)'), '2024-03-10T01:59:59.999-05:00');
    assert.equal(formatTimestamp(change, 'Eastern Time (US & Canada)'), '2024-03-10T03:00:00.000-04:00');
    const fallBack = Date.parse('2024-11-03T06:00:00Z');
    assert.equal(formatTimestamp(fallBack - 1, 'Eastern Time (US & Canada)'), '2024-11-03T01:59:59.999-04:00');
    assert.equal(formatTimestamp(fallBack, 'Eastern Time (US & Canada)'), '2024-11-03T01:00:00.000-05:00');
  });
});

describe('ZoneOffsets', () => {
  test('measures a day once, and a day with a change to the second', () => {
    const change = 10 * DAY + 12_345_000;
    let calls = 0;
    const offsets = new ZoneOffsets((instant) => {
      calls++;
      return instant >= change ? HOUR : 0;
    });
    assert.equal(offsets.offsetAt(change + 5), HOUR);
    assert.equal(offsets.offsetAt(change - 1), 0);
    assert.equal(offsets.offsetAt(10 * DAY), 0);
    const afterFirstDay = calls;
    for (let i = 0; i < 100; i++) offsets.offsetAt(10 * DAY + i * 1000);
    assert.equal(calls, afterFirstDay);
    assert.equal(offsets.offsetAt(11 * DAY + 1), HOUR);
    assert.equal(offsets.offsetAt(-DAY / 2), 0);
  });
});

describe('formatTimestamp away from the common case', () => {
  test('writes odd years, local mean time, fractions of a millisecond and the far future as ActiveSupport does', () => {
    const cases: readonly (readonly [number, string, 0 | 3, string])[] = [
      [Date.UTC(2024, 0, 15, 12), 'Tokyo', 3, '2024-01-15T21:00:00.000+09:00'],
      [-62198755200000, 'UTC', 3, '-0001-01-01T00:00:00.000Z'],
      [-62198755200001, 'Eastern Time (US & Canada)', 0, '-0002-12-31T19:03:57-04:56'],
      [Date.UTC(1800, 5, 1), 'America/New_York', 3, '1800-05-31T19:03:58.000-04:56'],
      [253402300800000, 'UTC', 3, '10000-01-01T00:00:00.000Z'],
      [8.64e15 - 2 * DAY, 'UTC', 0, '275760-09-11T00:00:00Z'],
      [1.5, 'UTC', 3, '1970-01-01T00:00:00.001Z'],
      [-1, 'Asia/Kolkata', 3, '1970-01-01T05:29:59.999+05:30'],
    ];
    for (const [instant, zone, digits, expected] of cases) assert.equal(formatTimestamp(instant, zone, digits), expected, `${instant} ${zone}`);
  });
});
