import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser } from '../../../src/core/users/users.js';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import { HOSTILE_PATHS } from '../../../bench/scenarios/hostile.js';
import { danbooruError, danbooruFixture, type DanbooruFixture } from './http-fixture.js';

/**
 * Hostile searches an anonymous caller can send (issue 6): each is answered quickly, by a
 * bounded query or a clear refusal, never by a stalled event loop.
 */
describe('Danbooru: hostile searches', () => {
  let f: DanbooruFixture;
  const get = async (query: string) => f.request(null, 'GET', `/danbooru/users.json?${query}`);

  before(async () => {
    f = await danbooruFixture();
    // A backtracking engine needs 2^n steps to fail `^(a+)+_$` on n `a`s; RE2 needs n.
    await createUser(f.core, SYSTEM, { name: 'a'.repeat(60), level: 20, password: null });
  });
  after(() => f.close());

  // The timeout only stops a regression from hanging the suite (2^60 steps); the test asserts behaviour.
  test('a catastrophic-backtracking pattern runs in linear time and matches what it should', { timeout: 60_000 }, async () => {
    const none = await get(`search[name_regex]=${encodeURIComponent('^(a+)+_$')}`);
    assert.equal(none.statusCode, 200, none.body);
    assert.deepEqual(none.json(), []);
    const all = await get(`search[name_regex]=${encodeURIComponent('^(a+)+$')}`);
    assert.deepEqual((all.json() as { name: string }[]).map((user) => user.name), ['a'.repeat(60)]);
  });

  test('a back-reference, which no linear-time engine runs, gets Danbooru’s bad-pattern answer', async () => {
    const response = await get(`search[name_regex]=${encodeURIComponent('(a)\\1')}`);
    assert.equal(response.statusCode, 400, response.body);
    assert.equal(danbooruError(response).error, 'ActiveRecord::StatementInvalid');
  });

  test('a pattern longer than 256 characters is refused the same way', async () => {
    const response = await get(`search[name_regex]=${'a'.repeat(257)}`);
    assert.equal(response.statusCode, 400, response.body);
    assert.match(danbooruError(response).message, /at most 256 characters/);
  });
});

describe('Danbooru: only= bounds', () => {
  let f: DanbooruFixture;
  before(async () => {
    f = await danbooruFixture();
  });
  after(() => f.close());

  test('an only= longer than 1024 characters is a bad request', async () => {
    const response = await f.request(null, 'GET', `/danbooru/users.json?only=id,${'a'.repeat(1100)}`);
    assert.equal(response.statusCode, 400, response.body);
    assert.equal(danbooruError(response).error, 'ActionController::BadRequest');
    assert.match(danbooruError(response).message, /only= is limited to 1024 characters/);
  });

  test('an only= nested deeper than 5 levels is a bad request; 5 levels still answer', async () => {
    const nested = (depth: number): string => `${'inviter['.repeat(depth)}id${']'.repeat(depth)}`;
    const deep = await f.request(null, 'GET', `/danbooru/users.json?only=${nested(7)}`);
    assert.equal(deep.statusCode, 400, deep.body);
    assert.match(danbooruError(deep).message, /nests at most 5 levels/);
    const fine = await f.request(null, 'GET', `/danbooru/users.json?only=id,${nested(5)}`);
    assert.equal(fine.statusCode, 200, fine.body);
  });
});

describe('every hostile bench scenario gets an answer, never a 5xx', () => {
  let f: DanbooruFixture;
  before(async () => {
    f = await danbooruFixture();
  });
  after(() => f.close());

  for (const [name, path] of HOSTILE_PATHS) {
    test(name, async () => {
      const response = await f.request(null, 'GET', path);
      assert.ok(response.statusCode === 200 || response.statusCode === 400, `${response.statusCode} ${response.body.slice(0, 200)}`);
    });
  }

  test('the native API refuses offset 10^9 at once, naming the parameter', async () => {
    const response = await f.request(null, 'GET', '/v1/users?offset=1000000000');
    assert.equal(response.statusCode, 400, response.body);
    const body = response.json() as { error: { code: string; details: { param?: string } } };
    assert.equal(body.error.code, 'invalid_param');
    assert.equal(body.error.details.param, 'offset');
  });
});
