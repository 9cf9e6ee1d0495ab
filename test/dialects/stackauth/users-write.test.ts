import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import { createOrganization } from '../../../src/core/orgs/organizations.js';
import { createUser } from '../../../src/core/users/users.js';
import { knownError, PASSWORD, stackFixture, type StackFixture } from './fixture.js';

// A 1×1 PNG.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg==';

describe('Stack Auth user writes', () => {
  let f: StackFixture;
  let alice: { access_token: string; refresh_token: string; user_id: string };
  before(async () => {
    f = await stackFixture();
    alice = await f.signUp('alice@example.com');
  });
  after(() => f.close());

  const patchMe = (body: unknown, access: 'client' | 'server' = 'client', token = alice.access_token) =>
    f.request({ access, method: 'PATCH', url: '/api/v1/users/me', token, body });
  const patchUser = (id: string, body: unknown) => f.request({ access: 'server', method: 'PATCH', url: `/api/v1/users/${id}`, body });
  const create = (body: unknown) => f.request({ access: 'server', method: 'POST', url: '/api/v1/users', body });

  test('a client writes its own client fields; "" clears the display name', async () => {
    const response = await patchMe({ display_name: 'Alice', client_metadata: { theme: 'dark' }, primary_email: 'alice2@example.com' });
    assert.equal(response.statusCode, 200, response.body);
    const user = response.json() as Record<string, unknown>;
    assert.equal(user.display_name, 'Alice');
    assert.deepEqual(user.client_metadata, { theme: 'dark' });
    assert.equal(user.primary_email, 'alice2@example.com');
    assert.equal(user.server_metadata, undefined);
    assert.equal((await patchMe({ display_name: '' })).json().display_name, null);
    assert.equal((await patchMe({ display_name: 'x'.repeat(257) })).statusCode, 400);
  });

  test('a client may not write server fields: SCHEMA_ERROR naming them, nothing written; the server may', async () => {
    for (const field of [
      'server_metadata',
      'client_read_only_metadata',
      'primary_email_verified',
      'restricted_by_admin',
      'password',
      'risk_scores',
      'country_code',
    ]) {
      const response = await patchMe({
        display_name: 'Changed',
        [field]: field === 'primary_email_verified' || field === 'restricted_by_admin' ? true : field === 'password' ? 'new password 1' : null,
      });
      assert.equal(response.statusCode, 400, field);
      const body = knownError(response);
      assert.equal(body.code, 'SCHEMA_ERROR');
      const message = `Request validation failed on PATCH /api/v1/users/me:\n  - body contains unknown properties: ${field}`;
      assert.equal(body.error, message);
      assert.deepEqual(body.details, { message });
    }
    const me = (await f.request({ access: 'server', url: `/api/v1/users/${alice.user_id}` })).json() as Record<string, unknown>;
    assert.notEqual(me.display_name, 'Changed');
    const server = await patchMe(
      {
        server_metadata: { plan: 'pro' },
        client_read_only_metadata: { tier: 1 },
        primary_email_verified: true,
        country_code: 'de',
        risk_scores: { sign_up: { bot: 10, free_trial_abuse: 20 } },
      },
      'server',
    );
    assert.equal(server.statusCode, 200, server.body);
    const written = server.json() as Record<string, unknown>;
    assert.deepEqual(written.server_metadata, { plan: 'pro' });
    assert.deepEqual(written.client_read_only_metadata, { tier: 1 });
    assert.equal(written.primary_email_verified, true);
    assert.equal(written.country_code, 'DE');
    assert.deepEqual(written.risk_scores, { sign_up: { bot: 10, free_trial_abuse: 20 } });
    const unknown = knownError(await patchUser(alice.user_id, { nickname: 'x' }));
    assert.equal(unknown.error, `Request validation failed on PATCH /api/v1/users/${alice.user_id}:\n  - body contains unknown properties: nickname`);
  });

  test('wrong types are SCHEMA_ERRORs with details.message', async () => {
    for (const body of [
      { display_name: 5 },
      { primary_email: 'not-an-email' },
      { selected_team_id: 'x' },
      { risk_scores: { sign_up: { bot: 101, free_trial_abuse: 0 } } },
      [],
    ]) {
      const error = knownError(await patchMe(body, 'server'));
      assert.equal(error.code, 'SCHEMA_ERROR', JSON.stringify(body));
      assert.equal(error.details?.message, error.error);
    }
  });

  test('POST /users answers 201 with the server read; emails are unique ignoring case', async () => {
    const response = await create({
      primary_email: 'new@example.com',
      display_name: 'New',
      password: 'some password 1',
      client_metadata: { a: 1 },
      server_metadata: { b: 2 },
      primary_email_verified: true,
      restricted_by_admin: true,
      restricted_by_admin_reason: 'spam',
      restricted_by_admin_private_details: 'ip 1.2.3.4',
    });
    assert.equal(response.statusCode, 201, response.body);
    const user = response.json() as Record<string, unknown>;
    assert.equal(user.primary_email, 'new@example.com');
    assert.equal(user.has_password, true);
    assert.equal(user.restricted_by_admin_reason, 'spam');
    assert.equal(user.restricted_by_admin_private_details, 'ip 1.2.3.4');
    assert.deepEqual(user.restricted_reason, { type: 'restricted_by_administrator' });
    for (const attempt of [
      create({ primary_email: 'NEW@example.com' }),
      patchUser(alice.user_id, { primary_email: 'New@Example.com' }),
      patchMe({ primary_email: 'new@EXAMPLE.com' }),
    ]) {
      const conflict = await attempt;
      assert.equal(conflict.statusCode, 409);
      const body = knownError(conflict);
      assert.equal(body.code, 'USER_EMAIL_ALREADY_EXISTS');
      assert.match(body.error, /^A user with email ".+" already exists\.$/);
    }
    assert.equal(knownError(await create({ selected_team_id: null })).code, 'SCHEMA_ERROR');
  });

  test('restriction reasons must be null unless the user is restricted; lifting clears them', async () => {
    const user = (await create({})).json() as { id: string };
    assert.equal(knownError(await patchUser(user.id, { restricted_by_admin_reason: 'why' })).code, 'SCHEMA_ERROR');
    assert.equal(knownError(await create({ restricted_by_admin: false, restricted_by_admin_reason: 'why' })).code, 'SCHEMA_ERROR');
    const restricted = (await patchUser(user.id, { restricted_by_admin: true, restricted_by_admin_reason: 'why' })).json() as Record<string, unknown>;
    assert.equal(restricted.is_restricted, true);
    const lifted = (await patchUser(user.id, { restricted_by_admin: false })).json() as Record<string, unknown>;
    assert.equal(lifted.restricted_by_admin_reason, null);
    assert.equal(lifted.is_restricted, false);
  });

  test('selected_team_id must be a team the user is an active member of', async () => {
    const row = await f.core.db.selectFrom('users').select('id').where('uuid', '=', alice.user_id).executeTakeFirstOrThrow();
    const mine = await createOrganization(f.core, SYSTEM, { slug: 'mine', name: 'Mine', ownerId: row.id });
    const other = await createOrganization(f.core, SYSTEM, { slug: 'other', ownerId: (await createUser(f.core, SYSTEM, { name: 'other_owner' })).id });
    const selected = await patchMe({ selected_team_id: mine.uuid });
    assert.equal(selected.statusCode, 200, selected.body);
    assert.equal(selected.json().selected_team.display_name, 'Mine');
    const refused = await patchMe({ selected_team_id: other.uuid });
    assert.equal(refused.statusCode, 404);
    const body = knownError(refused);
    assert.equal(body.code, 'TEAM_MEMBERSHIP_NOT_FOUND');
    assert.deepEqual(body.details, { team_id: other.uuid, user_id: alice.user_id });
    assert.equal(knownError(await patchMe({ selected_team_id: '00000000-0000-4000-8000-000000000000' })).code, 'TEAM_MEMBERSHIP_NOT_FOUND');
    assert.equal((await patchMe({ selected_team_id: null })).json().selected_team, null);
  });

  test('profile images: clients upload data:image only; servers may also give http(s) URLs; uploads are served by Roster', async () => {
    const refused = await patchMe({ profile_image_url: 'https://example.com/a.png' });
    assert.equal(refused.statusCode, 400);
    assert.equal(refused.body, 'Invalid profile image URL');
    assert.equal((await patchMe({ profile_image_url: 'data:image/svg+xml;base64,PHN2Zz4=' })).statusCode, 400);
    const uploaded = await patchMe({ profile_image_url: `data:image/png;base64,${PNG}` });
    assert.equal(uploaded.statusCode, 200, uploaded.body);
    const url = new URL(uploaded.json().profile_image_url as string);
    assert.match(url.pathname, /^\/stack\/api\/v1\/profile-images\/[0-9a-f-]{36}$/);
    const image = await f.app.inject({ method: 'GET', url: url.pathname });
    assert.equal(image.statusCode, 200);
    assert.equal(image.headers['content-type'], 'image/png');
    assert.deepEqual(image.rawPayload, Buffer.from(PNG, 'base64'));
    assert.equal((await patchMe({ profile_image_url: `data:image/png;base64,${Buffer.from('not an image').toString('base64')}` })).statusCode, 400);
    const tooBig = `data:image/png;base64,${Buffer.concat([Buffer.from(PNG, 'base64'), Buffer.alloc(1_000_001)]).toString('base64')}`;
    assert.equal((await patchMe({ profile_image_url: tooBig }, 'server')).statusCode, 400);
    assert.equal((await patchMe({ profile_image_url: 'https://example.com/a.png' }, 'server')).json().profile_image_url, 'https://example.com/a.png');
    const bad = await patchMe({ profile_image_url: 'ftp://example.com/a.png' }, 'server');
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.body, 'Invalid profile image URL');
    assert.equal((await f.app.inject({ method: 'GET', url: '/stack/api/v1/profile-images/00000000-0000-4000-8000-000000000000' })).statusCode, 404);
  });

  test('features Roster lacks are refused in plain text', async () => {
    const passkey = await patchMe({ passkey_auth_enabled: true });
    assert.equal(passkey.statusCode, 400);
    assert.match(String(passkey.headers['content-type']), /^text\/plain/);
    assert.equal((await patchMe({ passkey_auth_enabled: false })).statusCode, 200);
    assert.equal((await patchMe({ totp_secret_base64: 'abcd' })).statusCode, 400);
    assert.equal((await create({ oauth_providers: [{ id: 'github', account_id: '1', email: null }] })).statusCode, 400);
  });

  test('anonymous users are upgraded with is_anonymous:false, never downgraded', async () => {
    const anon = (await create({ is_anonymous: true })).json() as { id: string; is_anonymous: boolean; restricted_reason: unknown };
    assert.equal(anon.is_anonymous, true);
    assert.deepEqual(anon.restricted_reason, { type: 'anonymous' });
    const upgraded = (await patchUser(anon.id, { is_anonymous: false })).json() as Record<string, unknown>;
    assert.equal(upgraded.is_anonymous, false);
    const downgrade = await patchUser(anon.id, { is_anonymous: true });
    assert.equal(downgrade.statusCode, 400);
  });

  test('a server password change revokes the sessions; null removes the password', async () => {
    const bob = await f.signUp('bob@example.com');
    assert.equal((await patchUser(bob.user_id, { password: 'brand new password' })).statusCode, 200);
    assert.equal(knownError(await f.request({ access: 'client', url: '/api/v1/users/me', token: bob.access_token })).code, 'CANNOT_GET_OWN_USER_WITHOUT_USER');
    assert.equal((await patchUser(bob.user_id, { password: null })).json().has_password, false);
    assert.equal(knownError(await patchUser(bob.user_id, { password: 'x', password_hash: 'y' })).code, 'SCHEMA_ERROR');
  });
});

describe('Stack Auth deletion', () => {
  test('a client deletes itself only when the project allows it; the server always can', async () => {
    const f = await stackFixture();
    try {
      const carol = await f.signUp('carol@example.com');
      const refused = await f.request({ access: 'client', method: 'DELETE', url: '/api/v1/users/me', token: carol.access_token });
      assert.equal(refused.statusCode, 400);
      assert.equal(refused.body, 'Client user deletion is not enabled for this project');
      const open = await f.newProject({ allow_client_user_deletion: true });
      const dave = await f.signUp('dave@example.com', open);
      const deleted = await f.request({ access: 'client', project: open, method: 'DELETE', url: '/api/v1/users/me', token: dave.access_token });
      assert.deepEqual(deleted.json(), { success: true });
      assert.equal(knownError(await f.request({ access: 'server', url: `/api/v1/users/${dave.user_id}` })).code, 'USER_NOT_FOUND');
      // The deleted account's email is free again.
      await f.signUp('dave@example.com', open);
      const byServer = await f.request({ access: 'server', method: 'DELETE', url: '/api/v1/users/me', token: carol.access_token });
      assert.deepEqual(byServer.json(), { success: true });
      assert.equal(knownError(await f.request({ access: 'server', url: `/api/v1/users/${carol.user_id}` })).code, 'USER_NOT_FOUND');
    } finally {
      await f.close();
    }
  });
});

describe('Stack Auth restricted and anonymous users (spec §3.6)', () => {
  test('anonymous tokens need x-stack-allow-anonymous-user; restricted users need allow-restricted (or allow-anonymous)', async () => {
    const f = await stackFixture({ config: { require_email_verification: true } });
    try {
      const anon = (await f.request({ access: 'client', method: 'POST', url: '/api/v1/auth/anonymous/sign-up' })).json() as { access_token: string };
      const asAnon = (headers: Record<string, string>) => f.request({ access: 'client', url: '/api/v1/users/me', token: anon.access_token, headers });
      const refused = await asAnon({});
      assert.equal(refused.statusCode, 401);
      assert.equal(knownError(refused).code, 'ANONYMOUS_AUTHENTICATION_NOT_ALLOWED');
      assert.equal(knownError(await asAnon({ 'x-stack-allow-restricted-user': 'true' })).code, 'ANONYMOUS_AUTHENTICATION_NOT_ALLOWED');
      const allowed = await asAnon({ 'x-stack-allow-anonymous-user': 'true' });
      assert.equal(allowed.statusCode, 200);
      assert.deepEqual(allowed.json().restricted_reason, { type: 'anonymous' });
    } finally {
      await f.close();
    }
  });

  test('an unverified user of a project requiring verification is RESTRICTED_USER_NOT_ALLOWED unless allowed', async () => {
    const f = await stackFixture({ config: { require_email_verification: true } });
    try {
      const signUp = await f.request({
        access: 'client',
        method: 'POST',
        url: '/api/v1/auth/password/sign-up',
        body: { email: 'erin@example.com', password: PASSWORD },
      });
      const erin = signUp.json() as { access_token: string; user_id: string };
      const me = (headers: Record<string, string>) => f.request({ access: 'client', url: '/api/v1/users/me', token: erin.access_token, headers });
      const refused = await me({});
      assert.equal(refused.statusCode, 403);
      const body = knownError(refused);
      assert.equal(body.code, 'RESTRICTED_USER_NOT_ALLOWED');
      assert.deepEqual(body.details, { restricted_reason: { type: 'email_not_verified' } });
      assert.equal((await me({ 'x-stack-allow-restricted-user': 'true' })).json().is_restricted, true);
      assert.equal((await me({ 'x-stack-allow-anonymous-user': 'true' })).statusCode, 200);
      await f.request({ access: 'server', method: 'PATCH', url: `/api/v1/users/${erin.user_id}`, body: { primary_email_verified: true } });
      assert.equal((await me({})).json().is_restricted, false);
    } finally {
      await f.close();
    }
  });
});
