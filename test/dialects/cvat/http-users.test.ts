import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { banUser } from '../../../src/core/moderation/moderation.js';
import { createUser } from '../../../src/core/users/users.js';
import { deleteUser } from '../../../src/core/users/user-delete.js';
import { listNameChanges } from '../../../src/query/list-name-changes.js';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import { cvatFixture, root, T0_CVAT, type CvatFixture } from './http-fixture.js';

type Json = Record<string, unknown>;

describe('CVAT users: serializers, self, detail, update, delete', () => {
  let f: CvatFixture;
  before(async () => {
    f = await cvatFixture({ passwords: ['outsider'] });
  });
  after(() => f.close());

  test('self, written by its compiled response schema, is byte for byte the detail of oneself (JSON.stringify)', async () => {
    for (const name of ['worker', 'admin'] as const) {
      const self = await f.request(name, 'GET', '/api/users/self');
      const detail = await f.request(name, 'GET', `/api/users/${f.users[name].id}`);
      assert.equal(self.statusCode, 200);
      assert.equal(self.body, detail.body);
    }
  });

  test('self is the full serializer, in CVAT field order, with "" for unset names', async () => {
    const response = await f.request('worker', 'GET', '/api/users/self');
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], 'application/vnd.cvat+json');
    const body = response.json() as Json;
    assert.deepEqual(Object.keys(body), [
      'url',
      'id',
      'username',
      'first_name',
      'last_name',
      'email',
      'groups',
      'is_staff',
      'is_superuser',
      'is_active',
      'last_login',
      'date_joined',
      'has_analytics_access',
    ]);
    assert.deepEqual(body, {
      url: `${root(f)}/api/users/${f.users.worker.id}`,
      id: f.users.worker.id,
      username: 'worker_user',
      first_name: '',
      last_name: '',
      email: 'worker@example.org',
      groups: ['user'],
      is_staff: false,
      is_superuser: false,
      is_active: true,
      last_login: null,
      date_joined: T0_CVAT,
      has_analytics_access: false,
    });
  });

  test('an admin is superuser and staff in group admin, with analytics access', async () => {
    const body = (await f.request('admin', 'GET', '/api/users/self')).json() as Json;
    assert.deepEqual([body.groups, body.is_staff, body.is_superuser, body.has_analytics_access], [['admin'], true, true, true]);
  });

  test('a member reading another member gets the basic serializer; an admin the full one', async () => {
    const basic = (await f.request('worker', 'GET', `/api/users/${f.users.owner.id}`)).json() as Json;
    assert.deepEqual(basic, { url: `${root(f)}/api/users/${f.users.owner.id}`, id: f.users.owner.id, username: 'owner_user', first_name: '', last_name: '' });
    const full = (await f.request('admin', 'GET', `/api/users/${f.users.owner.id}`)).json() as Json;
    assert.equal(full.email, 'owner@example.org');
  });

  test('own detail is full; own row in the list is basic', async () => {
    const own = (await f.request('outsider', 'GET', `/api/users/${f.users.outsider.id}`)).json() as Json;
    assert.equal(own.email, 'outsider@example.org');
    const list = (await f.request('outsider', 'GET', '/api/users')).json() as { count: number; results: Json[] };
    assert.equal(list.count, 1);
    assert.deepEqual(Object.keys(list.results[0]!), ['url', 'id', 'username', 'first_name', 'last_name']);
  });

  test('404s: a missing id, a non-numeric id', async () => {
    const missing = await f.request('admin', 'GET', '/api/users/999999');
    assert.equal(missing.statusCode, 404);
    assert.deepEqual(missing.json(), { detail: 'No User matches the given query.' });
    const word = await f.request('admin', 'GET', '/api/users/abc');
    assert.equal(word.statusCode, 404);
    assert.deepEqual(word.json(), { detail: 'Not found.' });
  });

  test('PUT is 405; so are writes to /self and POST to the list', async () => {
    for (const [method, path] of [
      ['PUT', `/api/users/${f.users.worker.id}`],
      ['POST', '/api/users'],
      ['PATCH', '/api/users/self'],
    ] as const) {
      const response = await f.request('admin', method, path, { payload: {} });
      assert.equal(response.statusCode, 405);
      assert.deepEqual(response.json(), { detail: `Method "${method}" not allowed.` });
    }
  });

  test('users update their own first_name, last_name and email (seed)', async () => {
    const response = await f.request('supervisor', 'PATCH', `/api/users/${f.users.supervisor.id}`, {
      payload: { first_name: 'Sue', last_name: 'Per', email: 'sue@example.org' },
    });
    assert.equal(response.statusCode, 200);
    const body = response.json() as Json;
    assert.deepEqual([body.first_name, body.last_name, body.email], ['Sue', 'Per', 'sue@example.org']);
  });

  test('users may not change their username, groups, flags; nor another user', async () => {
    for (const payload of [{ username: 'renamed' }, { groups: ['admin'] }, { is_staff: true }, { is_superuser: true }, { is_active: false }]) {
      const response = await f.request('worker', 'PATCH', `/api/users/${f.users.worker.id}`, { payload });
      assert.equal(response.statusCode, 403, JSON.stringify(payload));
      assert.deepEqual(response.json(), { detail: 'You do not have permission to perform this action.' });
    }
    const other = await f.request('owner', 'PATCH', `/api/users/${f.users.worker.id}`, { payload: { first_name: 'X' } });
    assert.equal(other.statusCode, 403);
  });

  test('an unknown key is 403 before validation', async () => {
    const response = await f.request('worker', 'PATCH', `/api/users/${f.users.worker.id}`, { payload: { password: 'x', first_name: 5 } });
    assert.equal(response.statusCode, 403);
    assert.deepEqual(response.json(), { detail: 'Attempted to update an unknown field' });
  });

  test("validation errors are DRF's field lists", async () => {
    const cases: [Json, Json][] = [
      [{ username: 'bad name!' }, { username: ['Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.'] }],
      [{ email: 'nope' }, { email: ['Enter a valid email address.'] }],
      [{ first_name: 'x'.repeat(151) }, { first_name: ['Ensure this field has no more than 150 characters.'] }],
      [{ groups: ['x'] }, { groups: ['Object with name=x does not exist.'] }],
      [{ is_active: 'maybe' }, { is_active: ['Must be a valid boolean.'] }],
    ];
    for (const [payload, expected] of cases) {
      const response = await f.request('admin', 'PATCH', `/api/users/${f.users.outsider.id}`, { payload });
      assert.equal(response.statusCode, 400, JSON.stringify(payload));
      assert.deepEqual(response.json(), expected);
    }
    const taken = await f.request('admin', 'PATCH', `/api/users/${f.users.outsider.id}`, { payload: { username: 'owner_user' } });
    assert.equal(taken.statusCode, 400);
    assert.deepEqual(taken.json(), { username: ['A user with that username already exists.'] });
  });

  test("an admin's username change is a core rename, recorded in the name history", async () => {
    const user = await createUser(f.core, SYSTEM, { name: 'to_rename' });
    const response = await f.request('admin', 'PATCH', `/api/users/${user.id}`, { payload: { username: 'renamed_one' } });
    assert.equal(response.statusCode, 200);
    assert.equal((response.json() as Json).username, 'renamed_one');
    const history = await listNameChanges(f.core, SYSTEM, {
      filter: { kind: 'cmp', field: 'user_id', op: 'eq', value: user.id },
      sort: [],
      page: { kind: 'offset', limit: 10, offset: 0 },
    });
    assert.deepEqual(
      history.items.map((c) => [c.old_name, c.new_name, c.actor_id]),
      [['to_rename', 'renamed_one', f.users.admin.id]],
    );
  });

  test('admins set groups and is_active: worker ↔ Restricted, inactive ↔ banned', async () => {
    const user = await createUser(f.core, SYSTEM, { name: 'group_target' });
    const worker = (await f.request('admin', 'PATCH', `/api/users/${user.id}`, { payload: { groups: ['worker'] } })).json() as Json;
    assert.deepEqual(worker.groups, ['worker']);
    const inactive = (await f.request('admin', 'PATCH', `/api/users/${user.id}`, { payload: { is_active: false } })).json() as Json;
    assert.equal(inactive.is_active, false);
    const active = (await f.request('admin', 'PATCH', `/api/users/${user.id}`, { payload: { is_active: true, groups: ['user'] } })).json() as Json;
    assert.deepEqual([active.is_active, active.groups], [true, ['user']]);
  });

  test('a banned user is inactive; a deleted user is 404 to non-admins', async () => {
    const banned = await createUser(f.core, SYSTEM, { name: 'banned_one' });
    await banUser(f.core, SYSTEM, { userId: banned.id, reason: 'spam', durationMs: null });
    assert.equal(((await f.request('admin', 'GET', `/api/users/${banned.id}`)).json() as Json).is_active, false);
    const inactive = (await f.request('admin', 'GET', '/api/users?is_active=false')).json() as { results: Json[] };
    assert.ok(inactive.results.some((u) => u.id === banned.id));
    const doomed = await createUser(f.core, SYSTEM, { name: 'doomed_one' });
    // Only the Owner deletes others (core policy): an Admin's DELETE is refused; the system deletes it here.
    assert.equal((await f.request('admin', 'DELETE', `/api/users/${doomed.id}`)).statusCode, 403);
    await deleteUser(f.core, SYSTEM, doomed.id);
    assert.equal((await f.request('owner', 'GET', `/api/users/${doomed.id}`)).statusCode, 404);
    const seen = (await f.request('admin', 'GET', `/api/users/${doomed.id}`)).json() as Json;
    assert.deepEqual([seen.is_active, seen.username], [false, `user_${doomed.id}`]);
  });

  test('users delete themselves (with their password); not others', async () => {
    assert.equal((await f.request('worker', 'DELETE', `/api/users/${f.users.outsider.id}`)).statusCode, 403);
    const response = await f.request('outsider', 'DELETE', `/api/users/${f.users.outsider.id}`, { payload: { password: 'correct horse battery' } });
    assert.equal(response.statusCode, 204);
    assert.equal(response.body, '');
  });
});
