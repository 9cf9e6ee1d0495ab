import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ANONYMOUS_MAX_OFFSET } from '../../../src/core/access/paging.js';
import { errorCode, nativeFixture, type NativeFixture } from './fixture.js';

describe('native API: anonymous callers get no count=true and no deep offsets', () => {
  let f: NativeFixture;
  before(async () => {
    f = await nativeFixture();
  });
  after(() => f.close());

  for (const path of ['/v1/users', '/v1/bans', '/v1/name-changes']) {
    test(`${path}: refused anonymously, allowed when signed in`, async () => {
      const counted = await f.request(null, 'GET', `${path}?count=true`);
      assert.equal(counted.statusCode, 403, counted.body);
      assert.equal(errorCode(counted), 'forbidden');
      const deep = await f.request(null, 'GET', `${path}?offset=${ANONYMOUS_MAX_OFFSET + 1}`);
      assert.equal(deep.statusCode, 403);
      assert.equal((await f.request(null, 'GET', `${path}?offset=${ANONYMOUS_MAX_OFFSET}`)).statusCode, 200);
      assert.equal((await f.request(null, 'GET', path)).statusCode, 200);
      assert.equal((await f.request('member', 'GET', `${path}?count=true&offset=${ANONYMOUS_MAX_OFFSET + 1}`)).statusCode, 200);
    });
  }
});
