import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { XMLValidator } from 'fast-xml-parser';
import { findUnstorableCharacter } from '../../src/core/text.js';
import { TEST_ENGINE } from '../support/database.js';
import { fuzzFixture, type FuzzFixture } from './fuzz-fixture.js';

/** What the hostile-input work found, one regression test each, named for the finding. */
describe(`hostile-input findings (${TEST_ENGINE})`, () => {
  let f: FuzzFixture;
  const [ownerBearer, ownerBasic] = ['Bearer', 'Basic'].map((scheme) => (): string => {
    const value = f.credentials.valid.find((header) => header.startsWith(scheme));
    return value!;
  }) as [() => string, () => string];

  before(async () => {
    f = await fuzzFixture();
  });
  after(async () => f.close());

  it("regression: a ban reason with a control character can no longer make Danbooru's /bans.xml unreadable XML", async () => {
    const created = await f.app.inject({
      method: 'POST',
      url: '/danbooru/bans.json',
      headers: { authorization: ownerBasic() },
      payload: { ban: { user_id: 1, reason: 'spam \u0001 \uffff', duration: '1d' } },
    });
    assert.equal(created.statusCode, 400, created.body);
    assert.match((created.json() as { message: string }).message, /ban\.reason must not contain control characters/);
    const listing = await f.app.inject({ method: 'GET', url: '/danbooru/bans.xml', headers: { authorization: ownerBasic() } });
    assert.equal(listing.statusCode, 200);
    assert.equal(XMLValidator.validate(listing.body), true);
    assert.ok(!listing.body.includes('\u0001'));
  });

  it('regression: an unpaired surrogate is refused (400) instead of being stored as U+FFFD', async () => {
    const response = await f.app.inject({
      method: 'PATCH',
      url: '/v1/users/1',
      headers: { authorization: ownerBearer(), 'content-type': 'application/json' },
      payload: '{"display_name":"x\\ud800y"}',
    });
    assert.equal(response.statusCode, 400, response.body);
    assert.equal((response.json() as { error: { param: string; code: string } }).error.code, 'invalid_param');
  });

  it('regression: a NUL in the query of a route outside every dialect (/docs) is a 400 in the native shape, not a bare 500', async () => {
    const response = await f.app.inject({ method: 'GET', url: '/docs?id=%00' });
    assert.equal(response.statusCode, 400, response.body);
    assert.deepEqual((response.json() as { error: { code: string } }).error.code, 'invalid_param');
  });

  it('tab, newline, return and paired surrogates (emoji) are still fine', () => {
    assert.equal(findUnstorableCharacter({ bio: 'line\none\ttwo\r\n 😀 漢字' }), null);
    assert.equal(findUnstorableCharacter({ a: { b: ['ok', 'bell\u0007'] } }), 'a.b.1');
    assert.equal(findUnstorableCharacter({ 'key\u001f': 1 }), '(key)');
  });
});
