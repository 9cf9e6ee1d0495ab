import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { INVITATION_VALIDITY_MS } from '../../../src/core/orgs/invitations.js';
import { createApiKey } from '../../../src/core/auth/api-keys.js';
import { loadUserByName } from '../../../src/core/users/user-store.js';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import { cvatFixture, ORG_SLUG, root, T0_CVAT, type CvatFixture } from './http-fixture.js';

type Json = Record<string, unknown>;
interface Page<T = Json> {
  count: number;
  results: T[];
}

describe('CVAT organization context', () => {
  let f: CvatFixture;
  before(async () => {
    f = await cvatFixture();
  });
  after(() => f.close());

  test('X-Organization, org and org_id give the same members', async () => {
    const byHeader = (await f.request('worker', 'GET', '/api/users', { headers: { 'x-organization': ORG_SLUG } })).json() as Page;
    const bySlug = (await f.request('worker', 'GET', `/api/users?org=${ORG_SLUG}`)).json() as Page;
    const byId = (await f.request('worker', 'GET', `/api/users?org_id=${f.org.id}`)).json() as Page;
    assert.equal(byHeader.count, 4);
    assert.deepEqual(bySlug, byHeader);
    assert.deepEqual(byId.results, byHeader.results);
  });

  test('org_id with org or the header is 400; org and the header differing is 400', async () => {
    const both = await f.request('worker', 'GET', `/api/users?org_id=${f.org.id}&org=${ORG_SLUG}`);
    assert.equal(both.statusCode, 400);
    assert.deepEqual(both.json(), ['You cannot specify "org_id" query parameter with "org" query parameter or "X-Organization" HTTP header at the same time.']);
    const header = await f.request('worker', 'GET', `/api/users?org_id=${f.org.id}`, { headers: { 'x-organization': ORG_SLUG } });
    assert.equal(header.statusCode, 400);
    const differ = await f.request('worker', 'GET', '/api/users?org=other', { headers: { 'x-organization': ORG_SLUG } });
    assert.equal(differ.statusCode, 400);
    assert.deepEqual(differ.json(), ['You cannot specify "org" query parameter and "X-Organization" HTTP header with different values.']);
  });

  test('an unknown organization is 404', async () => {
    const response = await f.request('worker', 'GET', '/api/users?org=nope');
    assert.equal(response.statusCode, 404);
    assert.deepEqual(response.json(), { detail: 'nope organization does not exist.' });
  });

  test('org= (empty) lists users with no membership', async () => {
    const page = (await f.request('admin', 'GET', '/api/users?org=')).json() as Page<{ username: string }>;
    assert.deepEqual(page.results.map((u) => u.username).sort(), ['admin_user', 'outsider_user']);
  });
});

describe('CVAT organizations, memberships, invitations', () => {
  let f: CvatFixture;
  before(async () => {
    f = await cvatFixture();
  });
  after(() => f.close());

  test('organizations CRUD with CVAT fields', async () => {
    const created = await f.request('outsider', 'POST', '/api/organizations', {
      payload: { slug: 'labs', name: 'Labs', contact: { email: 'labs@example.org' } },
    });
    assert.equal(created.statusCode, 201);
    const org = created.json() as Json;
    assert.deepEqual(Object.keys(org), ['id', 'slug', 'name', 'description', 'created_date', 'updated_date', 'contact', 'owner']);
    assert.deepEqual(org.owner, {
      url: `${root(f)}/api/users/${f.users.outsider.id}`,
      id: f.users.outsider.id,
      username: 'outsider_user',
      first_name: '',
      last_name: '',
    });
    assert.equal(org.created_date, T0_CVAT);
    const dup = await f.request('worker', 'POST', '/api/organizations', { payload: { slug: 'labs' } });
    assert.equal(dup.statusCode, 400);
    assert.deepEqual(dup.json(), { slug: ['organization with this slug already exists.'] });
    const patched = await f.request('outsider', 'PATCH', `/api/organizations/${String(org.id)}`, { payload: { description: 'We test' } });
    assert.equal((patched.json() as Json).description, 'We test');
    assert.equal((await f.request('worker', 'GET', `/api/organizations/${String(org.id)}`)).statusCode, 403);
    const mine = (await f.request('outsider', 'GET', '/api/organizations')).json() as Page;
    assert.deepEqual(
      mine.results.map((o) => o.slug),
      ['labs'],
    );
    assert.equal(((await f.request('admin', 'GET', '/api/organizations')).json() as Page).count, 2);
    assert.equal((await f.request('worker', 'DELETE', `/api/organizations/${String(org.id)}`)).statusCode, 403);
    assert.equal((await f.request('outsider', 'DELETE', `/api/organizations/${String(org.id)}`)).statusCode, 204);
    assert.equal((await f.request('outsider', 'GET', `/api/organizations/${String(org.id)}`)).statusCode, 404);
  });

  test('organization list: name, slug, owner, id filters, search over name and owner, sort, JSON Logic', async () => {
    for (const [slug, name, as] of [
      ['alpha', 'Alpha Lab', 'maintainer'],
      ['beta', 'Beta Works', 'maintainer'],
      ['gamma', 'Gamma', 'outsider'],
    ] as const) {
      assert.equal((await f.request(as, 'POST', '/api/organizations', { payload: { slug, name } })).statusCode, 201);
    }
    const slugs = async (query: string, as: 'admin' | 'maintainer' = 'admin'): Promise<string[]> => {
      const response = await f.request(as, 'GET', `/api/organizations?${query}`);
      assert.equal(response.statusCode, 200, response.body);
      return (response.json() as Page<{ slug: string }>).results.map((o) => o.slug);
    };
    assert.deepEqual(await slugs(''), ['gamma', 'beta', 'alpha', ORG_SLUG]);
    assert.deepEqual(await slugs('', 'maintainer'), ['beta', 'alpha', ORG_SLUG]);
    assert.deepEqual(await slugs('name=Gamma'), ['gamma']);
    assert.deepEqual(await slugs('name=gamma'), []);
    assert.deepEqual(await slugs('slug=beta'), ['beta']);
    assert.deepEqual(await slugs('owner=maintainer_user&sort=slug'), ['alpha', 'beta']);
    assert.deepEqual(await slugs(`id=${f.org.id}`), [ORG_SLUG]);
    assert.deepEqual(await slugs('search=LAB'), ['alpha']);
    assert.deepEqual(await slugs('search=outsider_us'), ['gamma']);
    assert.deepEqual(await slugs('sort=name'), ['alpha', 'beta', 'gamma', ORG_SLUG]);
    assert.deepEqual(await slugs(`filter=${encodeURIComponent('{"in":["a",{"var":"slug"}]}')}&sort=-slug`), [ORG_SLUG, 'gamma', 'beta', 'alpha']);
    const bad = await f.request('admin', 'GET', '/api/organizations?id=x');
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(bad.json(), { id: ['Enter a number.'] });
  });

  test('memberships: filters by org, role and user; visibility', async () => {
    const all = (await f.request('owner', 'GET', `/api/memberships?org=${ORG_SLUG}`)).json() as Page<{ role: string; user: { username: string } }>;
    assert.equal(all.count, 4);
    const roles = (await f.request('owner', 'GET', `/api/memberships?org=${ORG_SLUG}&role=worker`)).json() as Page<{ user: { username: string } }>;
    assert.deepEqual(
      roles.results.map((m) => m.user.username),
      ['worker_user'],
    );
    const byUser = (await f.request('owner', 'GET', `/api/memberships?org=${ORG_SLUG}&user=maintainer_user`)).json() as Page<{ role: string }>;
    assert.deepEqual(
      byUser.results.map((m) => m.role),
      ['maintainer'],
    );
    assert.equal(((await f.request('owner', 'GET', `/api/memberships?org=${ORG_SLUG}&user=ghost`)).json() as Page).count, 0);
    const sandbox = (await f.request('worker', 'GET', '/api/memberships')).json() as Page<Json>;
    assert.deepEqual(
      sandbox.results.map((m) => [m.organization, m.role, m.is_active]),
      [[f.org.id, 'worker', true]],
    );
    assert.equal((await f.request('outsider', 'GET', `/api/memberships?org=${ORG_SLUG}`)).statusCode, 403);
  });

  test("memberships: role changes and removals follow CVAT's rules", async () => {
    const list = (await f.request('owner', 'GET', `/api/memberships?org=${ORG_SLUG}`)).json() as Page<{ id: number; role: string }>;
    const id = (role: string) => list.results.find((m) => m.role === role)!.id;
    assert.equal((await f.request('maintainer', 'PATCH', `/api/memberships/${id('worker')}`, { payload: { role: 'supervisor' } })).statusCode, 200);
    assert.equal((await f.request('maintainer', 'PATCH', `/api/memberships/${id('owner')}`, { payload: { role: 'worker' } })).statusCode, 403);
    assert.equal((await f.request('maintainer', 'PATCH', `/api/memberships/${id('maintainer')}`, { payload: { role: 'worker' } })).statusCode, 403);
    const bad = await f.request('owner', 'PATCH', `/api/memberships/${id('maintainer')}`, { payload: { role: 'boss' } });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(bad.json(), { role: ['"boss" is not a valid choice.'] });
    assert.equal((await f.request('supervisor', 'DELETE', `/api/memberships/${id('maintainer')}`)).statusCode, 403);
    assert.equal((await f.request('owner', 'DELETE', `/api/memberships/${id('owner')}`)).statusCode, 403);
    assert.equal((await f.request('supervisor', 'DELETE', `/api/memberships/${id('supervisor')}`)).statusCode, 204);
    assert.equal((await f.request('owner', 'GET', `/api/memberships/${id('supervisor')}`)).statusCode, 404);
  });

  test('invitations: create, accept, decline, resend, expiry, refusals', async () => {
    const create = (email: string, role = 'worker', as: 'owner' | 'maintainer' | 'worker' = 'owner') =>
      f.request(as, 'POST', `/api/invitations?org=${ORG_SLUG}`, { payload: { role, email } });
    assert.equal((await create('x@example.org', 'worker', 'worker')).statusCode, 403);
    const noOrg = await f.request('owner', 'POST', '/api/invitations', { payload: { role: 'worker', email: 'y@example.org' } });
    assert.equal(noOrg.statusCode, 400);
    const bad = await create('not-an-email');
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(bad.json(), { email: ['Enter a valid email address.'] });
    const member = await create('worker@example.org');
    assert.equal(member.statusCode, 400);
    assert.deepEqual(member.json(), { email: ['The user is a member of the organization already.'] });

    const invited = await create('newbie@example.org', 'supervisor', 'maintainer');
    assert.equal(invited.statusCode, 201);
    const invitation = invited.json() as Json;
    assert.deepEqual(Object.keys(invitation), ['key', 'created_date', 'owner', 'role', 'user', 'organization', 'expired', 'accepted', 'organization_info']);
    assert.deepEqual(invitation.organization_info, { id: f.org.id, slug: ORG_SLUG });
    const key = String(invitation.key);
    const newbie = (await loadUserByName(f.core, 'newbie'))!;
    const newbieKey = (await createApiKey(f.core, SYSTEM, newbie.id, { name: 'k' })).secret;
    const asNewbie = (method: 'POST' | 'GET', path: string) => f.app.inject({ method, url: `/cvat${path}`, headers: { authorization: `Token ${newbieKey}` } });

    assert.equal((await f.request('worker', 'POST', `/api/invitations/${key}/accept`)).statusCode, 403);
    assert.equal((await f.request('owner', 'POST', `/api/invitations/${key}/resend`)).statusCode, 204);
    const accepted = await asNewbie('POST', `/api/invitations/${key}/accept`);
    assert.equal(accepted.statusCode, 200);
    assert.deepEqual(accepted.json(), { organization_slug: ORG_SLUG });
    const again = await asNewbie('POST', `/api/invitations/${key}/accept`);
    assert.equal(again.statusCode, 400);
    assert.equal(again.body, '"Your invitation is already accepted."');
    const missing = await asNewbie('POST', '/api/invitations/nope/accept');
    assert.equal(missing.statusCode, 404);
    assert.deepEqual(missing.json(), { detail: 'This invitation does not exist.' });

    const declined = (await create('decliner@example.org')).json() as Json;
    const decliner = (await loadUserByName(f.core, 'decliner'))!;
    const declinerKey = (await createApiKey(f.core, SYSTEM, decliner.id, { name: 'k' })).secret;
    const decline = await f.app.inject({
      method: 'POST',
      url: `/cvat/api/invitations/${String(declined.key)}/decline`,
      headers: { authorization: `Token ${declinerKey}` },
    });
    assert.equal(decline.statusCode, 204);

    const late = (await create('late@example.org')).json() as Json;
    const lateUser = (await loadUserByName(f.core, 'late'))!;
    const lateKey = (await createApiKey(f.core, SYSTEM, lateUser.id, { name: 'k' })).secret;
    f.clock.now += INVITATION_VALIDITY_MS + 1;
    const listed = (await f.request('owner', 'GET', `/api/invitations?org=${ORG_SLUG}`)).json() as Page<Json>;
    assert.equal(listed.results.find((i) => i.key === late.key)?.expired, true);
    const expired = await f.app.inject({
      method: 'POST',
      url: `/cvat/api/invitations/${String(late.key)}/accept`,
      headers: { authorization: `Token ${lateKey}` },
    });
    assert.equal(expired.statusCode, 400);
    assert.equal(expired.body, '"Your invitation is expired. Please contact organization owner to renew it."');
    assert.equal((await f.request('owner', 'DELETE', `/api/invitations/${String(late.key)}`)).statusCode, 204);
  });
});
