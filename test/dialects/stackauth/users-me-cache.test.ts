import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import { banUser } from '../../../src/core/moderation/moderation.js';
import { updateStackProject } from '../../../src/core/orgs/stack-projects.js';
import { getUserByUuid, updateUser } from '../../../src/core/users/users.js';
import { settleChanges, statementsDuring } from '../../support/statements.js';
import { knownError, stackFixture, type StackFixture } from './fixture.js';

/**
 * `GET /users/me` with an access token answers from what the token check cached (the project,
 * the verified token, its session and user), and every change that matters is heard at once.
 */
describe('Stack /users/me runs no SQL once warm, and hears every change', () => {
  let f: StackFixture;

  before(async () => {
    f = await stackFixture();
  });
  after(() => f.close());

  const me = (token: string) => f.request({ access: 'client', url: '/api/v1/users/me', token });

  /** A fresh user, its token, and its first (warming) answer. */
  async function signedIn(email: string): Promise<{ token: string; id: number; first: string }> {
    const { access_token: token, user_id: uuid } = await f.signUp(email);
    await settleChanges(f.core);
    const first = await me(token);
    assert.equal(first.statusCode, 200, first.body);
    return { token, id: (await getUserByUuid(f.core, uuid)).id, first: first.body };
  }

  test('a warm request runs no statement and answers the same body', async () => {
    const { token, first } = await signedIn('warm@example.com');
    const { result, statements } = await statementsDuring(f.core, () => me(token));
    assert.deepEqual(statements, []);
    assert.equal(result.statusCode, 200);
    assert.equal(result.body, first);
  });

  test('a change to the user shows on the next request, then is cached again', async () => {
    const { token, id } = await signedIn('renamed@example.com');
    await updateUser(f.core, SYSTEM, id, { displayName: 'Renamed At Once' });
    assert.equal((await me(token)).json().display_name, 'Renamed At Once');
    await settleChanges(f.core);
    await me(token);
    const { result, statements } = await statementsDuring(f.core, () => me(token));
    assert.deepEqual(statements, []);
    assert.equal(result.json().display_name, 'Renamed At Once');
  });

  test('a ban refuses the cached token at once', async () => {
    const { token, id } = await signedIn('banned@example.com');
    await banUser(f.core, SYSTEM, { userId: id, reason: 'spam', durationMs: null });
    assert.equal(knownError(await me(token)).code, 'CANNOT_GET_OWN_USER_WITHOUT_USER');
  });

  test('signing out refuses the cached token at once', async () => {
    const { token } = await signedIn('signed-out@example.com');
    const out = await f.request({ access: 'client', method: 'DELETE', url: '/api/v1/auth/sessions/current', token, body: {} });
    assert.equal(out.statusCode, 200, out.body);
    assert.equal(knownError(await me(token)).code, 'CANNOT_GET_OWN_USER_WITHOUT_USER');
  });

  test("a change to the project's settings applies at once", async () => {
    const { token } = await signedIn('unverified@example.com');
    await updateStackProject(f.core, SYSTEM, f.project.project.id, { config: { require_email_verification: true } });
    try {
      assert.equal(knownError(await me(token)).code, 'RESTRICTED_USER_NOT_ALLOWED');
    } finally {
      await updateStackProject(f.core, SYSTEM, f.project.project.id, { config: { require_email_verification: false } });
    }
    assert.equal((await me(token)).statusCode, 200);
  });

  test('the cached token is refused once it expires, with its expiry', async () => {
    const { token } = await signedIn('expiring@example.com');
    const start = f.clock.now;
    f.clock.now += 10 * 60 * 1000;
    try {
      assert.equal(knownError(await me(token)).code, 'ACCESS_TOKEN_EXPIRED');
    } finally {
      f.clock.now = start;
    }
  });

  test("another project's cached token is still refused as another project's", async () => {
    const { token } = await signedIn('elsewhere@example.com');
    const other = await f.newProject();
    assert.equal(knownError(await f.request({ access: 'client', project: other, url: '/api/v1/users/me', token })).code, 'INVALID_PROJECT_FOR_ACCESS_TOKEN');
  });
});
