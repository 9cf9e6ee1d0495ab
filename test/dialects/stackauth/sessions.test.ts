import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { hashSecret } from '../../../src/core/auth/secrets.js';
import { knownError, PASSWORD, stackFixture, T0, type StackFixture } from './fixture.js';

describe('Stack Auth password sessions and tokens', () => {
  let f: StackFixture;
  let alice: { access_token: string; refresh_token: string; user_id: string };
  before(async () => {
    f = await stackFixture();
    alice = await f.signUp('alice@example.com');
  });
  after(() => f.close());

  const post = (url: string, body: unknown, access: 'client' | 'server' = 'client') => f.request({ access, method: 'POST', url, body });
  const refresh = (fields: Record<string, string>) =>
    f.app.inject({
      method: 'POST',
      url: '/stack/api/v1/auth/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(fields).toString(),
    });
  const refreshFields = (token: string) => ({
    grant_type: 'refresh_token',
    refresh_token: token,
    client_id: f.project.project.id,
    client_secret: f.project.publishableClientKey,
  });

  test('the access token is an HS256 JWT with every claim the SDK validates', () => {
    assert.equal(decodeProtectedHeader(alice.access_token).alg, 'HS256');
    const claims = decodeJwt(alice.access_token);
    assert.deepEqual(Object.keys(claims).sort(), [
      'aud',
      'branch_id',
      'email',
      'email_verified',
      'exp',
      'iat',
      'is_anonymous',
      'is_restricted',
      'iss',
      'name',
      'project_id',
      'refresh_token_id',
      'requires_totp_mfa',
      'restricted_reason',
      'role',
      'selected_team_id',
      'signed_up_at',
      'sub',
    ]);
    assert.equal(claims.sub, alice.user_id);
    assert.equal(claims.aud, f.project.project.id);
    assert.equal(claims.project_id, f.project.project.id);
    assert.equal(claims.branch_id, 'main');
    assert.equal(claims.role, 'authenticated');
    assert.equal(claims.email, 'alice@example.com');
    assert.equal(claims.iat, T0 / 1000);
    assert.equal(claims.exp, T0 / 1000 + 600);
    assert.equal(typeof claims.refresh_token_id, 'string');
    assert.equal(claims.restricted_reason, null);
  });

  test('refresh tokens are stored only as hashes', async () => {
    const rows = await f.core.db.selectFrom('sessions').select(['token_hash', 'stack_project_id']).execute();
    assert.ok(rows.some((row) => row.token_hash === hashSecret(alice.refresh_token) && row.stack_project_id === f.project.project.id));
    assert.ok(rows.every((row) => row.token_hash !== alice.refresh_token));
  });

  test('sign-up errors: taken email, password rules, schema', async () => {
    const taken = await post('/api/v1/auth/password/sign-up', { email: 'ALICE@example.com', password: PASSWORD });
    assert.equal(knownError(taken).code, 'USER_EMAIL_ALREADY_EXISTS');
    const short = knownError(await post('/api/v1/auth/password/sign-up', { email: 'b@example.com', password: 'short' }));
    assert.equal(short.code, 'PASSWORD_TOO_SHORT');
    assert.deepEqual(short.details, { min_length: 8 });
    assert.equal(knownError(await post('/api/v1/auth/password/sign-up', { email: 'b@example.com', password: 'x'.repeat(71) })).code, 'PASSWORD_TOO_LONG');
    assert.equal(knownError(await post('/api/v1/auth/password/sign-up', { email: 'not an email', password: PASSWORD })).code, 'SCHEMA_ERROR');
    assert.equal(knownError(await post('/api/v1/auth/password/sign-up', { email: 'b@example.com' })).code, 'SCHEMA_ERROR');
  });

  test('sign-in: the right password gives tokens for the same user; anything else EMAIL_PASSWORD_MISMATCH', async () => {
    const ok = await post('/api/v1/auth/password/sign-in', { email: 'Alice@Example.com', password: PASSWORD });
    assert.equal(ok.statusCode, 200, ok.body);
    const tokens = ok.json() as { access_token: string; refresh_token: string; user_id: string };
    assert.equal(tokens.user_id, alice.user_id);
    assert.notEqual(tokens.refresh_token, alice.refresh_token);
    for (const body of [
      { email: 'alice@example.com', password: 'wrong password!' },
      { email: 'nobody@example.com', password: PASSWORD },
    ]) {
      const refused = await post('/api/v1/auth/password/sign-in', body);
      assert.equal(refused.statusCode, 400);
      assert.deepEqual(JSON.parse(refused.body), { code: 'EMAIL_PASSWORD_MISMATCH', error: 'Wrong e-mail or password.' });
    }
  });

  test('the refresh grant issues a new access token; unknown or foreign refresh tokens are refused', async () => {
    const response = await refresh(refreshFields(alice.refresh_token));
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json() as Record<string, unknown>;
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.expires_in, 600);
    assert.equal(decodeJwt(body.access_token as string).sub, alice.user_id);
    const unknown = await refresh(refreshFields('not-a-token'));
    assert.equal(unknown.statusCode, 401);
    assert.equal(knownError(unknown).code, 'REFRESH_TOKEN_NOT_FOUND_OR_EXPIRED');
    const other = await f.newProject();
    const foreign = await refresh({ ...refreshFields(alice.refresh_token), client_id: other.project.id, client_secret: other.publishableClientKey });
    assert.equal(knownError(foreign).code, 'REFRESH_TOKEN_NOT_FOUND_OR_EXPIRED');
    const badClient = await refresh({ ...refreshFields(alice.refresh_token), client_secret: 'wrong' });
    assert.equal(badClient.statusCode, 401);
    assert.equal(badClient.json().error, 'invalid_client');
    const sentinel = await refresh({ ...refreshFields(alice.refresh_token), client_secret: '__stack_public_client__' });
    assert.equal(sentinel.json().error, 'invalid_client', 'the project requires its publishable key');
    assert.equal((await refresh({ ...refreshFields(alice.refresh_token), grant_type: 'password' })).json().error, 'unsupported_grant_type');
  });

  test('token errors: unparsable, tampered, another project, expired with details', async () => {
    const me = (token: string, project = f.project) => f.request({ access: 'client', project, url: '/api/v1/users/me', token });
    assert.equal(knownError(await me('garbage')).code, 'UNPARSABLE_ACCESS_TOKEN');
    const [header, payload, signature] = alice.access_token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...decodeJwt(alice.access_token), sub: '00000000-0000-4000-8000-000000000000' })).toString('base64url');
    const tampered = await me(`${header}.${forged}.${signature}`);
    assert.equal(tampered.statusCode, 401);
    assert.equal(knownError(tampered).code, 'UNPARSABLE_ACCESS_TOKEN');
    assert.ok(payload);
    const other = await f.newProject();
    assert.equal(knownError(await me(alice.access_token, other)).code, 'INVALID_PROJECT_FOR_ACCESS_TOKEN');
    f.clock.now = T0 + 601_000;
    try {
      const expired = await me(alice.access_token);
      assert.equal(expired.statusCode, 401);
      const body = knownError(expired);
      assert.equal(body.code, 'ACCESS_TOKEN_EXPIRED');
      assert.deepEqual(body.details, {
        expired_at_millis: T0 + 600_000,
        project_id: f.project.project.id,
        user_id: alice.user_id,
        refresh_token_id: decodeJwt(alice.access_token).refresh_token_id,
      });
    } finally {
      f.clock.now = T0;
    }
  });

  test('POST /auth/sessions: server access opens a session for a user; clients are refused', async () => {
    const refused = await post('/api/v1/auth/sessions', { user_id: alice.user_id, expires_in_millis: 60_000, is_impersonation: false });
    assert.equal(knownError(refused).code, 'INSUFFICIENT_ACCESS_TYPE');
    const response = await post('/api/v1/auth/sessions', { user_id: alice.user_id, expires_in_millis: 60_000, is_impersonation: true }, 'server');
    assert.equal(response.statusCode, 200, response.body);
    const tokens = response.json() as { access_token: string; refresh_token: string };
    assert.deepEqual(Object.keys(tokens).sort(), ['access_token', 'refresh_token']);
    assert.equal((await f.request({ access: 'client', url: '/api/v1/users/me', token: tokens.access_token })).json().id, alice.user_id);
    assert.equal(knownError(await post('/api/v1/auth/sessions', { user_id: '00000000-0000-4000-8000-000000000000' }, 'server')).code, 'USER_NOT_FOUND');
    assert.equal(knownError(await post('/api/v1/auth/sessions', { user_id: alice.user_id, expires_in_millis: -1 }, 'server')).code, 'SCHEMA_ERROR');
  });

  test('signing out revokes the session: its access and refresh tokens stop working at once', async () => {
    const session = (await post('/api/v1/auth/password/sign-in', { email: 'alice@example.com', password: PASSWORD })).json() as {
      access_token: string;
      refresh_token: string;
    };
    const out = await f.request({ access: 'client', method: 'DELETE', url: '/api/v1/auth/sessions/current', token: session.access_token, body: {} });
    assert.deepEqual(out.json(), { success: true });
    assert.equal(
      knownError(await f.request({ access: 'client', url: '/api/v1/users/me', token: session.access_token })).code,
      'CANNOT_GET_OWN_USER_WITHOUT_USER',
    );
    assert.equal(knownError(await refresh(refreshFields(session.refresh_token))).code, 'REFRESH_TOKEN_NOT_FOUND_OR_EXPIRED');
  });

  test('a Stack refresh token is not a bearer token of the native API', async () => {
    const response = await f.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${alice.refresh_token}` } });
    assert.equal(response.statusCode, 401);
  });
});
