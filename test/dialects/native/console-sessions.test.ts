import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { Level } from '../../../src/core/access/levels.js';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import { createUser } from '../../../src/core/users/users.js';
import { errorCode, nativeFixture, PASSWORD, type NativeFixture } from './fixture.js';

const STAFF = { moderator: Level.Moderator, admin: Level.Admin, owner: Level.Owner } as const;
type Staff = keyof typeof STAFF;

/** The `roster_session` value a response sets. */
function sessionCookie(response: LightMyRequestResponse): string {
  const header = String(response.headers['set-cookie'] ?? '');
  const match = /^roster_session=([^;]*)/.exec(header);
  assert.ok(match, `no roster_session cookie in ${header}`);
  return match[1]!;
}

describe('native console (cookie) sessions', () => {
  let f: NativeFixture;
  before(async () => {
    f = await nativeFixture();
    for (const [role, level] of Object.entries(STAFF)) {
      await createUser(f.core, SYSTEM, { name: `console_${role}`, level, email: `console_${role}@example.org`, password: PASSWORD });
    }
  });
  after(() => f.close());

  const signIn = (login: string) => f.request(null, 'POST', '/v1/sessions', { login, password: PASSWORD, cookie: true });
  const withCookie = (cookie: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, options: { csrf?: string; body?: unknown } = {}) =>
    f.app.inject({
      method,
      url,
      headers: { cookie: `other=1; roster_session=${cookie}`, ...(options.csrf === undefined ? {} : { 'x-csrf-token': options.csrf }) },
      ...(options.body === undefined ? {} : { payload: options.body as object }),
    });

  for (const role of Object.keys(STAFF) as Staff[]) {
    test(`${role}: signs in with a cookie, no token in the body, and reads the session back`, async () => {
      const login = await signIn(`console_${role}`);
      assert.equal(login.statusCode, 201, login.body);
      const body = login.json() as { token?: string; csrf_token: string; session: { id: number }; user: { name: string } };
      assert.equal(body.token, undefined);
      assert.equal(body.user.name, `console_${role}`);
      assert.match(body.csrf_token, /^[A-Za-z0-9_-]{40,}$/);
      const cookie = sessionCookie(login);
      assert.doesNotMatch(login.body, new RegExp(cookie));
      assert.equal(String(login.headers['set-cookie']), `roster_session=${cookie}; HttpOnly; SameSite=Strict; Path=/`);

      const current = await withCookie(cookie, 'GET', '/v1/sessions/current');
      assert.equal(current.statusCode, 200, current.body);
      assert.deepEqual(current.json().session.id, body.session.id);
      assert.equal(current.json().user.name, `console_${role}`);
      assert.equal(current.json().csrf_token, body.csrf_token);
    });
  }

  test('a member cannot sign in to the console: 403, no session, the attempt is recorded', async () => {
    const before = await f.core.db
      .selectFrom('sessions')
      .select(({ fn }) => fn.countAll<number>().as('n'))
      .where('user_id', '=', f.users.member.id)
      .executeTakeFirstOrThrow();
    const attempts = await f.core.db.selectFrom('login_attempts').select('id').where('user_id', '=', f.users.member.id).execute();
    const refused = await signIn('member_user');
    assert.equal(refused.statusCode, 403, refused.body);
    assert.equal(errorCode(refused), 'forbidden');
    assert.equal(refused.headers['set-cookie'], undefined);
    const after = await f.core.db
      .selectFrom('sessions')
      .select(({ fn }) => fn.countAll<number>().as('n'))
      .where('user_id', '=', f.users.member.id)
      .executeTakeFirstOrThrow();
    assert.equal(Number(after.n), Number(before.n));
    const attemptsAfter = await f.core.db.selectFrom('login_attempts').select('id').where('user_id', '=', f.users.member.id).execute();
    assert.equal(attemptsAfter.length, attempts.length + 1);
    // The same member still signs in for the API.
    assert.equal((await f.request(null, 'POST', '/v1/sessions', { login: 'member_user', password: PASSWORD })).statusCode, 201);
  });

  test('a write with the cookie needs the CSRF token; nothing changes without it', async () => {
    const login = await signIn('console_admin');
    const cookie = sessionCookie(login);
    const csrf = (login.json() as { csrf_token: string }).csrf_token;
    const url = `/v1/users/${f.users.member.id}`;
    for (const token of [undefined, '', 'wrong', `${csrf}x`]) {
      const refused = await withCookie(cookie, 'PATCH', url, { body: { client_metadata: { tried: true } }, ...(token === undefined ? {} : { csrf: token }) });
      assert.equal(refused.statusCode, 403, refused.body);
      assert.equal(errorCode(refused), 'csrf_failed');
    }
    assert.notDeepEqual((await withCookie(cookie, 'GET', url)).json().client_metadata, { tried: true });
    const accepted = await withCookie(cookie, 'PATCH', url, { csrf, body: { client_metadata: { tried: true } } });
    assert.equal(accepted.statusCode, 200, accepted.body);
    assert.deepEqual((await withCookie(cookie, 'GET', url)).json().client_metadata, { tried: true });
  });

  test('an Authorization header wins over the cookie, and needs no CSRF token', async () => {
    const cookie = sessionCookie(await signIn('console_admin'));
    const response = await f.app.inject({
      method: 'PATCH',
      url: `/v1/users/${f.users.member.id}`,
      headers: { cookie: `roster_session=${cookie}`, authorization: `Bearer ${f.keys.member}` },
      payload: { client_metadata: { via: 'bearer' } },
    });
    assert.equal(response.statusCode, 200, response.body);
    const current = await f.app.inject({
      method: 'GET',
      url: '/v1/me',
      headers: { cookie: `roster_session=${cookie}`, authorization: `Bearer ${f.keys.member}` },
    });
    assert.equal(current.json().id, f.users.member.id);
  });

  test('an API key put in the cookie is held to the CSRF check like a session', async () => {
    const url = `/v1/users/${f.users.member.id}`;
    const refused = await withCookie(f.keys.member, 'PATCH', url, { body: { client_metadata: { via: 'cookie key' } } });
    assert.equal(refused.statusCode, 403, refused.body);
    assert.equal(errorCode(refused), 'csrf_failed');
    assert.notDeepEqual((await f.request('member', 'GET', url)).json().client_metadata, { via: 'cookie key' });
  });

  test("another session's CSRF token does not do", async () => {
    const first = await signIn('console_owner');
    const second = await signIn('console_owner');
    const refused = await withCookie(sessionCookie(first), 'DELETE', '/v1/sessions/current', { csrf: (second.json() as { csrf_token: string }).csrf_token });
    assert.equal(refused.statusCode, 403);
    assert.equal(errorCode(refused), 'csrf_failed');
  });

  test('signing out revokes the session and clears the cookie; a stale cookie does not block signing in again', async () => {
    const login = await signIn('console_moderator');
    const cookie = sessionCookie(login);
    const csrf = (login.json() as { csrf_token: string }).csrf_token;
    assert.equal((await withCookie(cookie, 'DELETE', '/v1/sessions/current')).statusCode, 403);
    const out = await withCookie(cookie, 'DELETE', '/v1/sessions/current', { csrf });
    assert.equal(out.statusCode, 200, out.body);
    assert.match(String(out.headers['set-cookie']), /^roster_session=; Max-Age=0; HttpOnly; SameSite=Strict; Path=\/$/);
    assert.equal((await withCookie(cookie, 'GET', '/v1/me')).statusCode, 401);
    const again = await f.app.inject({
      method: 'POST',
      url: '/v1/sessions',
      headers: { cookie: `roster_session=${cookie}` },
      payload: { login: 'console_moderator', password: PASSWORD, cookie: true },
    });
    assert.equal(again.statusCode, 201, again.body);
  });

  test('bearer use is unchanged: no CSRF needed, no csrf_token shown', async () => {
    const login = await f.request(null, 'POST', '/v1/sessions', { login: 'member_user', password: PASSWORD });
    const { token } = login.json() as { token: string };
    assert.equal(login.headers['set-cookie'], undefined);
    const current = await f.app.inject({ method: 'GET', url: '/v1/sessions/current', headers: { authorization: `Bearer ${token}` } });
    assert.equal(current.statusCode, 200, current.body);
    assert.equal(current.json().csrf_token, undefined);
    assert.equal(current.json().user.id, f.users.member.id);
    const write = await f.app.inject({
      method: 'PATCH',
      url: `/v1/users/${f.users.member.id}`,
      headers: { authorization: `Bearer ${token}` },
      payload: { client_metadata: { a: 1 } },
    });
    assert.equal(write.statusCode, 200, write.body);
    // With an API key there is no current session.
    assert.equal((await f.request('member', 'GET', '/v1/sessions/current')).statusCode, 400);
    assert.equal((await f.request(null, 'GET', '/v1/sessions/current')).statusCode, 401);
  });
});

describe('native console cookie over https', () => {
  let f: NativeFixture;
  before(async () => {
    f = await nativeFixture({ env: { ROSTER_BASE_URL: 'https://roster.example' } });
    await createUser(f.core, SYSTEM, { name: 'secure_mod', level: Level.Moderator, email: null, password: PASSWORD });
  });
  after(() => f.close());

  test('the cookie is Secure when the public URL is https', async () => {
    const login = await f.request(null, 'POST', '/v1/sessions', { login: 'secure_mod', password: PASSWORD, cookie: true });
    assert.equal(login.statusCode, 201, login.body);
    assert.match(String(login.headers['set-cookie']), /; HttpOnly; SameSite=Strict; Path=\/; Secure$/);
  });
});
