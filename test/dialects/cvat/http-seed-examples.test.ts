import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser } from '../../../src/core/users/users.js';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import { cvatFixture, root, type CvatFixture, type Role } from './http-fixture.js';

type Json = Record<string, unknown>;
interface Page {
  count: number;
  next: string | null;
  results: Json[];
}

/** The seed's two Python examples, step by step, as `requests` sends them (`True` for a boolean). */
describe("the seed's Python examples", () => {
  let f: CvatFixture;
  before(async () => {
    f = await cvatFixture();
    for (let i = 0; i < 12; i += 1) await createUser(f.core, SYSTEM, { name: i % 3 === 0 ? `admin_fan_${i}` : `plain_${i}` });
  });
  after(() => f.close());

  const get = async (role: Role, path: string): Promise<Json> => {
    const response = await f.request(role, 'GET', path);
    assert.equal(response.statusCode, 200, response.body);
    return response.json() as Json;
  };

  test('Example: User Management', async () => {
    // current_user = GET /users/self
    const current = await get('admin', '/api/users/self');
    assert.equal(current.username, 'admin_user');
    assert.equal(current.email, 'admin@example.org');
    assert.equal(current.id, f.users.admin.id);
    // if current_user['first_name'] == "": PATCH first/last name
    assert.equal(current.first_name, '');
    const patched = await f.request('admin', 'PATCH', `/api/users/${String(current.id)}`, { payload: { first_name: 'John', last_name: 'Doe' } });
    assert.equal(patched.statusCode, 200);
    const updated = patched.json() as Json;
    assert.equal(`${String(updated.first_name)} ${String(updated.last_name)}`, 'John Doe');
    // users = GET /users params={"search": "admin", "is_active": True}
    const found = (await get('admin', '/api/users?search=admin&is_active=True')) as unknown as Page;
    // admin_user, admin_fan_0, _3, _6, _9
    assert.equal(found.count, 5);
    for (const user of found.results.slice(0, 5)) assert.equal(typeof user.username, 'string');
    // while True: GET /users page, page_size=10 until not next
    const seen: string[] = [];
    let page = 1;
    for (;;) {
      const response = (await get('admin', `/api/users?page=${page}&page_size=10`)) as unknown as Page;
      for (const user of response.results) seen.push(`${String(user.username)} - ${String(user.email)}`);
      if (!response.next) break;
      page += 1;
    }
    assert.equal(page, 2);
    assert.equal(new Set(seen).size, 6 + 12);
  });

  test('Example: User Management, as a regular user (sees only themselves)', async () => {
    const current = await get('worker', '/api/users/self');
    const patched = (
      await f.request('worker', 'PATCH', `/api/users/${String(current.id)}`, { payload: { first_name: 'John', last_name: 'Doe' } })
    ).json() as Json;
    assert.equal(`${String(patched.first_name)} ${String(patched.last_name)}`, 'John Doe');
    const found = (await get('worker', '/api/users?search=admin&is_active=True')) as unknown as Page;
    assert.equal(found.count, 0);
    const listed = (await get('worker', '/api/users?page=1&page_size=10')) as unknown as Page;
    assert.deepEqual([listed.count, listed.next], [1, null]);
  });

  test('Example: Find Users by Role, on an organization built through the API', async () => {
    // POST /api/organizations {slug, name} → 201
    const created = await f.request('owner', 'POST', '/api/organizations', { payload: { slug: 'seed-team', name: 'Seed Team' } });
    assert.equal(created.statusCode, 201);
    // POST /api/invitations?org=<slug> {role, email} → 201 with the key
    const invited = await f.request('owner', 'POST', '/api/invitations?org=seed-team', { payload: { role: 'supervisor', email: 'outsider@example.org' } });
    assert.equal(invited.statusCode, 201);
    const key = String((invited.json() as Json).key);
    assert.ok(key.length > 20);
    // POST /api/invitations/{key}/accept → 200 for the invitee
    const accepted = await f.request('outsider', 'POST', `/api/invitations/${key}/accept`);
    assert.equal(accepted.statusCode, 200);
    // The new member appears in GET /api/users?org=<slug> and /api/memberships
    const members = (await get('owner', '/api/users?org=seed-team')) as unknown as Page;
    assert.deepEqual(members.results.map((u) => u.username).sort(), ['outsider_user', 'owner_user']);

    // memberships = GET /memberships params={"org": ORG_SLUG, "role": "supervisor"}
    const memberships = (await get('admin', '/api/memberships?org=seed-team&role=supervisor')) as unknown as Page;
    assert.equal(memberships.count, 1);
    const user = memberships.results[0]!.user as Json;
    assert.deepEqual(user, {
      url: `${root(f)}/api/users/${f.users.outsider.id}`,
      id: f.users.outsider.id,
      username: 'outsider_user',
      first_name: '',
      last_name: '',
    });
    // for each: GET /users/{user_id} → Email, Last login, Member since
    const detail = await get('admin', `/api/users/${String(user.id)}`);
    assert.equal(detail.username, 'outsider_user');
    assert.equal(detail.email, 'outsider@example.org');
    assert.equal(detail.last_login, null);
    assert.equal(typeof detail.date_joined, 'string');
    // The owner may read the supervisor too, with the basic serializer (no email: CVAT's rule).
    const asOwner = await get('owner', `/api/users/${String(user.id)}`);
    assert.equal(asOwner.email, undefined);
    const ownerMemberships = (await get('owner', '/api/memberships?org=seed-team&role=supervisor')) as unknown as Page;
    assert.equal(ownerMemberships.count, 1);
  });
});
