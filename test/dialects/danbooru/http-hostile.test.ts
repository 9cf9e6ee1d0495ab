import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser } from '../../../src/core/users/users.js';
import { SYSTEM } from '../../../src/core/access/viewer.js';
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
