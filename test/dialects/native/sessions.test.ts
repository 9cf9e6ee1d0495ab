import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { errorCode, nativeFixture, PASSWORD, type NativeFixture } from './fixture.js';

describe('native sessions', () => {
  let f: NativeFixture;
  before(async () => {
    f = await nativeFixture();
  });
  after(() => f.close());

  const withToken = (token: string, method: 'GET' | 'DELETE', url: string) => f.app.inject({ method, url, headers: { authorization: `Bearer ${token}` } });

  test('sign in by name or email, use the token, list, sign out', async () => {
    const login = await f.request(null, 'POST', '/v1/sessions', { login: 'MEMBER@example.org', password: PASSWORD });
    assert.equal(login.statusCode, 201, login.body);
    const { token, session, user } = login.json() as { token: string; session: { id: number; user_id: number }; user: { id: number; email: string } };
    assert.equal(session.user_id, f.users.member.id);
    assert.equal(user.email, 'member@example.org');
    assert.doesNotMatch(login.body, /token_hash|password_hash/);

    const me = await withToken(token, 'GET', '/v1/me');
    assert.equal(me.json().id, f.users.member.id);

    const sessions = await f.request('member', 'GET', `/v1/users/${f.users.member.id}/sessions`);
    assert.equal(sessions.statusCode, 200);
    assert.deepEqual(
      sessions.json().items.map((s: { id: number }) => s.id),
      [session.id],
    );
    assert.doesNotMatch(sessions.body, new RegExp(token));

    const logout = await withToken(token, 'DELETE', '/v1/sessions/current');
    assert.equal(logout.statusCode, 200, logout.body);
    assert.equal(typeof logout.json().revoked_at, 'number');
    assert.equal((await withToken(token, 'GET', '/v1/me')).statusCode, 401);
  });

  test('wrong password and unknown user give the same 401', async () => {
    const wrong = await f.request(null, 'POST', '/v1/sessions', { login: 'member_user', password: 'not it' });
    const unknown = await f.request(null, 'POST', '/v1/sessions', { login: 'nobody_here', password: 'not it' });
    assert.equal(wrong.statusCode, 401);
    assert.equal(unknown.statusCode, 401);
    assert.deepEqual(wrong.json(), unknown.json());
  });

  test('repeated failures are throttled: 429 with Retry-After, in the native shape', async () => {
    let response = await f.request(null, 'POST', '/v1/sessions', { login: 'builder_user', password: 'guess 0' });
    for (let attempt = 1; attempt <= 20 && response.statusCode === 401; attempt++) {
      response = await f.request(null, 'POST', '/v1/sessions', { login: 'builder_user', password: `guess ${attempt}` });
    }
    assert.equal(response.statusCode, 429, response.body);
    assert.equal(errorCode(response), 'rate_limited');
    assert.match(String(response.headers['retry-after']), /^[1-9][0-9]*$/);
    assert.equal(typeof response.json().error.details.retry_after_seconds, 'number');
  });

  test('sign-in bodies are checked', async () => {
    for (const body of [{}, { login: 'a' }, { login: '', password: 'x' }, { login: 'a', password: 'x', remember: true }, { login: ['a'], password: 'x' }]) {
      const response = await f.request(null, 'POST', '/v1/sessions', body);
      assert.equal(response.statusCode, 400, JSON.stringify(body));
      assert.equal(errorCode(response), 'invalid_param');
    }
  });

  test('signing out needs a session: 401 anonymous, 400 with an API key', async () => {
    assert.equal((await f.request(null, 'DELETE', '/v1/sessions/current')).statusCode, 401);
    const withKey = await f.request('member', 'DELETE', '/v1/sessions/current');
    assert.equal(withKey.statusCode, 400);
    assert.equal(errorCode(withKey), 'invalid_param');
  });

  test("only the user and an admin above them list or revoke the user's sessions", async () => {
    const login = await f.request(null, 'POST', '/v1/sessions', { login: 'member_user', password: PASSWORD });
    const sessionId = (login.json() as { session: { id: number } }).session.id;
    for (const role of ['other', 'builder', 'moderator'] as const) {
      assert.equal((await f.request(role, 'GET', `/v1/users/${f.users.member.id}/sessions`)).statusCode, 403, role);
      assert.ok([403, 404].includes((await f.request(role, 'DELETE', `/v1/sessions/${sessionId}`)).statusCode), role);
    }
    const adminOnAdmin = await f.request('admin', 'GET', `/v1/users/${f.users.owner.id}/sessions`);
    assert.equal(adminOnAdmin.statusCode, 403, 'never above or at their own level');
    const listed = await f.request('admin', 'GET', `/v1/users/${f.users.member.id}/sessions`);
    assert.equal(listed.statusCode, 200, listed.body);
    assert.ok((listed.json() as { items: { id: number }[] }).items.some((session) => session.id === sessionId));
    const own = await f.request('member', 'DELETE', `/v1/sessions/${sessionId}`);
    assert.equal(own.statusCode, 200, own.body);
    const second = await f.request(null, 'POST', '/v1/sessions', { login: 'member_user', password: PASSWORD });
    const { session, token } = second.json() as { session: { id: number }; token: string };
    const byAdmin = await f.request('admin', 'DELETE', `/v1/sessions/${session.id}`);
    assert.equal(byAdmin.statusCode, 200, byAdmin.body);
    assert.equal((await f.app.inject({ url: '/v1/me', headers: { authorization: `Bearer ${token}` } })).statusCode, 401, 'the revoked session opens nothing');
  });
});
