import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApiKey, revokeApiKey } from '../../../src/core/auth/api-keys.js';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import { banUser, muteUser, liftSanction } from '../../../src/core/moderation/moderation.js';
import { addSubscription, cancelSubscription, SUBSCRIPTION_TIERS } from '../../../src/core/orgs/subscriptions.js';
import { deleteUser, renameUser } from '../../../src/core/users/users.js';
import { settleChanges, statementsDuring } from '../../support/statements.js';
import { civitaiFixture, stableHeaders, type CivitaiFixture } from './fixture.js';

const DAY = 24 * 60 * 60 * 1000;

let f: CivitaiFixture;
before(async () => {
  f = await civitaiFixture();
});
after(() => f.close());

const me = (headers: Record<string, string>, query = '') => f.request('GET', `/api/v1/me${query}`, headers);
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe('GET /api/v1/me', () => {
  test('answers the token owner as the seed documents: id, username, tier, status, isMember, subscriptions', async () => {
    const { user, key } = await f.user('you');
    const response = await me(bearer(key));
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^application\/json/);
    assert.deepEqual(response.json(), { id: user.id, username: 'you', tier: 'free', status: 'active', isMember: false, subscriptions: [] });
    assert.deepEqual(Object.keys(response.json()), ['id', 'username', 'tier', 'status', 'isMember', 'subscriptions']);
  });

  test('the token may come as the token query parameter, and any scheme word is read as Bearer', async () => {
    const { user, key } = await f.user('query_user');
    const viaQuery = await me({}, `?token=${encodeURIComponent(key)}`);
    assert.equal(viaQuery.statusCode, 200);
    assert.equal(viaQuery.json().id, user.id);
    const viaToken = await me({ authorization: `Token ${key}` });
    assert.equal(viaToken.json().id, user.id);
    // The header wins over the query parameter.
    const { key: other } = await f.user('query_other');
    assert.equal((await me(bearer(key), `?token=${encodeURIComponent(other)}`)).json().id, user.id);
  });

  test('each tier is reported, the highest active one wins, and isMember is true unless free', async () => {
    for (const tier of SUBSCRIPTION_TIERS) {
      const { user, key } = await f.user(`tier_${tier}`);
      await addSubscription(f.core, SYSTEM, { userId: user.id, product: `${tier}-monthly`, tier });
      const body = (await me(bearer(key))).json();
      assert.equal(body.tier, tier);
      assert.equal(body.isMember, tier !== 'free', tier);
      assert.deepEqual(body.subscriptions, [`${tier}-monthly`]);
    }
    const { user, key } = await f.user('many_tiers');
    await addSubscription(f.core, SYSTEM, { userId: user.id, product: 'bronze-plan', tier: 'bronze' });
    await addSubscription(f.core, SYSTEM, { userId: user.id, product: 'gold-plan', tier: 'gold' });
    await addSubscription(f.core, SYSTEM, { userId: user.id, product: 'founder-plan', tier: 'founder' });
    const body = (await me(bearer(key))).json();
    assert.equal(body.tier, 'gold');
    assert.equal(body.isMember, true);
    assert.deepEqual([...body.subscriptions].sort(), ['bronze-plan', 'founder-plan', 'gold-plan']);
  });

  test('subscriptions lists active products only, each once; canceled and expired ones count for nothing', async () => {
    const { user, key } = await f.user('lapsed');
    const canceled = await addSubscription(f.core, SYSTEM, { userId: user.id, product: 'monthly', tier: 'gold' });
    await cancelSubscription(f.core, SYSTEM, canceled.id);
    await addSubscription(f.core, SYSTEM, { userId: user.id, product: 'trial', tier: 'silver', expiresAt: f.clock.now + DAY });
    assert.deepEqual((await me(bearer(key))).json(), {
      id: user.id,
      username: 'lapsed',
      tier: 'silver',
      status: 'active',
      isMember: true,
      subscriptions: ['trial'],
    });
    f.clock.now += 2 * DAY;
    try {
      assert.deepEqual((await me(bearer(key))).json(), { id: user.id, username: 'lapsed', tier: 'free', status: 'active', isMember: false, subscriptions: [] });
      await addSubscription(f.core, SYSTEM, { userId: user.id, product: 'annual', tier: 'bronze' });
      await addSubscription(f.core, SYSTEM, { userId: user.id, product: 'annual', tier: 'bronze' });
      assert.deepEqual((await me(bearer(key))).json().subscriptions, ['annual']);
    } finally {
      f.clock.now -= 2 * DAY;
    }
  });

  test('status is muted while a mute is in force, active again once it is lifted', async () => {
    const { user, key } = await f.user('muted_user');
    const mute = await muteUser(f.core, SYSTEM, { userId: user.id, reason: 'spam', durationMs: DAY });
    assert.equal((await me(bearer(key))).json().status, 'muted');
    await liftSanction(f.core, SYSTEM, mute.id);
    assert.equal((await me(bearer(key))).json().status, 'active');
  });

  test('every kind of bad token gets the identical 401: same status, body and headers', async () => {
    const { user: banned, key: bannedKey } = await f.user('banned_user');
    const { user: deleted, key: deletedKey } = await f.user('deleted_user');
    const { user: holder } = await f.user('key_holder');
    const expired = await createApiKey(f.core, SYSTEM, holder.id, { name: 'short', expiresAt: f.clock.now + 1000 });
    const revoked = await createApiKey(f.core, SYSTEM, holder.id, { name: 'gone' });
    await revokeApiKey(f.core, SYSTEM, revoked.apiKey.id);
    // Looked up once while valid, so that the refusals below also cover cached credentials.
    assert.equal((await me(bearer(bannedKey))).statusCode, 200);
    await banUser(f.core, SYSTEM, { userId: banned.id, reason: 'abuse', durationMs: null });
    await deleteUser(f.core, SYSTEM, deleted.id);
    f.clock.now += 2000;
    const origin = { origin: 'https://civitai.example' };
    try {
      const cases: Record<string, () => ReturnType<typeof me>> = {
        missing: () => me(origin),
        'empty header': () => me({ ...origin, authorization: '' }),
        'scheme only': () => me({ ...origin, authorization: 'Bearer' }),
        'malformed header': () => me({ ...origin, authorization: 'Bearer a b c' }),
        'empty token parameter': () => me(origin, '?token='),
        'repeated token parameter': () => me(origin, '?token=a&token=b'),
        'over-long token': () => me({ ...origin, ...bearer('x'.repeat(5000)) }),
        unknown: () => me({ ...origin, ...bearer('this-is-not-a-key-of-anyone-at-all-00000000') }),
        'unknown in the query': () => me(origin, '?token=nope'),
        expired: () => me({ ...origin, ...bearer(expired.secret) }),
        revoked: () => me({ ...origin, ...bearer(revoked.secret) }),
        'banned owner': () => me({ ...origin, ...bearer(bannedKey) }),
        'deleted owner': () => me({ ...origin, ...bearer(deletedKey) }),
      };
      let reference: { headers: Record<string, unknown>; body: string } | null = null;
      for (const [kind, send] of Object.entries(cases)) {
        const response = await send();
        assert.equal(response.statusCode, 401, kind);
        assert.equal(response.body, '{"error":"Unauthorized"}', kind);
        const seen = { headers: stableHeaders(response), body: response.body };
        reference ??= seen;
        assert.deepEqual(seen, reference, `${kind} differs from the others`);
      }
      assert.equal(reference?.headers['content-type'], 'application/json; charset=utf-8');
      assert.equal(reference?.headers['cache-control'], 'private, no-store');
    } finally {
      f.clock.now -= 2000;
    }
  });

  test('other methods get 405 {"error":"Method not allowed"}, before any token is looked at', async () => {
    const { key } = await f.user('method_user');
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
      for (const headers of [{}, bearer(key)]) {
        const response = await f.request(method, '/api/v1/me', headers);
        assert.equal(response.statusCode, 405, method);
        assert.deepEqual(response.json(), { error: 'Method not allowed' });
        assert.equal(response.headers['access-control-allow-credentials'], 'true');
      }
    }
    const head = await f.request('HEAD', '/api/v1/me', bearer(key));
    assert.equal(head.statusCode, 200);
  });
});

describe('GET /api/v1/me once warm: no SQL, and every change heard on the next request', () => {
  test('a warm request runs no statement and answers the same body', async () => {
    const { user, key } = await f.user('warm_me');
    await addSubscription(f.core, SYSTEM, { userId: user.id, product: 'gold-plan', tier: 'gold' });
    await settleChanges(f.core);
    const first = await me(bearer(key));
    const { result, statements } = await statementsDuring(f.core, () => me(bearer(key)));
    assert.deepEqual(statements, []);
    assert.equal(result.statusCode, 200);
    assert.equal(result.body, first.body);
  });

  test('subscriptions added and canceled, a rename, a ban and a revoked key show on the next request', async () => {
    const { user, key } = await f.user('changing_me');
    assert.equal((await me(bearer(key))).json().tier, 'free');
    const subscription = await addSubscription(f.core, SYSTEM, { userId: user.id, product: 'silver-plan', tier: 'silver' });
    assert.deepEqual((await me(bearer(key))).json().subscriptions, ['silver-plan']);
    await cancelSubscription(f.core, SYSTEM, subscription.id);
    assert.equal((await me(bearer(key))).json().tier, 'free');
    await renameUser(f.core, SYSTEM, user.id, 'renamed_me');
    assert.equal((await me(bearer(key))).json().username, 'renamed_me');
    const ban = await banUser(f.core, SYSTEM, { userId: user.id, reason: 'spam', durationMs: null });
    assert.equal((await me(bearer(key))).statusCode, 401);
    await liftSanction(f.core, SYSTEM, ban.id);
    assert.equal((await me(bearer(key))).statusCode, 200);
    const second = await createApiKey(f.core, SYSTEM, user.id, { name: 'second' });
    assert.equal((await me(bearer(second.secret))).statusCode, 200);
    await revokeApiKey(f.core, SYSTEM, second.apiKey.id);
    assert.equal((await me(bearer(second.secret))).statusCode, 401);
    assert.equal((await me(bearer(key))).statusCode, 200);
  });
});
