import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Level } from '../../../src/core/access/levels.js';
import { canonicalLevel, levelNumbers } from '../../../src/dialects/e621/levels.js';
import { E621HttpError } from '../../../src/dialects/e621/errors.js';
import { e621NameProblem, parseE621Settings } from '../../../src/dialects/e621/account-params.js';
import { parsePage } from '../../../src/dialects/e621/page-params.js';
import { parseValue, readInteger, satisfies } from '../../../src/dialects/e621/value-syntax.js';

test('value syntax (parse_value.rb): comparisons, ranges, lists, to_i', () => {
  const cases: readonly (readonly [string, readonly number[]])[] = [
    ['30', [30]],
    ['<30', [10, 20]],
    ['<=30', [10, 20, 30]],
    ['>60', [70, 80]],
    ['>=60', [60, 70, 80]],
    ['..20', [10, 20]],
    ['70..', [70, 80]],
    ['30..60', [30, 40, 50, 60]],
    ['60..30', [30, 40, 50, 60]],
    ['20,80', [20, 80]],
    ['junk', []],
  ];
  const levels = [10, 20, 30, 40, 50, 60, 70, 80];
  for (const [text, expected] of cases)
    assert.deepEqual(
      levels.filter((level) => satisfies(level, parseValue(text, readInteger))),
      expected,
      text,
    );
  assert.deepEqual(parseValue('junk', readInteger), { kind: 'cmp', op: 'eq', value: 0 });
  const long = parseValue(Array.from({ length: 400 }, (_, i) => i).join(','), readInteger);
  assert.equal(long.kind === 'in' ? long.values.length : -1, 320);
});

test('levels: both numberings, and the e621ng numbers an admin may assign', () => {
  assert.deepEqual(levelNumbers('legacy'), [0, 10, 20, 30, 33, 34, 35, 40, 50]);
  assert.deepEqual(levelNumbers('current'), [10, 20, 30, 40, 50, 60, 70, 80]);
  assert.deepEqual([20, 30, 60, 70, 80].map(canonicalLevel), [Level.Member, Level.Gold, Level.Approver, Level.Moderator, Level.Admin]);
  assert.deepEqual([0, 10, 40, 50, 99].map(canonicalLevel), [null, null, null, null, null]);
});

test('paging: defaults, bounds and 410s', () => {
  assert.deepEqual(parsePage({}), { kind: 'offset', limit: 75, offset: 0 });
  assert.deepEqual(parsePage({ page: '3', limit: '10' }), { kind: 'offset', limit: 10, offset: 20 });
  assert.deepEqual(parsePage({ page: 'a5', limit: '320' }), { kind: 'after', limit: 320, id: 5 });
  assert.deepEqual(parsePage({ page: 'b5' }), { kind: 'before', limit: 75, id: 5 });
  for (const bad of [{ limit: '321' }, { limit: '1.5' }, { limit: ['1'] }, { page: '751' }, { page: '0' }, { page: 'x' }, { page: 'a' }]) {
    assert.throws(
      () => parsePage(bad),
      (error) => error instanceof E621HttpError && error.status === 410,
      JSON.stringify(bad),
    );
  }
});

test('e621 name rules: the first broken rule wins; good names pass', () => {
  for (const name of ['fox', "O'Brien", 'a-b_c~d', 'Foo123']) assert.equal(e621NameProblem(name), null, name);
  assert.equal(e621NameProblem('ab__c'), 'must not contain consecutive special characters');
  assert.equal(e621NameProblem('me'), 'is a reserved name');
  assert.equal(e621NameProblem('xmod_x'), 'cannot contain "mod_"');
});

test('settings: e621 keys to a core patch; booleans cast as ActiveModel does; other keys refused', () => {
  assert.deepEqual(parseE621Settings({ user: { per_page: '40', enable_safe_mode: 'off', hide_comments: '1', avatar_id: '', email: 'a@b.c' } }), {
    preferences: { per_page: 40, flags: { enable_safe_mode: false, hide_comments: true } },
    avatarId: null,
    email: 'a@b.c',
  });
  assert.deepEqual(parseE621Settings({}), {});
  assert.throws(
    () => parseE621Settings({ user: { is_admin: '1' } }),
    (error) => error instanceof E621HttpError && error.status === 403,
  );
  assert.throws(
    () => parseE621Settings({ user: { per_page: ['1'] } }),
    (error) => error instanceof E621HttpError && error.status === 403,
  );
});
