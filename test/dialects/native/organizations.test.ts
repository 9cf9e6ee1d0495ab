import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { errorCode, nativeFixture, type NativeFixture } from './fixture.js';

interface OrgJson {
  id: number;
  slug: string;
  owner_id: number;
  server_metadata?: unknown;
}

describe('native organizations', () => {
  let f: NativeFixture;
  let org: OrgJson;
  before(async () => {
    f = await nativeFixture();
    const created = await f.request('member', 'POST', '/v1/organizations', { slug: 'team1', name: 'Team One', contact: { email: 't@example.org' } });
    assert.equal(created.statusCode, 201, created.body);
    org = created.json() as OrgJson;
  });
  after(() => f.close());

  test('the creator owns it and sees it; others do not', async () => {
    assert.equal(org.owner_id, f.users.member.id);
    assert.ok(!('server_metadata' in org));
    const mine = await f.request('member', 'GET', '/v1/organizations');
    assert.deepEqual(
      mine.json().items.map((o: OrgJson) => o.slug),
      ['team1'],
    );
    assert.equal(mine.json().total, 1);
    assert.deepEqual((await f.request('other', 'GET', '/v1/organizations')).json(), { items: [], total: 0 });
    assert.equal((await f.request('other', 'GET', `/v1/organizations/${org.id}`)).statusCode, 403);
    assert.equal((await f.request(null, 'GET', `/v1/organizations/${org.id}`)).statusCode, 403);
    const admin = await f.request('admin', 'GET', `/v1/organizations/${org.id}`);
    assert.equal(admin.statusCode, 200);
    assert.ok('server_metadata' in admin.json());
  });

  test('anonymous users cannot create; bad slugs are refused', async () => {
    assert.equal((await f.request(null, 'POST', '/v1/organizations', { slug: 'anon' })).statusCode, 403);
    assert.equal((await f.request('other', 'POST', '/v1/organizations', { slug: 'team1' })).statusCode, 409);
    const bad = await f.request('other', 'POST', '/v1/organizations', { slug: "x'; drop table--" });
    assert.equal(bad.statusCode, 422);
    assert.equal(errorCode(bad), 'validation_failed');
  });

  test('invite, accept, change roles, remove', async () => {
    assert.equal((await f.request('other', 'POST', `/v1/organizations/${org.id}/invitations`, { email: 'other@example.org', role: 'worker' })).statusCode, 403);
    const invited = await f.request('member', 'POST', `/v1/organizations/${org.id}/invitations`, { email: 'other@example.org', role: 'worker' });
    assert.equal(invited.statusCode, 201, invited.body);
    const key = invited.json().key as string;
    assert.equal((await f.request('builder', 'POST', `/v1/invitations/${key}/accept`)).statusCode, 403);
    const accepted = await f.request('other', 'POST', `/v1/invitations/${key}/accept`);
    assert.equal(accepted.statusCode, 200, accepted.body);
    assert.equal(accepted.json().accepted, true);

    const members = await f.request('member', 'GET', `/v1/organizations/${org.id}/memberships`);
    assert.equal(members.statusCode, 200);
    assert.equal(members.json().total, 2);
    const worker = members.json().items.find((m: { user_id: number }) => m.user_id === f.users.other.id) as { id: number; role: string };
    assert.equal(worker.role, 'worker');

    assert.equal((await f.request('other', 'PATCH', `/v1/memberships/${worker.id}`, { role: 'maintainer' })).statusCode, 403);
    const promoted = await f.request('member', 'PATCH', `/v1/memberships/${worker.id}`, { role: 'supervisor' });
    assert.equal(promoted.statusCode, 200, promoted.body);
    assert.equal(promoted.json().role, 'supervisor');
    assert.equal((await f.request('member', 'PATCH', `/v1/memberships/${worker.id}`, { role: 'boss' })).statusCode, 400);

    const invitations = await f.request('member', 'GET', `/v1/organizations/${org.id}/invitations`);
    assert.equal(invitations.statusCode, 200);
    assert.equal(invitations.json().total, 1);

    const removed = await f.request('member', 'DELETE', `/v1/memberships/${worker.id}`);
    assert.equal(removed.statusCode, 200, removed.body);
  });

  test('declining an invitation answers 204', async () => {
    const invited = await f.request('member', 'POST', `/v1/organizations/${org.id}/invitations`, { email: 'builder@example.org', role: 'worker' });
    assert.equal(invited.statusCode, 201, invited.body);
    const declined = await f.request('builder', 'POST', `/v1/invitations/${invited.json().key}/decline`);
    assert.equal(declined.statusCode, 204, declined.body);
    assert.equal(declined.body, '');
    assert.equal((await f.request('builder', 'POST', '/v1/invitations/no-such-key/accept')).statusCode, 404);
  });

  test('update and delete: owners and admins only', async () => {
    assert.equal((await f.request('other', 'PATCH', `/v1/organizations/${org.id}`, { name: 'Hijacked' })).statusCode, 403);
    const renamed = await f.request('member', 'PATCH', `/v1/organizations/${org.id}`, { name: 'Team Uno', description: 'ünïcödé' });
    assert.equal(renamed.statusCode, 200, renamed.body);
    assert.equal(renamed.json().name, 'Team Uno');
    assert.equal((await f.request('member', 'PATCH', `/v1/organizations/${org.id}`, { owner_id: 1 })).statusCode, 400);
    const second = await f.request('builder', 'POST', '/v1/organizations', { slug: 'team2' });
    assert.equal((await f.request('member', 'DELETE', `/v1/organizations/${second.json().id}`)).statusCode, 403);
    const deleted = await f.request('admin', 'DELETE', `/v1/organizations/${second.json().id}`);
    assert.equal(deleted.statusCode, 200, deleted.body);
    assert.equal((await f.request('admin', 'GET', `/v1/organizations/${second.json().id}`)).statusCode, 404);
  });

  test('subscriptions: admins write them, users read their own', async () => {
    const url = `/v1/users/${f.users.member.id}/subscriptions`;
    assert.equal((await f.request('member', 'POST', url, { product: 'membership', tier: 'gold' })).statusCode, 403);
    const added = await f.request('admin', 'POST', url, { product: 'membership', tier: 'gold' });
    assert.equal(added.statusCode, 201, added.body);
    assert.equal(added.json().is_active, true);
    assert.equal((await f.request('admin', 'POST', url, { product: 'membership', tier: 'diamond' })).statusCode, 422);
    const own = await f.request('member', 'GET', url);
    assert.deepEqual(
      own.json().items.map((s: { tier: string }) => s.tier),
      ['gold'],
    );
    assert.equal((await f.request('other', 'GET', url)).statusCode, 403);
    assert.equal((await f.request('member', 'DELETE', `/v1/subscriptions/${added.json().id}`)).statusCode, 403);
    const canceled = await f.request('admin', 'DELETE', `/v1/subscriptions/${added.json().id}`);
    assert.equal(canceled.json().is_active, false);
  });
});
