import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import E621 from 'e621';
import { Level } from '../../src/core/access/levels.js';
import { SYSTEM } from '../../src/core/access/viewer.js';
import { createApiKey } from '../../src/core/auth/api-keys.js';
import { createUser, getUser, updateUser } from '../../src/core/users/users.js';
import { buildApp } from '../../src/app.js';
import { createTestCore, type TestCore } from '../support/database.js';

/**
 * The real `e621` package (2.2.6, pinned) against Roster's e621 port: its users module, over a
 * real socket. The client sends `Host` without the port and its own User-Agent
 * (`E621/2.2.6 (…)`), finds the signed-in user through `/users/upload_limit.json`, and edits it
 * with `PATCH /users/0.json`. The User-Agent rule is on, as on e621.
 */
describe('the e621 npm client against the e621 port', () => {
  let core: TestCore;
  let app: ReturnType<typeof buildApp>;
  let port: number;
  let key: string;
  let memberId: number;

  const client = (auth: boolean): InstanceType<typeof E621.Custom> =>
    new E621.Custom(auth ? { authUser: 'client_member', authKey: key } : {}, { host: '127.0.0.1', port, ssl: false, imageReconstructionType: 'dev' });

  before(async () => {
    core = await createTestCore({ env: { ROSTER_E621_REQUIRE_USER_AGENT: 'true' } });
    const member = await createUser(core, SYSTEM, { name: 'client_member', email: 'client@example.org', emailVerified: true });
    memberId = member.id;
    await updateUser(core, SYSTEM, member.id, { counters: { post_upload_count: 5, note_update_count: 2 } });
    key = (await createApiKey(core, SYSTEM, member.id, { name: 'client' })).secret;
    for (const [name, level] of [
      ['client_gold', Level.Gold],
      ['client_janitor', Level.Approver],
      ['client_mod', Level.Moderator],
      ['client_admin', Level.Admin],
    ] as const) {
      await createUser(core, SYSTEM, { name, level });
    }
    app = buildApp(core, { only: 'e621' });
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as AddressInfo).port;
  });
  after(async () => {
    await app.close();
    await core.dispose();
  });

  test('users.get by id and by name; a missing user is null', async () => {
    const byId = await client(false).users.get(memberId);
    assert.equal(byId?.id, memberId);
    assert.equal(byId?.name, 'client_member');
    assert.equal(byId?.post_upload_count, 5);
    assert.equal(byId?.level_string, 'Member');
    const byName = await client(false).users.get('CLIENT_MEMBER');
    assert.equal(byName?.id, memberId);
    assert.equal(await client(false).users.get(999_999), null);
  });

  test('users.getByName', async () => {
    assert.equal((await client(false).users.getByName('client_gold'))?.level, 30);
    assert.equal(await client(false).users.getByName('nobody_at_all'), null);
  });

  test('users.search with each option it offers', async () => {
    const e6 = client(false);
    const names = (users: readonly { name: string }[]): string[] => users.map((user) => user.name);
    assert.deepEqual(names(await e6.users.search({ name: 'client_*', order: 'name' })), [
      'client_admin',
      'client_gold',
      'client_janitor',
      'client_member',
      'client_mod',
    ]);
    assert.deepEqual(names(await e6.users.search({ name: 'client_*', level: 60 })), ['client_janitor']);
    assert.deepEqual(names(await e6.users.search({ name: 'client_*', min_level: 70, order: 'name' })), ['client_admin', 'client_mod']);
    assert.deepEqual(names(await e6.users.search({ name: 'client_*', max_level: 20 })), ['client_member']);
    assert.deepEqual(names(await e6.users.search({ name: 'client_*', approver: true, order: 'name' })), ['client_admin', 'client_janitor', 'client_mod']);
    assert.deepEqual(names(await e6.users.search({ name: 'client_*', unrestricted_uploads: false })), ['client_gold', 'client_member']);
    assert.equal((await e6.users.search({ name: 'client_*', order: 'post_upload_count' }))[0]?.name, 'client_member');
    assert.equal((await e6.users.search({ name: 'client_*', order: 'note_count' }))[0]?.name, 'client_member');
    assert.equal((await e6.users.search({ name: 'client_*', order: 'post_update_count' })).length, 5);
    assert.equal((await e6.users.search({ name: 'client_*', order: 'date' }))[0]?.name, 'client_admin');
    assert.deepEqual(names(await e6.users.search({ name: 'client_*', order: 'name', limit: 2, page: 2 })), ['client_janitor', 'client_member']);
    const lastId = (await e6.users.search({ name: 'client_*', order: 'name' })).find((user) => user.name === 'client_gold')!.id;
    assert.deepEqual(names(await e6.users.search({ name: 'client_*', page: `b${lastId}` })), ['client_member']);
  });

  test('search by email is an admin search: refused for a member', async () => {
    await assert.rejects(client(true).users.search({ email: 'client@*' }), (error: { statusCode?: number }) => error.statusCode === 403);
  });

  test('users.getSelf: the authenticated user with its settings', async () => {
    const self = await client(true).users.getSelf();
    assert.equal(self.id, memberId);
    assert.equal(self.email, 'client@example.org');
    assert.equal(typeof self.blacklisted_tags, 'string');
    assert.equal((await client(true).users.getUploadLimit()).id, memberId);
  });

  test('users.editSelf: the settings change on the authenticated user', async () => {
    const answer = await client(true).users.editSelf({
      about: 'drawing foxes',
      artinfo: 'commissions open',
      timezone: 'UTC',
      comment_threshold: -5,
      posts_per_page: 40,
      safe_mode: true,
      blacklisted_tags: ['gore', 'scat'],
      enable_privacy_mode: true,
      hide_comments: true,
      frequent_tags: 'fox wolf',
    });
    assert.equal(answer, null);
    const user = await getUser(core, memberId);
    assert.equal(user.preferences.profile_about, 'drawing foxes');
    assert.equal(user.preferences.profile_artinfo, 'commissions open');
    assert.equal(user.preferences.time_zone, 'UTC');
    assert.equal(user.preferences.comment_threshold, -5);
    assert.equal(user.preferences.per_page, 40);
    assert.equal(user.preferences.blacklisted_tags, 'gore\nscat');
    assert.equal(user.preferences.favorite_tags, 'fox wolf');
    assert.equal(user.preferences.flags.enable_safe_mode, true);
    assert.equal(user.preferences.flags.enable_privacy_mode, true);
    assert.equal(user.preferences.flags.hide_comments, true);
    const self = await client(true).users.getSelf();
    assert.equal(self.time_zone, 'UTC');
    assert.match(String(self.created_at), /Z$/);
  });

  test('a wrong key is refused by the client as an API error', async () => {
    const wrong = new E621.Custom(
      { authUser: 'client_member', authKey: 'not-the-key' },
      { host: '127.0.0.1', port, ssl: false, imageReconstructionType: 'dev' },
    );
    await assert.rejects(wrong.users.getSelf(), (error: { statusCode?: number }) => error.statusCode === 401);
  });
});
