import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { StackClientApp, StackServerApp } from '@stackframe/js';
// The SDK's own request layer (a dependency of @stackframe/js, pinned with it), to send a body its high-level update never would.
import { KnownErrors, StackClientInterface } from '@stackframe/stack-shared';
import type { FastifyInstance } from 'fastify';
import { SYSTEM } from '../../src/core/access/viewer.js';
import { createStackProject, type CreatedStackProject } from '../../src/core/orgs/stack-projects.js';
import { buildApp } from '../../src/app.js';
import { createTestCore, type TestCore } from '../support/database.js';

/**
 * The real `@stackframe/js` 2.8.102 against Roster's Stack dialect on a real 127.0.0.1 port, at
 * the root of the port as `ROSTER_DIALECT_PORTS=stack=…` serves it. Every request the SDK makes
 * is recorded, and each must have been answered by a route (never the 404 handler).
 */
describe('@stackframe/js against Roster', () => {
  let core: TestCore;
  let app: FastifyInstance;
  let project: CreatedStackProject;
  let baseUrl: string;
  const unrouted: string[] = [];

  before(async () => {
    core = await createTestCore();
    project = await createStackProject(core, SYSTEM, { displayName: 'SDK project' });
    app = buildApp(core, { only: 'stack' });
    app.addHook('onResponse', async (request, reply) => {
      if (reply.statusCode === 404 && !request.routeOptions.url) unrouted.push(`${request.method} ${request.url}`);
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await app.close();
    await core.dispose();
  });

  const serverApp = () =>
    new StackServerApp({
      baseUrl,
      projectId: project.project.id,
      publishableClientKey: project.publishableClientKey,
      secretServerKey: project.secretServerKey,
      tokenStore: 'memory',
    });
  const clientApp = () =>
    new StackClientApp({ baseUrl, projectId: project.project.id, publishableClientKey: project.publishableClientKey, tokenStore: 'memory' });

  test('StackServerApp creates, gets, lists (paged and by query), updates and deletes users', async () => {
    const server = serverApp();
    const created = [];
    for (const [i, name] of ['Ada Lovelace', 'Alan Turing', 'Grace Hopper'].entries()) {
      created.push(
        await server.createUser({ primaryEmail: `sdk${i}@example.com`, displayName: name, password: 'sdk password 1', primaryEmailAuthEnabled: true }),
      );
    }
    assert.equal(created[0]!.displayName, 'Ada Lovelace');
    assert.equal(created[0]!.primaryEmail, 'sdk0@example.com');
    assert.deepEqual(created[0]!.riskScores, { signUp: { bot: 0, freeTrialAbuse: 0 } });

    const fetched = await server.getUser(created[1]!.id);
    assert.equal(fetched?.displayName, 'Alan Turing');
    assert.equal(await server.getUser('00000000-0000-4000-8000-000000000000'), null);

    const all = await server.listUsers();
    assert.deepEqual(
      all.map((u) => u.displayName),
      ['Ada Lovelace', 'Alan Turing', 'Grace Hopper'],
    );
    const first = await server.listUsers({ limit: 2 });
    assert.deepEqual(
      first.map((u) => u.displayName),
      ['Ada Lovelace', 'Alan Turing'],
    );
    assert.equal(first.nextCursor, created[2]!.id);
    const second = await server.listUsers({ limit: 2, cursor: first.nextCursor! });
    assert.deepEqual(
      second.map((u) => u.displayName),
      ['Grace Hopper'],
    );
    assert.equal(second.nextCursor, null);
    const found = await server.listUsers({ query: 'TURING' });
    assert.deepEqual(
      found.map((u) => u.id),
      [created[1]!.id],
    );
    const desc = await server.listUsers({ orderBy: 'signedUpAt', desc: true, limit: 1 });
    assert.equal(desc[0]!.displayName, 'Grace Hopper');

    const user = created[0]!;
    await user.update({
      displayName: 'Countess Lovelace',
      clientMetadata: { theme: 'dark' },
      clientReadOnlyMetadata: { plan: 'pro' },
      serverMetadata: { stripe: 'cus_1' },
    });
    const updated = await server.getUser(user.id);
    assert.equal(updated?.displayName, 'Countess Lovelace');
    assert.deepEqual(updated?.clientMetadata, { theme: 'dark' });
    assert.deepEqual(updated?.clientReadOnlyMetadata, { plan: 'pro' });
    assert.deepEqual(updated?.serverMetadata, { stripe: 'cus_1' });
    await updated!.setDisplayName('Ada');
    await updated!.setServerMetadata({ stripe: 'cus_2' });
    const again = await server.getUser(user.id);
    assert.equal(again?.displayName, 'Ada');
    assert.deepEqual(again?.serverMetadata, { stripe: 'cus_2' });

    await again!.delete();
    assert.equal(await server.getUser(user.id), null);
    assert.deepEqual(
      (await server.listUsers()).map((u) => u.displayName),
      ['Alan Turing', 'Grace Hopper'],
    );
    assert.deepEqual(unrouted, []);
  });

  test('StackClientApp signs up and in with a password, reads and updates its own user; server-only fields are refused', async () => {
    const signUpClient = clientApp();
    const signedUp = await signUpClient.signUpWithCredential({
      email: 'client@example.com',
      password: 'client password 1',
      noRedirect: true,
      noVerificationCallback: true,
    });
    assert.equal(signedUp.status, 'ok');
    const me = await signUpClient.getUser();
    assert.equal(me?.primaryEmail, 'client@example.com');

    const client = clientApp();
    assert.equal(await client.getUser(), null);
    const signedIn = await client.signInWithCredential({ email: 'client@example.com', password: 'client password 1', noRedirect: true });
    assert.equal(signedIn.status, 'ok');
    const user = await client.getUser({ or: 'throw' });
    assert.equal(user.primaryEmail, 'client@example.com');
    assert.equal(user.id, me?.id);
    const wrong = await clientApp().signInWithCredential({ email: 'client@example.com', password: 'not the password', noRedirect: true });
    assert.equal(wrong.status, 'error');

    await user.update({ displayName: 'Client Person', clientMetadata: { onboarded: true } });
    const reread = await client.getUser({ or: 'throw' });
    assert.equal(reread.displayName, 'Client Person');
    assert.deepEqual(reread.clientMetadata, { onboarded: true });

    // A client may not write server data: the SDK's client request layer gets SCHEMA_ERROR and nothing changes.
    const tokens = await reread.getAuthJson();
    const sdkInterface = new StackClientInterface({
      getBaseUrl: () => baseUrl,
      getApiUrls: () => [baseUrl],
      projectId: project.project.id,
      publishableClientKey: project.publishableClientKey,
      clientVersion: 'roster-test',
      extraRequestHeaders: {},
      prepareRequest: async () => {},
    });
    const session = sdkInterface.createSession({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken });
    // The SDK's types forbid this body too; it is sent as a misbehaving client would.
    const serverOnly = JSON.parse('{"server_metadata":{"admin":true}}') as Parameters<typeof sdkInterface.updateClientUser>[0];
    await assert.rejects(sdkInterface.updateClientUser(serverOnly, session), (error: unknown) => {
      assert.ok(KnownErrors.SchemaError.isInstance(error));
      assert.match(error.message, /body contains unknown properties: server_metadata/);
      return true;
    });
    const serverView = await serverApp().getUser(reread.id);
    assert.equal(serverView?.serverMetadata, null);
    assert.equal(serverView?.displayName, 'Client Person');

    // A session with only a refresh token gets its access token from /auth/oauth/token.
    const refreshed = sdkInterface.createSession({ refreshToken: tokens.refreshToken });
    assert.equal((await sdkInterface.getClientUserByToken(refreshed))?.display_name, 'Client Person');
    await client.signOut();
    assert.equal(await sdkInterface.getClientUserByToken(sdkInterface.createSession({ refreshToken: tokens.refreshToken })), null);
    assert.deepEqual(unrouted, []);
  });
});
