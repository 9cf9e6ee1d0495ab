import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDuration } from '../../../src/core/moderation/durations.js';
import { CoreError } from '../../../src/core/errors.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

// ActiveSupport's lengths, as Danbooru serializes a ban's duration.
const MONTH = 2_629_746_000;
const YEAR = 31_556_952_000;

const VALID: readonly [string, number | null][] = [
  ['1d', DAY],
  ['3d', 3 * DAY],
  ['7d', 7 * DAY],
  ['1mo', MONTH],
  ['3mo', 3 * MONTH],
  ['6mo', 6 * MONTH],
  ['1y', YEAR],
  ['100y', null],
  ['150 years', null],
  ['99y', 99 * YEAR],
  ['p1d', DAY],
  ['P1W', 7 * DAY],
  ['p1m', MONTH],
  ['p1y', YEAR],
  ['p100y', null],
  ['12h', 12 * HOUR],
  ['30m', 30 * MINUTE],
  ['2w', 14 * DAY],
  ['45s', 45_000],
  ['3 days', 3 * DAY],
  ['1 month', MONTH],
  ['2Y', 2 * YEAR],
  [' 5D ', 5 * DAY],
  ['forever', null],
  ['permanent', null],
  ['Forever', null],
];

const INVALID: readonly string[] = ['', 'd', '1', '0d', '-1d', '1.5d', '1 fortnight', '1dd', 'tomorrow', '1d2h', '9999999d'];

for (const [text, expected] of VALID) {
  test(`parseDuration(${JSON.stringify(text)}) is ${expected}`, () => {
    assert.equal(parseDuration(text), expected);
  });
}

for (const text of INVALID) {
  test(`parseDuration(${JSON.stringify(text)}) is refused as invalid_param`, () => {
    assert.throws(
      () => parseDuration(text),
      (error: unknown) => error instanceof CoreError && error.code === 'invalid_param' && error.details.param === 'duration',
    );
  });
}

test("regression: the CLI's 1mo is Danbooru's month (2,629,746 s), not 30 days; 100y is forever", () => {
  assert.equal(parseDuration('1mo'), 2_629_746_000);
  assert.equal(parseDuration('100y'), null);
});
