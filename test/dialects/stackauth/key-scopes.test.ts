import assert from 'node:assert/strict';
import type { RouteOptions } from 'fastify';
import { after, before, describe, test } from 'node:test';
import { createApiKey } from '../../../src/core/auth/api-keys.js';
import { isScope } from '../../../src/core/auth/scopes.js';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import { createUser } from '../../../src/core/users/users.js';
import { buildApp } from '../../../src/app.js';
import { STACK_SCOPES } from '../../../src/dialects/stack/scopes.js';
import { knownError, stackFixture, type StackFixture } from './fixture.js';

/**
 * Stack's credentials are the project's keys and session access tokens; a Roster API key, with
 * or without scopes and permitted addresses, is none of them, so it opens nothing here.
 */
describe('Stack: API key scopes and permitted addresses', () => {
  let f: StackFixture;
  let scoped: string;
  let limited: string;
  before(async () => {
    f = await stackFixture();
    const user = await createUser(f.core, SYSTEM, { name: 'keyholder', email: 'keyholder@example.org', password: null });
    scoped = (await createApiKey(f.core, SYSTEM, user.id, { name: 'scoped', scopes: ['users:profile'] })).secret;
    limited = (await createApiKey(f.core, SYSTEM, user.id, { name: 'limited', permittedIps: ['198.51.100.0/24'] })).secret;
  });
  after(() => f.close());

  const count = async (table: 'api_keys' | 'sessions'): Promise<number> =>
    Number((await f.core.db.selectFrom(table).select(f.core.db.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  test('a Roster API key is not an access token: 401 UNPARSABLE_ACCESS_TOKEN, even from a permitted address', async () => {
    for (const secret of [scoped, limited]) {
      for (const remoteAddress of ['198.51.100.7', '203.0.113.7']) {
        const response = await f.app.inject({
          method: 'GET',
          url: '/stack/api/v1/users/me',
          remoteAddress,
          headers: { ...f.headers('client'), 'x-stack-access-token': secret },
        });
        assert.equal(response.statusCode, 401);
        assert.equal(knownError(response).code, 'UNPARSABLE_ACCESS_TOKEN');
      }
    }
  });

  test('a Roster API key is not a server key, and cannot open a session (no wider credential is minted)', async () => {
    const before = { keys: await count('api_keys'), sessions: await count('sessions') };
    const { user_id } = await f.signUp('victim@example.org');
    const signUpSessions = (await count('sessions')) - before.sessions;
    const headers = { 'x-stack-project-id': f.project.project.id, 'x-stack-access-type': 'server', 'x-stack-secret-server-key': scoped };
    const session = await f.request({ access: 'none', method: 'POST', url: '/api/v1/auth/sessions', headers, body: { user_id } });
    assert.equal(session.statusCode, 401);
    assert.equal(knownError(session).code, 'INVALID_SECRET_SERVER_KEY');
    // Sent as an Authorization header it is no credential at all: the caller stays anonymous.
    const me = await f.request({ access: 'client', url: '/api/v1/users/me', headers: { authorization: `Bearer ${scoped}` } });
    assert.equal(me.statusCode, 400);
    assert.equal(knownError(me).code, 'CANNOT_GET_OWN_USER_WITHOUT_USER');
    assert.deepEqual({ keys: await count('api_keys'), sessions: (await count('sessions')) - signUpSessions }, before);
  });

  test('every Stack route declares its scope, in the core vocabulary', async () => {
    const app = buildApp(f.core);
    const seen: RouteOptions[] = [];
    app.addHook('onRoute', (route) => void (route.url.startsWith('/stack/') && seen.push(route)));
    await app.ready();
    await app.close();
    const declared = new Map<string, unknown>();
    for (const route of seen) {
      for (const method of [route.method].flat()) if (method !== 'HEAD') declared.set(`${method} ${route.url.slice('/stack'.length)}`, route.config?.scope);
    }
    assert.deepEqual(
      [...declared].filter(([, scope]) => scope === undefined),
      [],
    );
    for (const [key, scope] of Object.entries(STACK_SCOPES)) {
      assert.equal(declared.get(key), scope, `stale or unapplied entry ${key}`);
      assert.ok(scope === null || isScope(scope), key);
    }
  });
});
