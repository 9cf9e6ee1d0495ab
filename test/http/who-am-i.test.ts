import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { createApiKey } from '../../src/core/auth/api-keys.js';
import { login } from '../../src/core/auth/sessions.js';
import { hashPassword } from '../../src/core/auth/passwords.js';
import { SYSTEM } from '../../src/core/access/viewer.js';
import { updateUser } from '../../src/core/users/users.js';
import { createTestCore, type TestCore } from '../support/database.js';
import { insertUser, viewerOf } from '../support/users.js';

/** Who-am-I in each dialect that answers it from the viewer alone, with the request's credential. */
const WHO_AM_I: readonly { readonly name: string; readonly url: string; readonly auth: (name: string, key: string) => Record<string, string> }[] = [
  { name: 'Danbooru /profile.json', url: '/danbooru/profile.json', auth: (name, key) => basic(name, key) },
  { name: 'e621 /user/show.json', url: '/e621/user/show.json', auth: (name, key) => basic(name, key) },
  { name: 'native /v1/me', url: '/v1/me', auth: (_name, key) => ({ authorization: `Bearer ${key}` }) },
  { name: 'CVAT /api/users/self', url: '/cvat/api/users/self', auth: (_name, key) => ({ authorization: `Token ${key}` }) },
];

function basic(name: string, key: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${name}:${key}`).toString('base64')}` };
}

describe('who-am-I reuses the viewer the credential check loaded', () => {
  let core: TestCore;
  let app: FastifyInstance;
  let userId = 0;
  let key = '';

  before(async () => {
    core = await createTestCore();
    app = buildApp(core);
    await app.ready();
    userId = await insertUser(core, { name: 'myself', password_hash: await hashPassword('my own password 1') });
    key = (await createApiKey(core, await viewerOf(core, userId), userId, {})).secret;
  });
  after(async () => {
    await app.close();
    await core.dispose();
  });

  /** The statements run while answering one request. */
  async function statementsDuring(url: string, headers: Record<string, string>): Promise<{ count: number; body: string }> {
    let count = 0;
    const stop = core.databaseObserver.onStatement(() => count++);
    try {
      const response = await app.inject({ url, headers });
      assert.equal(response.statusCode, 200, response.body);
      return { count, body: response.body };
    } finally {
      stop();
    }
  }

  for (const { name, url, auth } of WHO_AM_I) {
    test(`${name}: with a cached credential, no SQL at all`, async () => {
      await statementsDuring(url, auth('myself', key));
      const { count, body } = await statementsDuring(url, auth('myself', key));
      assert.equal(count, 0);
      assert.match(body, /myself/);
    });
  }

  test('a change to the user is shown at once, the cached viewer being dropped', async () => {
    await statementsDuring('/v1/me', auth());
    await updateUser(core, SYSTEM, userId, { displayName: 'Shown At Once' });
    const { body } = await statementsDuring('/v1/me', auth());
    assert.match(body, /Shown At Once/);
  });

  test('a sign-in elsewhere is shown in last_logged_in_at', async () => {
    const before = JSON.parse((await statementsDuring('/danbooru/profile.json', basic('myself', key))).body) as { last_logged_in_at: string | null };
    await login(core, { login: 'myself', password: 'my own password 1', ip: null });
    const after = JSON.parse((await statementsDuring('/danbooru/profile.json', basic('myself', key))).body) as { last_logged_in_at: string | null };
    assert.equal(before.last_logged_in_at, null);
    assert.notEqual(after.last_logged_in_at, null);
  });

  function auth(): Record<string, string> {
    return { authorization: `Bearer ${key}` };
  }
});
