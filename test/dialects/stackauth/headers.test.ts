import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { knownError, stackFixture, type StackFixture } from './fixture.js';

/** Spec §3.2: the x-stack-* headers, every header error in Stack's order, and the response format. */
describe('Stack Auth headers and errors', () => {
  let f: StackFixture;
  before(async () => {
    f = await stackFixture();
  });
  after(() => f.close());

  const me = (headers: Record<string, string>) => f.request({ access: 'none', url: '/api/v1/users/me', headers });
  const expectKnown = async (headers: Record<string, string>, status: number, code: string) => {
    const response = await me(headers);
    assert.equal(response.statusCode, status, response.body);
    const body = knownError(response);
    assert.equal(body.code, code);
    return body;
  };

  test('no headers at all: 400 ACCESS_TYPE_REQUIRED, pretty-printed, with X-Stack-Known-Error', async () => {
    const body = await expectKnown({}, 400, 'ACCESS_TYPE_REQUIRED');
    assert.match(body.error, /You must specify an access level for this Stack project/);
    assert.equal(body.details, undefined);
  });

  test('a key without an access type: PROJECT_KEY_WITHOUT_ACCESS_TYPE, checked before anything else', async () => {
    await expectKnown({ 'x-stack-secret-server-key': 'x' }, 400, 'PROJECT_KEY_WITHOUT_ACCESS_TYPE');
    await expectKnown({ 'x-stack-publishable-client-key': 'x', 'x-stack-project-id': 'nope' }, 400, 'PROJECT_KEY_WITHOUT_ACCESS_TYPE');
    // A project id alone is still no access type.
    await expectKnown({ 'x-stack-project-id': f.project.project.id }, 400, 'ACCESS_TYPE_REQUIRED');
  });

  test('INVALID_ACCESS_TYPE, before a missing project id', async () => {
    const body = await expectKnown({ 'x-stack-access-type': 'root' }, 400, 'INVALID_ACCESS_TYPE');
    assert.equal(body.error, "The x-stack-access-type header must be 'client', 'server', or 'admin', but was 'root'.");
  });

  test('ACCESS_TYPE_WITHOUT_PROJECT_ID, then CURRENT_PROJECT_NOT_FOUND for unknown or malformed ids', async () => {
    const body = await expectKnown({ 'x-stack-access-type': 'server', 'x-stack-secret-server-key': 'wrong' }, 400, 'ACCESS_TYPE_WITHOUT_PROJECT_ID');
    assert.deepEqual(body.details, { request_type: 'server' });
    const unknown = await expectKnown(
      { 'x-stack-access-type': 'server', 'x-stack-project-id': '00000000-0000-4000-8000-000000000000', 'x-stack-secret-server-key': 'wrong' },
      400,
      'CURRENT_PROJECT_NOT_FOUND',
    );
    assert.deepEqual(unknown.details, { project_id: '00000000-0000-4000-8000-000000000000' });
    await expectKnown({ 'x-stack-access-type': 'client', 'x-stack-project-id': 'internal' }, 400, 'CURRENT_PROJECT_NOT_FOUND');
  });

  test('client keys: required when the project says so, checked when given, not required otherwise', async () => {
    const base = { 'x-stack-access-type': 'client', 'x-stack-project-id': f.project.project.id };
    await expectKnown(base, 401, 'PUBLISHABLE_CLIENT_KEY_REQUIRED_FOR_PROJECT');
    await expectKnown({ ...base, 'x-stack-publishable-client-key': f.project.secretServerKey }, 401, 'INVALID_PUBLISHABLE_CLIENT_KEY');
    // The right key passes the project checks: the next error is about the missing user.
    await expectKnown({ ...base, 'x-stack-publishable-client-key': f.project.publishableClientKey }, 400, 'CANNOT_GET_OWN_USER_WITHOUT_USER');
    const keyless = await f.newProject({ require_publishable_client_key: false });
    await expectKnown({ 'x-stack-access-type': 'client', 'x-stack-project-id': keyless.project.id }, 400, 'CANNOT_GET_OWN_USER_WITHOUT_USER');
    await expectKnown(
      { 'x-stack-access-type': 'client', 'x-stack-project-id': keyless.project.id, 'x-stack-publishable-client-key': 'wrong' },
      401,
      'INVALID_PUBLISHABLE_CLIENT_KEY',
    );
  });

  test("server and admin keys: required, and only that project's own key of that kind", async () => {
    const base = { 'x-stack-project-id': f.project.project.id };
    await expectKnown({ ...base, 'x-stack-access-type': 'server' }, 401, 'SERVER_AUTHENTICATION_REQUIRED');
    await expectKnown(
      { ...base, 'x-stack-access-type': 'server', 'x-stack-secret-server-key': f.project.superSecretAdminKey },
      401,
      'INVALID_SECRET_SERVER_KEY',
    );
    await expectKnown({ ...base, 'x-stack-access-type': 'admin' }, 401, 'ADMIN_AUTHENTICATION_REQUIRED');
    await expectKnown(
      { ...base, 'x-stack-access-type': 'admin', 'x-stack-super-secret-admin-key': f.project.secretServerKey },
      401,
      'INVALID_SUPER_SECRET_ADMIN_KEY',
    );
    const other = await f.newProject();
    await expectKnown({ ...base, 'x-stack-access-type': 'server', 'x-stack-secret-server-key': other.secretServerKey }, 401, 'INVALID_SECRET_SERVER_KEY');
    await expectKnown(f.headers('server'), 400, 'CANNOT_GET_OWN_USER_WITHOUT_USER');
    await expectKnown(f.headers('admin'), 400, 'CANNOT_GET_OWN_USER_WITHOUT_USER');
  });

  test('BRANCH_DOES_NOT_EXIST after the keys; main is the only branch', async () => {
    const body = await expectKnown({ ...f.headers('server'), 'x-stack-branch-id': 'dev' }, 400, 'BRANCH_DOES_NOT_EXIST');
    assert.deepEqual(body.details, { branch_id: 'dev' });
    await expectKnown({ ...f.headers('server'), 'x-stack-branch-id': 'main' }, 400, 'CANNOT_GET_OWN_USER_WITHOUT_USER');
    // A bad key is reported before a bad branch.
    await expectKnown({ ...f.headers('server'), 'x-stack-secret-server-key': 'x', 'x-stack-branch-id': 'dev' }, 401, 'INVALID_SECRET_SERVER_KEY');
  });

  test('x-hexclave-* headers are accepted as aliases', async () => {
    const h = f.headers('server');
    const aliased = Object.fromEntries(Object.entries(h).map(([k, v]) => [k.replace('x-stack-', 'x-hexclave-'), v]));
    const response = await f.request({ access: 'none', url: '/api/v1/users', headers: aliased });
    assert.equal(response.statusCode, 200, response.body);
  });

  test('every response carries x-stack-request-id, cache-control no-store and CORS', async () => {
    const ok = await f.request({ access: 'server', url: '/api/v1/users' });
    const failed = await me({});
    for (const response of [ok, failed]) {
      assert.match(String(response.headers['x-stack-request-id']), /^[0-9a-f-]{36}$/);
      assert.equal(response.headers['cache-control'], 'no-store, max-age=0');
      assert.equal(response.headers['access-control-allow-origin'], '*');
    }
    assert.notEqual(ok.headers['x-stack-request-id'], failed.headers['x-stack-request-id']);
    assert.equal(ok.headers['x-stack-known-error'], undefined);
  });

  test('x-stack-override-error-status: true answers a 4xx with 200 and x-stack-actual-status', async () => {
    const response = await me({ 'x-stack-override-error-status': 'true' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['x-stack-actual-status'], '400');
    assert.equal(knownError(response).code, 'ACCESS_TYPE_REQUIRED');
    const plain = await me({});
    assert.equal(plain.statusCode, 400);
    assert.equal(plain.headers['x-stack-actual-status'], undefined);
    const success = await f.request({ access: 'server', url: '/api/v1/users', headers: { 'x-stack-override-error-status': 'true' } });
    assert.equal(success.headers['x-stack-actual-status'], undefined);
  });

  test('plain errors are text/plain messages without X-Stack-Known-Error', async () => {
    const response = await f.request({ access: 'server', url: '/api/v1/users?only_anonymous=true' });
    assert.equal(response.statusCode, 400);
    assert.match(String(response.headers['content-type']), /^text\/plain/);
    assert.equal(response.headers['x-stack-known-error'], undefined);
    assert.equal(response.body, 'only_anonymous=true requires include_anonymous=true');
    const unknownRoute = await f.request({ access: 'server', url: '/api/v1/nothing-here' });
    assert.equal(unknownRoute.statusCode, 404);
    assert.match(String(unknownRoute.headers['content-type']), /^text\/plain/);
  });

  test('a malformed JSON body is a SCHEMA_ERROR', async () => {
    const response = await f.app.inject({
      method: 'PATCH',
      url: '/stack/api/v1/users/me',
      headers: { ...f.headers('server'), 'content-type': 'application/json' },
      payload: '{nope',
    });
    assert.equal(response.statusCode, 400);
    assert.equal(knownError(response).code, 'SCHEMA_ERROR');
  });
});

describe('Stack Auth at the root of its own port', () => {
  test('the same API without the /stack prefix', async () => {
    const f = await stackFixture({ app: { only: 'stack' } });
    try {
      const response = await f.request({ access: 'server', url: '/api/v1/users' });
      assert.equal(response.statusCode, 200, response.body);
      assert.deepEqual(response.json(), { items: [], is_paginated: true, pagination: { next_cursor: null } });
      const unauthenticated = await f.request({ access: 'none', url: '/api/v1/users/me' });
      assert.equal(knownError(unauthenticated).code, 'ACCESS_TYPE_REQUIRED');
    } finally {
      await f.close();
    }
  });
});
