import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { banUser } from '../../../src/core/moderation/moderation.js';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import { cvatFixture, PASSWORD, type CvatFixture } from './http-fixture.js';

type Json = Record<string, unknown>;

const basic = (name: string, secret: string): string => `Basic ${Buffer.from(`${name}:${secret}`).toString('base64')}`;

/** `sessionid=…; csrftoken=…` from a login's Set-Cookie headers. */
function cookiesOf(setCookie: string | string[] | undefined): Record<string, string> {
  const list = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  return Object.fromEntries(list.map((line) => line.split(';')[0]!.split('=') as [string, string]));
}

describe('CVAT authentication and content negotiation', () => {
  let f: CvatFixture;
  before(async () => {
    f = await cvatFixture({ passwords: ['worker', 'supervisor', 'maintainer'] });
  });
  after(() => f.close());

  const inject = (method: 'GET' | 'POST' | 'PATCH', path: string, headers: Record<string, string> = {}, payload?: unknown) =>
    f.app.inject({ method, url: `/cvat${path}`, headers, ...(payload === undefined ? {} : { payload: payload as Json }) });

  test('no credentials: 401 with WWW-Authenticate: Token', async () => {
    const response = await inject('GET', '/api/users/self');
    assert.equal(response.statusCode, 401);
    assert.equal(response.headers['www-authenticate'], 'Token');
    assert.deepEqual(response.json(), { detail: 'Authentication credentials were not provided.' });
  });

  test('a bad Token or Bearer is 401 "Invalid token."', async () => {
    for (const scheme of ['Token', 'Bearer']) {
      const response = await inject('GET', '/api/users/self', { authorization: `${scheme} nope` });
      assert.equal(response.statusCode, 401);
      assert.deepEqual(response.json(), { detail: 'Invalid token.' });
    }
  });

  test("a banned user's key no longer works", async () => {
    const { createApiKey } = await import('../../../src/core/auth/api-keys.js');
    const { createUser } = await import('../../../src/core/users/users.js');
    const user = await createUser(f.core, SYSTEM, { name: 'soon_banned' });
    const key = (await createApiKey(f.core, SYSTEM, user.id, { name: 'k' })).secret;
    assert.equal((await inject('GET', '/api/users/self', { authorization: `Token ${key}` })).statusCode, 200);
    await banUser(f.core, SYSTEM, { userId: user.id, reason: 'spam', durationMs: null });
    assert.equal((await inject('GET', '/api/users/self', { authorization: `Token ${key}` })).statusCode, 401);
  });

  test('Bearer personal access tokens may list and view users, not write', async () => {
    assert.equal((await f.request('worker', 'GET', '/api/users/self', { scheme: 'Bearer' })).statusCode, 200);
    assert.equal((await f.request('worker', 'GET', '/api/users', { scheme: 'Bearer' })).statusCode, 200);
    const write = await f.request('worker', 'PATCH', `/api/users/${f.users.worker.id}`, { scheme: 'Bearer', payload: { first_name: 'X' } });
    assert.equal(write.statusCode, 403);
    assert.deepEqual(write.json(), { detail: 'You do not have permission to perform this action.' });
  });

  test('Basic with a password or with an API key; a wrong one is 401', async () => {
    assert.equal((await inject('GET', '/api/users/self', { authorization: basic('worker_user', PASSWORD) })).statusCode, 200);
    assert.equal((await inject('GET', '/api/users/self', { authorization: basic('worker_user', f.keys.worker) })).statusCode, 200);
    const wrong = await inject('GET', '/api/users/self', { authorization: basic('worker_user', 'wrong password') });
    assert.equal(wrong.statusCode, 401);
    assert.deepEqual(wrong.json(), { detail: 'Invalid username/password.' });
  });

  test('login returns {key} and sets sessionid and csrftoken; the key works as a Token', async () => {
    const response = await inject('POST', '/api/auth/login', {}, { username: 'supervisor_user', password: PASSWORD });
    assert.equal(response.statusCode, 200);
    const { key } = response.json() as { key: string };
    assert.equal(typeof key, 'string');
    const cookies = cookiesOf(response.headers['set-cookie']);
    assert.equal(cookies.sessionid, key);
    assert.ok(cookies.csrftoken);
    assert.equal(((await inject('GET', '/api/users/self', { authorization: `Token ${key}` })).json() as Json).username, 'supervisor_user');
    const byEmail = await inject('POST', '/api/auth/login', {}, { email: 'supervisor@example.org', password: PASSWORD });
    assert.equal(byEmail.statusCode, 200);
  });

  test('bad credentials at login are 400 non_field_errors', async () => {
    const response = await inject('POST', '/api/auth/login', {}, { username: 'supervisor_user', password: 'nope nope nope' });
    assert.equal(response.statusCode, 400);
    assert.deepEqual(response.json(), { non_field_errors: ['Unable to log in with provided credentials.'] });
  });

  test('session cookie: reads freely, writes need X-CSRFToken', async () => {
    const login = await inject('POST', '/api/auth/login', {}, { username: 'maintainer_user', password: PASSWORD });
    const cookies = cookiesOf(login.headers['set-cookie']);
    const cookie = `sessionid=${cookies.sessionid}; csrftoken=${cookies.csrftoken}`;
    assert.equal((await inject('GET', '/api/users/self', { cookie })).statusCode, 200);
    const path = `/api/users/${f.users.maintainer.id}`;
    const missing = await inject('PATCH', path, { cookie }, { first_name: 'M' });
    assert.equal(missing.statusCode, 403);
    assert.deepEqual(missing.json(), { detail: 'CSRF Failed: CSRF token missing.' });
    const wrong = await inject('PATCH', path, { cookie, 'x-csrftoken': 'forged' }, { first_name: 'M' });
    assert.deepEqual(wrong.json(), { detail: 'CSRF Failed: CSRF token incorrect.' });
    const ok = await inject('PATCH', path, { cookie, 'x-csrftoken': cookies.csrftoken! }, { first_name: 'M' });
    assert.equal(ok.statusCode, 200);
    // logout ends the session
    const logout = await inject('POST', '/api/auth/logout', { cookie, 'x-csrftoken': cookies.csrftoken! });
    assert.deepEqual(logout.json(), { detail: 'Successfully logged out.' });
    assert.equal((await inject('GET', '/api/users/self', { cookie })).statusCode, 401);
  });

  test('register creates the account and signs it in', async () => {
    const response = await inject(
      'POST',
      '/api/auth/register',
      {},
      { username: 'newcomer', email: 'new@example.org', password1: 'a long passphrase', password2: 'a long passphrase', first_name: 'New' },
    );
    assert.equal(response.statusCode, 201);
    const body = response.json() as Json;
    assert.deepEqual(Object.keys(body), ['username', 'email', 'first_name', 'last_name', 'email_verification_required', 'key']);
    assert.deepEqual(
      [body.username, body.email, body.first_name, body.last_name, body.email_verification_required],
      ['newcomer', 'new@example.org', 'New', '', false],
    );
    const self = (await inject('GET', '/api/users/self', { authorization: `Token ${String(body.key)}` })).json() as Json;
    assert.deepEqual(self.groups, ['user']);
  });

  test('register refusals', async () => {
    const short = await inject(
      'POST',
      '/api/auth/register',
      {},
      { username: 'abc', email: 'a@example.org', password1: 'a long passphrase', password2: 'a long passphrase' },
    );
    assert.deepEqual(short.json(), { username: ['Ensure this field has at least 5 characters.'] });
    const mismatch = await inject(
      'POST',
      '/api/auth/register',
      {},
      { username: 'abcdef', email: 'a@example.org', password1: 'a long passphrase', password2: 'another one!' },
    );
    assert.deepEqual(mismatch.json(), { non_field_errors: ["The two password fields didn't match."] });
    const missing = await inject('POST', '/api/auth/register', {}, { username: 'abcdef' });
    assert.equal(missing.statusCode, 400);
    assert.deepEqual(Object.keys(missing.json() as Json), ['email', 'password1', 'password2']);
    const taken = await inject(
      'POST',
      '/api/auth/register',
      {},
      { username: 'worker_user', email: 'b@example.org', password1: 'a long passphrase', password2: 'a long passphrase' },
    );
    assert.deepEqual(taken.json(), { username: ['A user with that username already exists.'] });
  });

  test('password change needs the old password', async () => {
    const token = await f.request('worker', 'POST', '/api/auth/password/change', {
      payload: { old_password: 'wrong', new_password1: 'new passphrase!', new_password2: 'new passphrase!' },
    });
    assert.equal(token.statusCode, 400);
    assert.deepEqual(token.json(), { old_password: ['Your old password was entered incorrectly. Please enter it again.'] });
    const ok = await f.request('worker', 'POST', '/api/auth/password/change', {
      payload: { old_password: PASSWORD, new_password1: 'new passphrase!', new_password2: 'new passphrase!' },
    });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.deepEqual(ok.json(), { detail: 'New password has been saved.' });
    assert.equal((await inject('POST', '/api/auth/login', {}, { username: 'worker_user', password: 'new passphrase!' })).statusCode, 200);
  });

  test("Accept negotiation: CVAT's media type, wildcards, versions; application/json is 406", async () => {
    const cases: [string, number, string][] = [
      ['application/vnd.cvat+json', 200, 'application/vnd.cvat+json'],
      ['application/vnd.cvat+json; version=2.0', 200, 'application/vnd.cvat+json; version=2.0'],
      ['*/*', 200, 'application/vnd.cvat+json'],
      ['application/*', 200, 'application/vnd.cvat+json'],
      ['text/html, application/json;q=0.9, */*;q=0.8', 200, 'application/vnd.cvat+json'],
      ['application/json', 406, 'application/vnd.cvat+json'],
    ];
    for (const [accept, status, type] of cases) {
      const response = await f.request('worker', 'GET', '/api/users/self', { headers: { accept } });
      assert.equal(response.statusCode, status, accept);
      assert.equal(response.headers['content-type'], type);
    }
    const refused = await f.request('worker', 'GET', '/api/users/self', { headers: { accept: 'application/json' } });
    assert.deepEqual(refused.json(), { detail: 'Could not satisfy the request Accept header.' });
  });

  test('bad JSON bodies get a DRF body, never a 500', async () => {
    const response = await f.app.inject({
      method: 'PATCH',
      url: `/cvat/api/users/${f.users.worker.id}`,
      headers: { authorization: `Token ${f.keys.worker}`, 'content-type': 'application/json' },
      payload: '{"first_name":',
    });
    assert.equal(response.statusCode, 400);
    assert.match(String((response.json() as Json).detail), /^JSON parse error/);
  });
});

describe('CVAT at the root of its own port', () => {
  let f: CvatFixture;
  before(async () => {
    f = await cvatFixture({ app: { only: 'cvat' } });
  });
  after(() => f.close());

  test('serves /api/users with root-relative absolute URLs', async () => {
    const response = await f.request('worker', 'GET', '/api/users/self');
    assert.equal(response.statusCode, 200);
    assert.equal((response.json() as Json).url, `http://localhost:80/api/users/${f.users.worker.id}`);
    const unknown = await f.request(null, 'GET', '/nowhere');
    assert.equal(unknown.statusCode, 404);
    assert.deepEqual(unknown.json(), { detail: 'Not found.' });
  });
});
