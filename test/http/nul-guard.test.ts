import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findNulCharacter } from '../../src/core/text.js';

test('findNulCharacter names the first offending parameter, key or element', () => {
  const cases: [unknown, string | null][] = [
    [undefined, null],
    [{ a: 'fine', b: ['x', 'y'], c: { d: 1, e: null } }, null],
    ['a\u0000', ''],
    [{ name: 'bob\u0000' }, 'name'],
    [{ user: { first_name: '\u0000' } }, 'user.first_name'],
    [{ scopes: ['ok', 'x\u0000'] }, 'scopes.1'],
    [{ meta: { 'k\u0000': 1 } }, 'meta'],
    [{ 'k\u0000': 1 }, '(key)'],
  ];
  for (const [value, expected] of cases) assert.equal(findNulCharacter(value), expected, JSON.stringify(value));
});
