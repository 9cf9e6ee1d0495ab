import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DANBOORU_LEVELS, levelString, parseLevelParam } from '../../../src/dialects/danbooru/levels.js';
import { danbooruNameProblem, parseLimit, parsePage, parseSettingsUpdate, parseSignup } from '../../../src/dialects/danbooru/params.js';
import { flagValue } from '../../../src/dialects/danbooru/settings-params.js';

test('limit clamps and never fails', () => {
  const cases: readonly (readonly [unknown, number])[] = [
    [undefined, 20],
    ['50', 50],
    ['0', 1],
    ['-5', 1],
    ['', 1],
    ['abc', 1],
    ['50abc', 50],
    ['5000', 1000],
    [['5'], 1],
    [{ a: '1' }, 1],
    [7.9, 7],
  ];
  for (const [value, expected] of cases) assert.equal(parseLimit(value), expected, JSON.stringify(value));
});

test('page: numbers, b<id>, a<id>, and the maximum per level', () => {
  const cases: readonly (readonly [Record<string, unknown>, number, unknown])[] = [
    [{}, 20, { ok: true, page: { kind: 'offset', limit: 20, offset: 0 } }],
    [{ page: '3', limit: '10' }, 20, { ok: true, page: { kind: 'offset', limit: 10, offset: 20 } }],
    [{ page: '0' }, 20, { ok: true, page: { kind: 'offset', limit: 20, offset: 0 } }],
    [{ page: '-4' }, 20, { ok: true, page: { kind: 'offset', limit: 20, offset: 0 } }],
    [{ page: 'junk' }, 20, { ok: true, page: { kind: 'offset', limit: 20, offset: 0 } }],
    [{ page: ['2'] }, 20, { ok: true, page: { kind: 'offset', limit: 20, offset: 0 } }],
    [{ page: 'b100', limit: '5' }, 20, { ok: true, page: { kind: 'before', limit: 5, id: 100 } }],
    [{ page: 'A7' }, 20, { ok: true, page: { kind: 'after', limit: 20, id: 7 } }],
    [{ page: 'b99999999999999999999' }, 20, { ok: true, page: { kind: 'before', limit: 20, id: Number.MAX_SAFE_INTEGER } }],
    [{ page: 'b1x' }, 20, { ok: true, page: { kind: 'offset', limit: 20, offset: 0 } }],
    [{ page: '1000' }, 20, { ok: true, page: { kind: 'offset', limit: 20, offset: 19980 } }],
    [{ page: '1001' }, 20, { ok: false, maxPage: 1000, message: 'You cannot go beyond page 1000.' }],
    [{ page: '1001' }, 30, { ok: true, page: { kind: 'offset', limit: 20, offset: 20000 } }],
    [{ page: '5001' }, 50, { ok: false, maxPage: 5000, message: 'You cannot go beyond page 5000.' }],
  ];
  for (const [params, level, expected] of cases) assert.deepEqual(parsePage(params, level), expected, JSON.stringify(params));
});

test('level strings: the canonical ladder is Danbooru’s', () => {
  assert.deepEqual(
    DANBOORU_LEVELS.map((entry) => [entry.level, levelString(entry.level)]),
    [
      [10, 'Restricted'],
      [20, 'Member'],
      [30, 'Gold'],
      [31, 'Platinum'],
      [32, 'Builder'],
      [35, 'Contributor'],
      [37, 'Approver'],
      [40, 'Moderator'],
      [50, 'Admin'],
      [60, 'Owner'],
    ],
  );
  assert.equal(levelString(0), null);
  assert.equal(levelString(100), null);
  const params: readonly (readonly [unknown, number | null])[] = [
    ['30', 30],
    [35, 35],
    ['gold', 30],
    [' Moderator ', 40],
    ['0', null],
    ['Anonymous', null],
    ['25', null],
    [['30'], null],
  ];
  for (const [value, expected] of params) assert.equal(parseLevelParam(value), expected, JSON.stringify(value));
});

const MEMBER = { level: 20, enablePrivateFavorites: false };

test('settings: permitted fields, Rails casts and Danbooru messages', () => {
  assert.deepEqual(
    parseSettingsUpdate(
      {
        per_page: '50',
        comment_threshold: -3,
        default_image_size: 'original',
        theme: 'dark',
        time_zone: 'Tokyo',
        favorite_tags: ' touhou\u200B  1girl\t',
        blacklisted_tags: '  guro  \r\n scat \n',
        custom_style: ' body {} ',
        receive_email_notifications: 'on',
        enable_safe_mode: 'yes',
        disable_post_tooltips: '1',
        show_deleted_posts: 'TRUE',
        level: '60',
        email: 'x@example.com',
        always_resize_images: 'true',
      },
      MEMBER,
    ),
    {
      patch: {
        favorite_tags: 'touhou  1girl',
        blacklisted_tags: 'guro\nscat',
        custom_style: 'body {}',
        per_page: 50,
        comment_threshold: -3,
        default_image_size: 'original',
        theme: 'dark',
        time_zone: 'Tokyo',
        flags: { receive_email_notifications: false, show_deleted_posts: false, enable_safe_mode: true, disable_post_tooltips: true },
      },
      errors: null,
    },
  );
  assert.deepEqual(
    parseSettingsUpdate(
      { per_page: '0', comment_threshold: '6', default_image_size: 'huge', theme: 'blue', time_zone: 'Atlantis', enable_private_favorites: 't' },
      MEMBER,
    ),
    {
      patch: { flags: { enable_private_favorites: true } },
      errors: {
        per_page: ['is not included in the list'],
        comment_threshold: ['is not included in the list'],
        default_image_size: ['is not included in the list'],
        theme: ['is not included in the list'],
        time_zone: ['is not included in the list'],
        base: ["Can't enable privacy mode without a Gold account"],
      },
    },
  );
  assert.equal(parseSettingsUpdate({ enable_private_favorites: 't' }, { level: 30, enablePrivateFavorites: false }).errors, null);
  assert.equal(parseSettingsUpdate({ enable_private_favorites: 't' }, { level: 20, enablePrivateFavorites: true }).errors, null);
  assert.deepEqual(parseSettingsUpdate({ per_page: 'abc' }, MEMBER).errors, { per_page: ['is not included in the list'] });
  assert.deepEqual(parseSettingsUpdate({ per_page: ['5'], theme: { a: 1 } }, MEMBER), { patch: {}, errors: null });
  assert.deepEqual(parseSettingsUpdate('junk', MEMBER), { patch: {}, errors: null });
  assert.deepEqual(parseSettingsUpdate({ favorite_tags: '\u2800' }, MEMBER).errors, { favorite_tags: ["can't be blank"] });
  const tooMany = Array.from({ length: 1001 }, (_, i) => `t${i}`).join(' ');
  assert.deepEqual(parseSettingsUpdate({ favorite_tags: tooMany }, MEMBER).errors, { favorite_tags: ["can't have more than 1000 favorite tags"] });
  assert.deepEqual(parseSettingsUpdate({ custom_style: 'x'.repeat(40_001) }, MEMBER).errors, { custom_style: ['is too long (maximum is 40000 characters)'] });
  const rules = Array.from({ length: 5001 }, (_, i) => `t${i}`).join('\n');
  assert.deepEqual(parseSettingsUpdate({ blacklisted_tags: rules }, MEMBER).errors, {
    blacklisted_tags: ["can't have more than 5000 blacklist rules", "can't have more than 5000 blacklisted tags"],
  });
  assert.deepEqual(parseSettingsUpdate({ blacklisted_tags: 'x'.repeat(100_001) }, MEMBER).errors, {
    blacklisted_tags: ['is too long (maximum is 100000 characters)'],
  });
});

test('flag setters are true when the value has t, 1 or y', () => {
  const cases: readonly (readonly [string, boolean])[] = [
    ['true', true],
    ['t', true],
    ['1', true],
    ['yes', true],
    ['on', false],
    ['TRUE', false],
    ['false', false],
    ['0', false],
    ['', false],
  ];
  for (const [text, expected] of cases) assert.equal(flagValue(text), expected, text);
});

test('signup names: Danbooru’s rules in order, the first failure wins', () => {
  const cases: readonly (readonly [string, string | null])[] = [
    ['alice', null],
    ['Alice_B.c-d', null],
    ['東方ファン', null],
    ['한국어', null],
    ['a', 'must be more than 1 character long'],
    ['', 'must be more than 1 character long'],
    ['a'.repeat(25), 'must be less than 25 characters long'],
    ['a'.repeat(24), null],
    ['al ice', "can't contain whitespace"],
    ['al\u200Bice', "can't contain whitespace"],
    ['al\u3164ice', "can't contain whitespace"],
    ['_alice', "can't start with '_'"],
    ['alice.', "can't end with '.'"],
    ['alice.json', "can't end with a file extension"],
    ['alice.JPG', "can't end with a file extension"],
    ['al__ice', "can't contain multiple underscores in a row"],
    ['al!ice', "can't contain '!'"],
    ['a@b#c', "can't contain '@' and '#'"],
    ['a@b#c$d', "can't contain '@', '#', and '$'"],
    ['alicé', 'must contain only basic letters or numbers'],
    ['user_123', "can't be the same as a deleted user"],
    ['User_9', "can't be the same as a deleted user"],
    ['Admin', "is a reserved name and can't be used"],
    ['custom_style', "is a reserved name and can't be used"],
    ['banned', "is a reserved name and can't be used"],
  ];
  for (const [name, expected] of cases) assert.equal(danbooruNameProblem(name), expected, name);
});

test('signup body', () => {
  assert.deepEqual(parseSignup({ name: 'alice', password: 'secret1', password_confirmation: 'secret1', email_address: { address: ' a@example.com ' } }), {
    input: { name: 'alice', password: 'secret1', email: 'a@example.com' },
    errors: null,
  });
  assert.deepEqual(parseSignup({ name: 'alice', password: 'secret1', email: 'b@example.com' }).input.email, 'b@example.com');
  assert.deepEqual(parseSignup({ name: 'a', password: 'abc', password_confirmation: 'abd', email: 'nope' }), {
    input: { name: 'a', password: 'abc', email: 'nope' },
    errors: {
      name: ['must be more than 1 character long'],
      password: ['is too short (minimum is 5 characters)'],
      password_confirmation: ["Passwords don't match"],
      email: ['is invalid'],
    },
  });
  assert.deepEqual(parseSignup(undefined).errors, { name: ['must be more than 1 character long'], password: ['is too short (minimum is 5 characters)'] });
});
