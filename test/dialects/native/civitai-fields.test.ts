import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { errorCode, nativeFixture, type NativeFixture } from './fixture.js';

/** What the Civitai dialect reads, written through the native API: avatar level, subscriptions, mutes. */
let f: NativeFixture;
before(async () => {
  f = await nativeFixture();
});
after(() => f.close());

test('PATCH /v1/users/:id sets avatar_nsfw (server data: admins), and every user shows it', async () => {
  const id = f.users.member.id;
  assert.equal((await f.request('member', 'GET', `/v1/users/${id}`)).json().avatar_nsfw, 'None');
  const patched = await f.request('admin', 'PATCH', `/v1/users/${id}`, { avatar_nsfw: 'Mature' });
  assert.equal(patched.statusCode, 200, patched.body);
  assert.equal(patched.json().avatar_nsfw, 'Mature');
  assert.equal((await f.request(null, 'GET', `/v1/users/${id}`)).json().avatar_nsfw, 'Mature');
  const own = await f.request('member', 'PATCH', `/v1/users/${id}`, { avatar_nsfw: 'None' });
  assert.equal(own.statusCode, 403);
  const bad = await f.request('admin', 'PATCH', `/v1/users/${id}`, { avatar_nsfw: 'PG' });
  assert.equal(bad.statusCode, 400);
  assert.equal(errorCode(bad), 'invalid_param');
});

test('subscriptions and mutes written here are what Civitai /me reports', async () => {
  const { id } = f.users.other;
  const added = await f.request('admin', 'POST', `/v1/users/${id}/subscriptions`, { product: 'monthly', tier: 'silver' });
  assert.equal(added.statusCode, 201, added.body);
  const muted = await f.request('moderator', 'POST', '/v1/mutes', { user_id: id, reason: 'spam', duration: '1d' });
  assert.equal(muted.statusCode, 201, muted.body);
  const me = await f.app.inject({ method: 'GET', url: '/civitai/api/v1/me', headers: { authorization: `Bearer ${f.keys.other}` } });
  assert.deepEqual(me.json(), { id, username: 'other_user', tier: 'silver', status: 'muted', isMember: true, subscriptions: ['monthly'] });
  const canceled = await f.request('admin', 'DELETE', `/v1/subscriptions/${added.json().id}`);
  assert.equal(canceled.statusCode, 200);
  const after = await f.app.inject({ method: 'GET', url: '/civitai/api/v1/me', headers: { authorization: `Bearer ${f.keys.other}` } });
  assert.equal(after.json().tier, 'free');
});
