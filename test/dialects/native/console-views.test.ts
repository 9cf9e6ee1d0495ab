import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import { muteUser } from '../../../src/core/moderation/moderation.js';
import { addMembership } from '../../../src/core/orgs/memberships.js';
import { createOrganization } from '../../../src/core/orgs/organizations.js';
import { deleteUser } from '../../../src/core/users/users.js';
import { Level } from '../../../src/core/access/levels.js';
import { createUser } from '../../../src/core/users/users.js';
import { errorCode, nativeFixture, type NativeFixture, type Role } from './fixture.js';

interface Page<T> {
  items: T[];
  next_cursor?: string | null;
  total?: number;
}

/** What the console's user list and user page read: filters, memberships, audit entries by action and time. */
describe('native console views', () => {
  let f: NativeFixture;
  let orgId = 0;
  let deletedId = 0;
  before(async () => {
    f = await nativeFixture();
    const org = await createOrganization(f.core, SYSTEM, { slug: 'console-org', ownerId: f.users.owner.id });
    orgId = org.id;
    await addMembership(f.core, SYSTEM, { organizationId: orgId, userId: f.users.member.id, role: 'worker' });
    await muteUser(f.core, SYSTEM, { userId: f.users.builder.id, reason: 'noise', durationMs: null });
    deletedId = (await createUser(f.core, SYSTEM, { name: 'leaving_user', level: Level.Member, email: 'leaving@example.org', password: null })).id;
    await deleteUser(f.core, SYSTEM, deletedId, {});
  });
  after(() => f.close());

  const names = async (role: Role | null, query: string): Promise<string[]> => {
    const response = await f.request(role, 'GET', `/v1/users${query}`);
    assert.equal(response.statusCode, 200, response.body);
    return (response.json() as Page<{ name: string }>).items.map((user) => user.name);
  };

  describe('GET /v1/users filters', () => {
    test('muted, deleted, organization', async () => {
      assert.deepEqual(await names('moderator', '?is_muted=true'), ['builder_user']);
      assert.ok(!(await names('moderator', '?is_muted=false')).includes('builder_user'));
      assert.deepEqual(await names('moderator', '?is_deleted=true'), [`user_${deletedId}`]);
      assert.ok(!(await names('moderator', '?is_deleted=false&limit=100')).includes(`user_${deletedId}`));
      assert.deepEqual(await names('admin', `?organization_id=${orgId}&sort=name`), ['member_user', 'owner_user']);
      assert.deepEqual(await names('admin', `?organization_id=${orgId}&level=owner`), ['owner_user']);
    });

    test('organization members are searched only through memberships the viewer may read', async () => {
      // The member sees their own organization's members; someone outside it sees none.
      assert.deepEqual(await names('member', `?organization_id=${orgId}&sort=name`), ['member_user', 'owner_user']);
      assert.deepEqual(await names('other', `?organization_id=${orgId}`), []);
      const anonymous = await f.request(null, 'GET', `/v1/users?organization_id=${orgId}`);
      assert.equal(anonymous.statusCode, 400, anonymous.body);
      assert.equal(errorCode(anonymous), 'invalid_param');
    });

    test('email search is for admins, ignoring case; others are refused as for any hidden field', async () => {
      assert.deepEqual(await names('admin', '?email=MODERATOR@EXAMPLE&sort=name'), ['moderator_user']);
      assert.deepEqual(await names('owner', '?email=example.org&sort=name&level=member'), ['member_user', 'other_user']);
      for (const role of ['moderator', 'member', null] as const) {
        const response = await f.request(role, 'GET', '/v1/users?email=example');
        assert.equal(response.statusCode, 400, String(role));
        assert.equal(errorCode(response), 'invalid_param');
      }
    });

    test('sorted keyset pages with filters, and the total on request', async () => {
      const seen: string[] = [];
      let cursor: string | null | undefined = null;
      let total: number | undefined;
      do {
        const response = await f.request(
          'admin',
          'GET',
          `/v1/users?is_deleted=false&sort=-level,name&limit=2&count=true${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        const page = response.json() as Page<{ name: string }>;
        total ??= page.total;
        seen.push(...page.items.map((user) => user.name));
        cursor = page.next_cursor;
      } while (cursor);
      assert.deepEqual(seen, ['owner_user', 'admin_user', 'moderator_user', 'builder_user', 'member_user', 'other_user']);
      assert.equal(total, 6);
    });
  });

  describe('GET /v1/users/:id/memberships', () => {
    test("admins read anyone's; a member reads their own", async () => {
      for (const role of ['admin', 'owner', 'member'] as const) {
        const response = await f.request(role, 'GET', `/v1/users/${f.users.member.id}/memberships`);
        assert.equal(response.statusCode, 200, response.body);
        const page = response.json() as Page<{ organization_id: number; user_id: number; role: string }>;
        assert.deepEqual(
          page.items.map((m) => [m.organization_id, m.user_id, m.role]),
          [[orgId, f.users.member.id, 'worker']],
          role,
        );
      }
    });

    test("others do not see someone else's memberships", async () => {
      for (const role of ['other', 'moderator'] as const) {
        const response = await f.request(role, 'GET', `/v1/users/${f.users.member.id}/memberships`);
        assert.equal(response.statusCode, 200, response.body);
        assert.deepEqual(response.json().items, [], role);
      }
    });
  });

  describe('per-user history', () => {
    test('audit entries about a user, by action and time; admins only', async () => {
      const started = Date.now();
      await f.request('admin', 'PUT', `/v1/users/${f.users.other.id}/level`, { level: 'gold' });
      await f.request('moderator', 'POST', '/v1/mutes', { user_id: f.users.other.id, reason: 'loud', duration: '1d' });
      const about = (query: string) => f.request('admin', 'GET', `/v1/audit-log?target_user_id=${f.users.other.id}${query}`);
      const all = (await about('')).json() as Page<{ action: string; created_at: number }>;
      assert.ok(all.items.length >= 2);
      const levels = (await about('&action=user.set_level')).json() as Page<{ action: string }>;
      assert.deepEqual(
        levels.items.map((entry) => entry.action),
        ['user.set_level'],
      );
      const byActor = (await about(`&actor_id=${f.users.moderator.id}`)).json() as Page<{ action: string }>;
      assert.ok(byActor.items.length >= 1 && byActor.items.every((entry) => entry.action !== 'user.set_level'));
      const recent = all.items.filter((entry) => entry.created_at >= started).length;
      assert.ok(recent >= 2);
      assert.equal(((await about(`&since=${started}`)).json() as Page<unknown>).items.length, recent);
      assert.equal(((await about(`&until=${started - 60_000}`)).json() as Page<unknown>).items.length, 0);
      const bad = await about('&action=');
      assert.equal(bad.statusCode, 400);
      assert.equal(errorCode(bad), 'invalid_param');
      const moderator = await f.request('moderator', 'GET', `/v1/audit-log?target_user_id=${f.users.other.id}&action=user.mute`);
      assert.equal(moderator.statusCode, 403);
    });

    test('name history and login attempts of one user', async () => {
      await f.request('admin', 'POST', `/v1/users/${f.users.other.id}/rename`, { name: 'other_renamed' });
      const history = await f.request('moderator', 'GET', `/v1/name-changes?user_id=${f.users.other.id}`);
      assert.equal(history.statusCode, 200, history.body);
      assert.deepEqual(
        (history.json() as Page<{ old_name: string; new_name: string }>).items.map((c) => [c.old_name, c.new_name]),
        [['other_user', 'other_renamed']],
      );
      await f.request(null, 'POST', '/v1/sessions', { login: 'other_renamed', password: 'not the password' });
      const attempts = await f.request('admin', 'GET', `/v1/login-attempts?user_id=${f.users.other.id}`);
      assert.equal(attempts.statusCode, 200, attempts.body);
      assert.deepEqual(
        (attempts.json() as Page<{ user_id: number; success: boolean }>).items.map((a) => [a.user_id, a.success]),
        [[f.users.other.id, false]],
      );
      assert.equal((await f.request('moderator', 'GET', `/v1/login-attempts?user_id=${f.users.other.id}`)).statusCode, 403);
    });

    test('the three metadata tiers are editable through PATCH, with errors in the native shape', async () => {
      const url = `/v1/users/${f.users.member.id}`;
      const tiers = { client_metadata: { a: 1 }, client_read_only_metadata: { b: [2] }, server_metadata: { c: 'three' } };
      const written = await f.request('admin', 'PATCH', url, tiers);
      assert.equal(written.statusCode, 200, written.body);
      for (const [tier, value] of Object.entries(tiers)) assert.deepEqual(written.json()[tier], value, tier);
      const own = await f.request('member', 'PATCH', url, { client_metadata: { mine: true } });
      assert.equal(own.statusCode, 200, own.body);
      for (const tier of ['client_read_only_metadata', 'server_metadata']) {
        const refused = await f.request('member', 'PATCH', url, { [tier]: { x: 1 } });
        assert.equal(refused.statusCode, 403, tier);
        assert.equal(errorCode(refused), 'forbidden');
      }
      const tooLarge = await f.request('admin', 'PATCH', url, { server_metadata: { blob: 'x'.repeat(101 * 1024) } });
      assert.equal(tooLarge.statusCode, 422, tooLarge.body);
      assert.equal(errorCode(tooLarge), 'validation_failed');
      assert.ok(tooLarge.json().error.details.fields.server_metadata);
    });
  });
});
