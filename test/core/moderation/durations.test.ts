import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDuration } from '../../../src/core/moderation/durations.js';
import { CoreError } from '../../../src/core/errors.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const VALID: readonly [string, number | null][] = [
  ['1d', DAY],
  ['3d', 3 * DAY],
  ['7d', 7 * DAY],
  ['1mo', 30 * DAY],
  ['3mo', 90 * DAY],
  ['6mo', 180 * DAY],
  ['1y', 365 * DAY],
  ['100y', 36_500 * DAY],
  ['12h', 12 * HOUR],
  ['30m', 30 * MINUTE],
  ['2w', 14 * DAY],
  ['45s', 45_000],
  ['3 days', 3 * DAY],
  ['1 month', 30 * DAY],
  ['2Y', 730 * DAY],
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
