import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import { addMembership } from '../../../src/core/orgs/memberships.js';
import { createOrganization } from '../../../src/core/orgs/organizations.js';
import { createUser, updateUser } from '../../../src/core/users/users.js';
import { knownError, stackFixture, T0, type StackFixture } from './fixture.js';

/** Every field of the seed's user object (client read), and the server-only ones (spec §3.3). */
const CLIENT_FIELDS = [
  'id',
  'primary_email',
  'primary_email_verified',
  'display_name',
  'client_metadata',
  'client_read_only_metadata',
  'profile_image_url',
  'signed_up_at_millis',
  'has_password',
  'otp_auth_enabled',
  'passkey_auth_enabled',
  'is_anonymous',
  'is_restricted',
  'restricted_reason',
  'restricted_by_admin',
  'restricted_by_admin_reason',
  'selected_team_id',
  'selected_team',
  'oauth_providers',
  'auth_with_email',
  'requires_totp_mfa',
].sort();
const SERVER_ONLY = [
  'primary_email_auth_enabled',
  'server_metadata',
  'last_active_at_millis',
  'restricted_by_admin_private_details',
  'country_code',
  'risk_scores',
];

describe('Stack Auth user reads', () => {
  let f: StackFixture;
  let alice: { access_token: string; user_id: string };
  let teamUuid: string;
  before(async () => {
    f = await stackFixture();
    alice = await f.signUp('alice@example.com');
    const aliceUser = await createUser(f.core, SYSTEM, { name: 'team_owner', email: 'owner@example.com' });
    const team = await createOrganization(f.core, SYSTEM, {
      slug: 'team1',
      name: 'My Team',
      clientMetadata: { key: 'value' },
      serverMetadata: { secret: 1 },
      ownerId: aliceUser.id,
    });
    teamUuid = team.uuid;
    const id = (await f.core.db.selectFrom('users').select('id').where('uuid', '=', alice.user_id).executeTakeFirstOrThrow()).id;
    await addMembership(f.core, SYSTEM, { organizationId: team.id, userId: id, role: 'worker' });
    await updateUser(f.core, SYSTEM, id, {
      displayName: 'Alice',
      selectedTeamId: team.id,
      clientMetadata: { a: 1 },
      clientReadOnlyMetadata: { b: 2 },
      serverMetadata: { c: 3 },
      riskScores: { sign_up: { bot: 5, free_trial_abuse: 7 } },
    });
  });
  after(() => f.close());

  test('GET /users/me with client access: exactly the client read, as the seed describes it', async () => {
    const response = await f.request({ access: 'client', url: '/api/v1/users/me', token: alice.access_token });
    assert.equal(response.statusCode, 200, response.body);
    const user = response.json() as Record<string, unknown>;
    assert.deepEqual(Object.keys(user).sort(), CLIENT_FIELDS);
    assert.equal(user.id, alice.user_id);
    assert.equal(user.primary_email, 'alice@example.com');
    assert.equal(user.primary_email_verified, false);
    assert.equal(user.display_name, 'Alice');
    assert.deepEqual(user.client_metadata, { a: 1 });
    assert.deepEqual(user.client_read_only_metadata, { b: 2 });
    assert.equal(user.signed_up_at_millis, T0);
    assert.equal(user.has_password, true);
    assert.equal(user.is_anonymous, false);
    assert.equal(user.is_restricted, false);
    assert.equal(user.restricted_reason, null);
    assert.equal(user.restricted_by_admin, false);
    assert.equal(user.restricted_by_admin_reason, null);
    assert.equal(user.selected_team_id, teamUuid);
    assert.deepEqual(user.selected_team, {
      id: teamUuid,
      display_name: 'My Team',
      profile_image_url: null,
      client_metadata: { key: 'value' },
      client_read_only_metadata: null,
    });
    assert.equal(response.headers['content-type'], 'application/json; charset=utf-8');
  });

  test('server access reads the server shape, with risk scores and the server team', async () => {
    const response = await f.request({ access: 'server', url: '/api/v1/users/me', token: alice.access_token });
    const user = response.json() as Record<string, unknown>;
    assert.deepEqual(Object.keys(user).sort(), [...CLIENT_FIELDS, ...SERVER_ONLY].sort());
    assert.deepEqual(user.server_metadata, { c: 3 });
    assert.deepEqual(user.risk_scores, { sign_up: { bot: 5, free_trial_abuse: 7 } });
    assert.equal(user.primary_email_auth_enabled, true);
    assert.equal((user.selected_team as Record<string, unknown>).created_at_millis, T0);
    assert.deepEqual((user.selected_team as Record<string, unknown>).server_metadata, { secret: 1 });
    const byId = await f.request({ access: 'admin', url: `/api/v1/users/${alice.user_id}` });
    assert.deepEqual(byId.json(), user);
    const byMe = await f.request({ access: 'server', url: '/api/v1/users/me', token: alice.access_token });
    assert.deepEqual(byMe.json(), user);
  });

  test('a user without risk scores still carries risk_scores.sign_up (the SDK reads it)', async () => {
    const created = await f.request({ access: 'server', method: 'POST', url: '/api/v1/users', body: {} });
    assert.deepEqual((created.json() as Record<string, unknown>).risk_scores, { sign_up: { bot: 0, free_trial_abuse: 0 } });
    await f.request({ access: 'server', method: 'DELETE', url: `/api/v1/users/${(created.json() as { id: string }).id}` });
  });

  test('/users/me and user_id=me without a token: CANNOT_GET_OWN_USER_WITHOUT_USER', async () => {
    for (const [access, method, url] of [
      ['client', 'GET', '/api/v1/users/me'],
      ['client', 'PATCH', '/api/v1/users/me'],
      ['client', 'DELETE', '/api/v1/users/me'],
      ['server', 'GET', '/api/v1/users/me'],
      ['server', 'PATCH', '/api/v1/users/me'],
    ] as const) {
      const response = await f.request({ access, method, url, ...(method === 'PATCH' ? { body: {} } : {}) });
      assert.equal(response.statusCode, 400);
      const body = knownError(response);
      assert.equal(body.code, 'CANNOT_GET_OWN_USER_WITHOUT_USER');
      assert.equal(body.error, "You have specified 'me' as a userId, but did not provide authentication for a user.");
    }
  });

  test('server routes refuse client access with INSUFFICIENT_ACCESS_TYPE before reading parameters; server and admin pass', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/users?limit=nope'],
      ['POST', '/api/v1/users'],
      ['GET', `/api/v1/users/${alice.user_id}`],
      ['PATCH', '/api/v1/users/not-a-uuid'],
      ['DELETE', `/api/v1/users/${alice.user_id}`],
    ] as const) {
      const response = await f.request({
        access: 'client',
        method,
        url,
        token: alice.access_token,
        ...(method === 'GET' || method === 'DELETE' ? {} : { body: { nope: 1 } }),
      });
      assert.equal(response.statusCode, 401, `${method} ${url}`);
      const body = knownError(response);
      assert.equal(body.code, 'INSUFFICIENT_ACCESS_TYPE');
      assert.deepEqual(body.details, { actual_access_type: 'client', allowed_access_types: ['server', 'admin'] });
      assert.equal(body.error, "The x-stack-access-type header must be 'server' or 'admin', but was 'client'.");
    }
    for (const access of ['server', 'admin'] as const) assert.equal((await f.request({ access, url: `/api/v1/users/${alice.user_id}` })).statusCode, 200);
  });

  test('an unknown or deleted user is USER_NOT_FOUND; a malformed id is a SCHEMA_ERROR', async () => {
    const missing = await f.request({ access: 'server', url: '/api/v1/users/00000000-0000-4000-8000-000000000000' });
    assert.equal(missing.statusCode, 404);
    assert.deepEqual(JSON.parse(missing.body), { code: 'USER_NOT_FOUND', error: 'User not found.' });
    const created = (await f.request({ access: 'server', method: 'POST', url: '/api/v1/users', body: {} })).json() as { id: string };
    assert.deepEqual((await f.request({ access: 'server', method: 'DELETE', url: `/api/v1/users/${created.id}` })).json(), { success: true });
    assert.equal(knownError(await f.request({ access: 'server', url: `/api/v1/users/${created.id}` })).code, 'USER_NOT_FOUND');
    assert.equal(knownError(await f.request({ access: 'server', method: 'DELETE', url: `/api/v1/users/${created.id}` })).code, 'USER_NOT_FOUND');
    const malformed = knownError(await f.request({ access: 'server', url: '/api/v1/users/42' }));
    assert.equal(malformed.code, 'SCHEMA_ERROR');
    assert.equal(malformed.details?.message, malformed.error);
  });
});

describe('Stack Auth GET /users', () => {
  let f: StackFixture;
  const ids: Record<string, string> = {};
  let teamUuid: string;
  before(async () => {
    f = await stackFixture();
    // Sign-up order: one per millisecond, with a tie between carol and dave.
    const people = [
      ['alice', 'Alice Smith', 0],
      ['bob', 'Bob Jones', 1],
      ['carol', 'Carol Smith', 2],
      ['dave', 'Dave Brown', 2],
      ['erin', 'Erin Green', 3],
    ] as const;
    for (const [name, display, offset] of people) {
      f.clock.now = T0 + offset;
      const user = await createUser(f.core, SYSTEM, { name, email: `${name}@Example.com`, displayName: display, emailVerified: name !== 'erin' });
      ids[name] = user.uuid;
    }
    f.clock.now = T0 + 10;
    ids.anon = (await createUser(f.core, SYSTEM, { name: 'anon', isAnonymous: true })).uuid;
    ids.restricted = (await createUser(f.core, SYSTEM, { name: 'restricted', displayName: 'Smith Restricted', restrictedByAdmin: true })).uuid;
    const owner = await createUser(f.core, SYSTEM, { name: 'owner_x' });
    const team = await createOrganization(f.core, SYSTEM, { slug: 'smiths', ownerId: owner.id });
    teamUuid = team.uuid;
    for (const name of ['alice', 'carol']) {
      const row = await f.core.db.selectFrom('users').select('id').where('uuid', '=', ids[name]!).executeTakeFirstOrThrow();
      await addMembership(f.core, SYSTEM, { organizationId: team.id, userId: row.id, role: 'worker' });
    }
    ids.owner = owner.uuid;
  });
  after(() => f.close());

  const list = async (query: string) => {
    const response = await f.request({ access: 'server', url: `/api/v1/users${query}` });
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json() as { items: { id: string }[]; is_paginated: boolean; pagination: { next_cursor: string | null } };
    assert.equal(body.is_paginated, true);
    const name = (id: string) => Object.entries(ids).find(([, v]) => v === id)?.[0];
    return { names: body.items.map((u) => name(u.id)), next: body.pagination.next_cursor ? name(body.pagination.next_cursor) : null, body };
  };

  test('without limit every user is listed, in sign-up order, without anonymous or admin-restricted users', async () => {
    const { names, next } = await list('');
    assert.deepEqual(names, ['alice', 'bob', 'carol', 'dave', 'erin', 'owner']);
    assert.equal(next, null);
  });

  test('limit and the inclusive cursor: next_cursor is the first user of the next page', async () => {
    const first = await list('?limit=2');
    assert.deepEqual(first.names, ['alice', 'bob']);
    assert.equal(first.next, 'carol');
    const second = await list(`?limit=2&cursor=${ids.carol}`);
    assert.deepEqual(second.names, ['carol', 'dave']);
    assert.equal(second.next, 'erin');
    const last = await list(`?limit=5&cursor=${ids.erin}`);
    assert.deepEqual(last.names, ['erin', 'owner']);
    assert.equal(last.next, null);
  });

  test('order_by=signed_up_at with desc=true, ties broken by id in the same direction', async () => {
    assert.deepEqual((await list('?order_by=signed_up_at&desc=true')).names, ['owner', 'erin', 'dave', 'carol', 'bob', 'alice']);
    const page = await list('?desc=true&limit=3');
    assert.deepEqual(page.names, ['owner', 'erin', 'dave']);
    assert.equal(page.next, 'carol');
    assert.deepEqual((await list(`?desc=true&limit=3&cursor=${ids.carol}`)).names, ['carol', 'bob', 'alice']);
    assert.deepEqual((await list('?desc=false')).names, ['alice', 'bob', 'carol', 'dave', 'erin', 'owner']);
  });

  test('query: contains on display name or email, ignoring case; an exact id when it is a uuid', async () => {
    assert.deepEqual((await list('?query=smith')).names, ['alice', 'carol']);
    assert.deepEqual((await list('?query=BOB%40EXAMPLE')).names, ['bob']);
    assert.deepEqual((await list(`?query=${ids.dave}`)).names, ['dave']);
    assert.deepEqual((await list('?query=nobody')).names, []);
    assert.deepEqual((await list('?query=smith&include_restricted=true')).names, ['alice', 'carol', 'restricted']);
  });

  test('team_id lists the team members (the owner is one)', async () => {
    assert.deepEqual((await list(`?team_id=${teamUuid}`)).names, ['alice', 'carol', 'owner']);
    const unknownTeam = await f.request({ access: 'server', url: '/api/v1/users?team_id=00000000-0000-4000-8000-000000000000' });
    assert.equal(knownError(unknownTeam).code, 'TEAM_NOT_FOUND');
  });

  test('include_restricted, include_anonymous and only_anonymous', async () => {
    assert.deepEqual((await list('?include_restricted=true')).names, ['alice', 'bob', 'carol', 'dave', 'erin', 'restricted', 'owner']);
    assert.deepEqual((await list('?include_anonymous=true')).names, ['alice', 'bob', 'carol', 'dave', 'erin', 'anon', 'restricted', 'owner']);
    assert.deepEqual((await list('?include_anonymous=true&only_anonymous=true')).names, ['anon']);
    const refused = await f.request({ access: 'server', url: '/api/v1/users?only_anonymous=true' });
    assert.equal(refused.statusCode, 400);
    assert.equal(refused.body, 'only_anonymous=true requires include_anonymous=true');
  });

  test('a project requiring email verification leaves unverified users out unless include_restricted', async () => {
    const strict = await f.newProject({ require_email_verification: true });
    const response = await f.request({ access: 'server', project: strict, url: '/api/v1/users' });
    const names = (response.json() as { items: { id: string; restricted_reason: unknown }[] }).items.map(
      (u) => Object.entries(ids).find(([, v]) => v === u.id)?.[0],
    );
    assert.deepEqual(names, ['alice', 'bob', 'carol', 'dave']);
    const all = (await f.request({ access: 'server', project: strict, url: '/api/v1/users?include_restricted=true' })).json() as {
      items: { id: string; restricted_reason: unknown; is_restricted: boolean }[];
    };
    const erin = all.items.find((u) => u.id === ids.erin);
    assert.deepEqual(erin?.restricted_reason, { type: 'email_not_verified' });
    assert.equal(erin?.is_restricted, true);
  });

  test('bad parameters are SCHEMA_ERRORs', async () => {
    for (const query of ['?limit=0', '?limit=abc', '?cursor=nope', '?order_by=name', '?desc=maybe', '?team_id=5']) {
      const response = await f.request({ access: 'server', url: `/api/v1/users${query}` });
      assert.equal(response.statusCode, 400, query);
      const body = knownError(response);
      assert.equal(body.code, 'SCHEMA_ERROR');
      assert.match(body.error, /^Request validation failed on GET \/api\/v1\/users:\n {2}- query\./);
    }
    const unknownCursor = await f.request({ access: 'server', url: '/api/v1/users?cursor=00000000-0000-4000-8000-000000000000' });
    assert.equal(knownError(unknownCursor).code, 'SCHEMA_ERROR');
  });
});
