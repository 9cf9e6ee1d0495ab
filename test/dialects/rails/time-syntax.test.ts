import assert from 'node:assert/strict';
import { test } from 'node:test';
import { and, cmp, FALSE, isIn, not, or } from '../../../src/query/ast.js';
import { numberFilter } from '../../../src/dialects/rails/number-syntax.js';
import { RAILS_TIME_ZONES } from '../../../src/dialects/rails/rails-time-zones.js';
import { ageSyntax, instantAgo, parseAge, parseTime, timestampFilter, type Age } from '../../../src/dialects/rails/time-syntax.js';
import { dayAround, formatTimestamp, isKnownTimeZone, offsetAt, resolveTimeZone } from '../../../src/dialects/rails/time-zone.js';

const EASTERN = 'Eastern Time (US & Canada)';
const NOW = Date.parse('2024-05-01T16:00:00.123Z'); // 12:00:00.123 in New York
const CLOCK = { now: NOW, timeZone: EASTERN };
const DAY = 86_400_000;
const at = (iso: string): number => Date.parse(iso);

test('ages: units, compounds and their order', () => {
  const cases: readonly (readonly [string, Age | null])[] = [
    ['1w', { days: 7, seconds: 0 }],
    ['1w2d', { days: 9, seconds: 0 }],
    ['1 day', { days: 1, seconds: 0 }],
    ['2h30m', { days: 0, seconds: 9000 }],
    ['2hr 5min 1s', { days: 0, seconds: 7501 }],
    ['30', { days: 0, seconds: 30 }],
    ['1.5d', { days: 1.5, seconds: 0 }],
    ['.5h', { days: 0, seconds: 1800 }],
    ['2mo', { days: 60.875, seconds: 0 }],
    ['1yr', { days: 365.25, seconds: 0 }],
    ['1WK', { days: 7, seconds: 0 }],
    ['2d1w', null],
    ['1d1d', null],
    ['1x', null],
    ['1ms', null],
    ['1.', null],
    ['', null],
    [' 1d', null],
    ['2024-01-01', null],
  ];
  for (const [text, expected] of cases) assert.deepEqual(parseAge(text), expected, text);
});

test('days move the wall clock, across DST too', () => {
  assert.equal(instantAgo({ days: 1, seconds: 0 }, CLOCK), NOW - DAY);
  assert.equal(instantAgo({ days: 0, seconds: 90 }, CLOCK), NOW - 90_000);
  assert.equal(instantAgo({ days: 1.5, seconds: 0 }, CLOCK), NOW - 1.5 * DAY);
  // New York sprang forward on 2024-03-10: noon to noon the day before is 23 hours.
  const sunday = { now: at('2024-03-10T16:00:00Z'), timeZone: EASTERN };
  assert.equal(instantAgo({ days: 1, seconds: 0 }, sunday), at('2024-03-09T17:00:00Z'));
});

test('dates: the forms of Time.zone.parse clients send', () => {
  const cases: readonly (readonly [string, string, number | null])[] = [
    ['2024-01-01', EASTERN, at('2024-01-01T05:00:00Z')],
    ['2024-01-01', 'UTC', at('2024-01-01T00:00:00Z')],
    ['2024-01-01', 'Asia/Tokyo', at('2023-12-31T15:00:00Z')],
    ['2024/01/01', EASTERN, at('2024-01-01T05:00:00Z')],
    ['20240101', EASTERN, at('2024-01-01T05:00:00Z')],
    ['2024-01', EASTERN, at('2024-01-01T05:00:00Z')],
    ['2024-06-01 10:30', EASTERN, at('2024-06-01T14:30:00Z')],
    ['2024-06-01T10:30:15.25', EASTERN, at('2024-06-01T14:30:15.250Z')],
    ['2024-01-01T10:00:00Z', EASTERN, at('2024-01-01T10:00:00Z')],
    ['2024-01-01 10:00 +02:00', EASTERN, at('2024-01-01T08:00:00Z')],
    ['2024-01-01T10:00:00-0130', EASTERN, at('2024-01-01T11:30:00Z')],
    ['Jan 2, 2024', EASTERN, at('2024-01-02T05:00:00Z')],
    ['2 January 2024', EASTERN, at('2024-01-02T05:00:00Z')],
    ['12:30', EASTERN, at('2024-05-01T16:30:00Z')],
    ['2024-02-30', 'UTC', at('2024-03-01T00:00:00Z')],
    // DST gap: 02:30 does not exist and reads as 03:30 EDT; the repeated 01:30 reads as EDT.
    ['2024-03-10 02:30', EASTERN, at('2024-03-10T07:30:00Z')],
    ['2024-11-03 01:30', EASTERN, at('2024-11-03T05:30:00Z')],
    ['2024-03-31 02:30', 'Europe/Berlin', at('2024-03-31T01:30:00Z')],
    ['2024-13-01', EASTERN, null],
    ['2024-01-32', EASTERN, null],
    ['2024-01-01 25:00', EASTERN, null],
    ['Foo 2, 2024', EASTERN, null],
    ['yesterday', EASTERN, null],
    ['1w', EASTERN, null],
  ];
  for (const [text, zone, expected] of cases) assert.equal(parseTime(text, { now: NOW, timeZone: zone }), expected, `${text} in ${zone}`);
});

test('timestamp values: ages first (comparisons reversed), then dates', () => {
  const today = dayAround(NOW, 'America/New_York');
  assert.deepEqual(today, { start: at('2024-05-01T04:00:00Z'), end: at('2024-05-02T04:00:00Z') });
  const week = NOW - 7 * DAY;
  const weekDay = dayAround(week, 'America/New_York');
  const cases = [
    ['<1w', { filter: cmp('created_at', 'gt', week), alternative: null }],
    ['>1w', { filter: cmp('created_at', 'lt', week), alternative: null }],
    ['<=1w', { filter: cmp('created_at', 'gte', week), alternative: null }],
    ['1w', { filter: and(cmp('created_at', 'gte', weekDay.start), cmp('created_at', 'lt', weekDay.end)), alternative: null }],
    ['1w..2w', { filter: and(cmp('created_at', 'gte', NOW - 14 * DAY), cmp('created_at', 'lte', week)), alternative: null }],
    ['2024-01-01', { filter: cmp('created_at', 'eq', at('2024-01-01T05:00:00Z')), alternative: null }],
    [
      '2024-01-01..2024-02-01',
      { filter: and(cmp('created_at', 'gte', at('2024-01-01T05:00:00Z')), cmp('created_at', 'lte', at('2024-02-01T05:00:00Z'))), alternative: null },
    ],
    ['>2024-01-01', { filter: cmp('created_at', 'gt', at('2024-01-01T05:00:00Z')), alternative: null }],
    ['1d,2d', { filter: isIn('created_at', [NOW - DAY, NOW - 2 * DAY]), alternative: null }],
    ['<1d,2024-01-01', { filter: FALSE, alternative: null }],
    ['junk', { filter: FALSE, alternative: null }],
  ] as const;
  for (const [text, expected] of cases) assert.deepEqual(timestampFilter('created_at', text, CLOCK), expected, text);
  // 20240101 is both 20,240,101 seconds ago and a date: both readings are kept.
  const ambiguous = timestampFilter('created_at', '20240101', CLOCK);
  const ageDay = dayAround(NOW - 20_240_101_000, 'America/New_York');
  assert.deepEqual(ambiguous, {
    filter: and(cmp('created_at', 'gte', ageDay.start), cmp('created_at', 'lt', ageDay.end)),
    alternative: cmp('created_at', 'eq', at('2024-01-01T05:00:00Z')),
  });
  assert.deepEqual(numberFilter('created_at', '<1d,>2w', ageSyntax(CLOCK)), or(cmp('created_at', 'gt', NOW - DAY), cmp('created_at', 'lt', NOW - 14 * DAY)));
  assert.deepEqual(numberFilter('created_at', 'any', ageSyntax(CLOCK)), not({ kind: 'isNull', field: 'created_at' }));
});

test('timestamps are written in the viewer zone with milliseconds', () => {
  const instant = at('2024-05-01T16:00:00.123Z');
  const cases: readonly (readonly [string, 0 | 3, string])[] = [
    [EASTERN, 3, '2024-05-01T12:00:00.123-04:00'],
    [EASTERN, 0, '2024-05-01T12:00:00-04:00'],
    ['UTC', 3, '2024-05-01T16:00:00.123Z'],
    ['Etc/UTC', 3, '2024-05-01T16:00:00.123Z'],
    ['London', 3, '2024-05-01T17:00:00.123+01:00'],
    ['Tokyo', 3, '2024-05-02T01:00:00.123+09:00'],
    ['Kathmandu', 3, '2024-05-01T21:45:00.123+05:45'],
    ['Newfoundland', 3, '2024-05-01T13:30:00.123-02:30'],
    ['Asia/Kolkata', 3, '2024-05-01T21:30:00.123+05:30'],
    ['Not A Zone', 3, '2024-05-01T16:00:00.123Z'],
  ];
  for (const [zone, digits, expected] of cases) assert.equal(formatTimestamp(instant, zone, digits), expected, zone);
  assert.equal(formatTimestamp(at('2024-01-15T12:00:00Z'), 'London'), '2024-01-15T12:00:00.000+00:00');
  assert.equal(formatTimestamp(at('1960-01-01T05:00:00Z'), EASTERN), '1960-01-01T00:00:00.000-05:00');
});

test('every Rails zone name maps to a zone the platform knows', () => {
  for (const [name, iana] of Object.entries(RAILS_TIME_ZONES)) {
    assert.equal(resolveTimeZone(name), iana, name);
    assert.ok(isKnownTimeZone(name), name);
  }
  assert.equal(offsetAt(NOW, resolveTimeZone(EASTERN)), -4 * 3_600_000);
  assert.ok(isKnownTimeZone('Europe/Paris'));
  assert.ok(!isKnownTimeZone('Mars/Olympus'));
  assert.ok(!isKnownTimeZone('EST5EDT and junk'));
});
