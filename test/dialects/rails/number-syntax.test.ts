import assert from 'node:assert/strict';
import { test } from 'node:test';
import { and, cmp, FALSE, isIn, isNull, not, or, type Filter } from '../../../src/query/ast.js';
import { numberFilter, rawInteger } from '../../../src/dialects/rails/number-syntax.js';
import { parseInteger, splitList, toI } from '../../../src/dialects/rails/ruby-coercion.js';

const NUMBER_SYNTAX: readonly (readonly [string, Filter])[] = [
  ['5', cmp('id', 'eq', 5)],
  ['>5', cmp('id', 'gt', 5)],
  ['>=5', cmp('id', 'gte', 5)],
  ['<5', cmp('id', 'lt', 5)],
  ['<=5', cmp('id', 'lte', 5)],
  ['-3', cmp('id', 'eq', -3)],
  ['5..10', and(cmp('id', 'gte', 5), cmp('id', 'lte', 10))],
  ['10..5', and(cmp('id', 'gte', 5), cmp('id', 'lte', 10))],
  ['5...10', and(cmp('id', 'gte', 5), cmp('id', 'lt', 10))],
  ['10...5', and(cmp('id', 'gte', 5), cmp('id', 'lt', 10))],
  ['5..', cmp('id', 'gte', 5)],
  ['..5', cmp('id', 'lte', 5)],
  ['1,2,3', isIn('id', [1, 2, 3])],
  ['1 2 3', isIn('id', [1, 2, 3])],
  ['1, 2,,3', isIn('id', [1, 2, 3])],
  ['1,2,', isIn('id', [1, 2])],
  ['1,>5,7..9', or(cmp('id', 'eq', 1), cmp('id', 'gt', 5), and(cmp('id', 'gte', 7), cmp('id', 'lte', 9)))],
  ['<2 >8', or(cmp('id', 'lt', 2), cmp('id', 'gt', 8))],
  ['any', not(isNull('id'))],
  ['none', isNull('id')],
  ['0x10', cmp('id', 'eq', 16)],
  ['010', cmp('id', 'eq', 8)],
  ['1_000', cmp('id', 'eq', 1000)],
  ['abc', FALSE],
  ['5abc', FALSE],
  ['1,abc', FALSE],
  [',1', FALSE],
  ['>', FALSE],
  ['1..x', FALSE],
  ['ANY', FALSE],
  ['08', FALSE],
  ['1.5', FALSE],
  ['99999999999999999999', FALSE],
];

test('number syntax reads as Danbooru reads it', () => {
  for (const [text, expected] of NUMBER_SYNTAX) assert.deepEqual(numberFilter('id', text), expected, text);
});

test('raw operands are cast as Rails casts an integer column', () => {
  const cases: readonly (readonly [string, number | null])[] = [
    ['5', 5],
    ['5abc', 5],
    [' -3', -3],
    ['1.9', 1],
    ['abc', null],
    ['', null],
  ];
  for (const [text, expected] of cases) assert.equal(rawInteger(text), expected, text);
});

test('ruby coercions', () => {
  assert.equal(toI('  42abc'), 42);
  assert.equal(toI('-1_000x'), -1000);
  assert.equal(toI('abc'), 0);
  assert.equal(parseInteger(' 7 '), 7);
  assert.equal(parseInteger('0b101'), 5);
  assert.equal(parseInteger('1__0'), null);
  assert.deepEqual(splitList(' 1,2 '), ['', '1', '2']);
  assert.deepEqual(splitList(''), []);
});
