import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createInvitation } from '../../../src/core/orgs/invitations.js';
import { createUser } from '../../../src/core/users/users.js';
import type { User } from '../../../src/core/users/user.js';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import { cvatFixture, ORG_SLUG, type CvatFixture, type Role } from './http-fixture.js';

/**
 * The permission matrix (spec §1.3, the seed winning): each rule for an admin, the org's owner,
 * maintainer, supervisor and worker, a non-member, and an anonymous caller.
 */
type Caller = Role | 'anonymous';
type Target = 'self' | 'member' | 'stranger';

describe('CVAT permission matrix', () => {
  let f: CvatFixture;
  let stranger: User;
  before(async () => {
    f = await cvatFixture();
    stranger = await createUser(f.core, SYSTEM, { name: 'stranger_user', email: 'stranger@example.org' });
    // A pending invitee is listed among the org's users (no is_active check in CVAT).
    await createInvitation(f.core, SYSTEM, { organizationId: f.org.id, email: 'pending@example.org', role: 'worker' });
  });
  after(() => f.close());

  const call = (caller: Caller, method: 'GET' | 'PATCH' | 'DELETE', path: string, payload?: unknown) =>
    f.request(caller === 'anonymous' ? null : caller, method, path, payload === undefined ? {} : { payload });
  const targetId = (caller: Caller, target: Target): number =>
    target === 'stranger' ? stranger.id : target === 'member' ? f.users.supervisor.id : f.users[caller === 'anonymous' ? 'outsider' : caller].id;

  // [caller, what, expected status]
  const LIST: [Caller, string, number, number | null][] = [
    // caller, query, status, count
    ['admin', '', 200, 8],
    ['owner', '', 200, 1],
    ['worker', '', 200, 1],
    ['outsider', '', 200, 1],
    ['anonymous', '', 401, null],
    ['admin', `org=${ORG_SLUG}`, 200, 5],
    ['owner', `org=${ORG_SLUG}`, 200, 5],
    ['maintainer', `org=${ORG_SLUG}`, 200, 5],
    // A pending (not yet accepted) membership is read only by the organization's managers
    // (core/access/visibility.ts), so its user is not listed to supervisors and workers.
    ['supervisor', `org=${ORG_SLUG}`, 200, 4],
    ['worker', `org=${ORG_SLUG}`, 200, 4],
    ['outsider', `org=${ORG_SLUG}`, 403, null],
    ['anonymous', `org=${ORG_SLUG}`, 401, null],
  ];
  for (const [caller, query, status, count] of LIST) {
    test(`list ${query || 'sandbox'} as ${caller} → ${status}${count === null ? '' : ` (${count})`}`, async () => {
      const response = await call(caller, 'GET', `/api/users?${query}`);
      assert.equal(response.statusCode, status);
      if (count !== null) assert.equal((response.json() as { count: number }).count, count);
    });
  }

  const VIEW: [Caller, Target, number][] = [
    ['admin', 'stranger', 200],
    ['admin', 'member', 200],
    ['owner', 'self', 200],
    ['owner', 'member', 200],
    ['owner', 'stranger', 403],
    ['maintainer', 'member', 200],
    ['supervisor', 'self', 200],
    ['worker', 'member', 200],
    ['worker', 'stranger', 403],
    ['outsider', 'self', 200],
    ['outsider', 'member', 403],
    ['anonymous', 'member', 401],
  ];
  for (const [caller, target, status] of VIEW) {
    test(`view ${target} as ${caller} → ${status}`, async () => {
      assert.equal((await call(caller, 'GET', `/api/users/${targetId(caller, target)}`)).statusCode, status);
    });
  }

  test('in an org context, an active member may view any user id; a non-member may not', async () => {
    assert.equal((await call('worker', 'GET', `/api/users/${stranger.id}?org=${ORG_SLUG}`)).statusCode, 200);
    assert.equal((await call('outsider', 'GET', `/api/users/${stranger.id}?org=${ORG_SLUG}`)).statusCode, 403);
  });

  const UPDATE: [Caller, Target, Record<string, unknown>, number][] = [
    ['admin', 'stranger', { first_name: 'A' }, 200],
    ['admin', 'stranger', { email: 'new@example.org' }, 200],
    ['admin', 'stranger', { username: 'stranger_two' }, 200],
    ['owner', 'self', { first_name: 'O', email: 'o2@example.org' }, 200],
    ['owner', 'member', { first_name: 'X' }, 403],
    ['maintainer', 'member', { last_name: 'X' }, 403],
    ['supervisor', 'self', { last_name: 'S' }, 200],
    ['supervisor', 'self', { username: 'super_two' }, 403],
    ['worker', 'self', { email: 'w2@example.org' }, 200],
    ['worker', 'self', { is_superuser: true }, 403],
    ['worker', 'member', { first_name: 'X' }, 403],
    ['outsider', 'stranger', { first_name: 'X' }, 403],
    ['outsider', 'self', { groups: ['admin'] }, 403],
    ['anonymous', 'member', { first_name: 'X' }, 401],
  ];
  for (const [caller, target, payload, status] of UPDATE) {
    test(`update ${target} ${Object.keys(payload).join(',')} as ${caller} → ${status}`, async () => {
      const response = await call(caller, 'PATCH', `/api/users/${targetId(caller, target)}`, payload);
      assert.equal(response.statusCode, status, response.body);
    });
  }

  const DELETE: [Caller, Target, number][] = [
    ['owner', 'member', 403],
    ['maintainer', 'member', 403],
    ['worker', 'stranger', 403],
    ['outsider', 'member', 403],
    ['anonymous', 'member', 401],
    // Only the Owner deletes other accounts (core policy, from Danbooru's seed); an Admin is refused.
    ['admin', 'stranger', 403],
  ];
  for (const [caller, target, status] of DELETE) {
    test(`delete ${target} as ${caller} → ${status}`, async () => {
      assert.equal((await call(caller, 'DELETE', `/api/users/${targetId(caller, target)}`)).statusCode, status);
    });
  }

  const CALLERS: readonly Caller[] = ['admin', 'owner', 'maintainer', 'supervisor', 'worker', 'outsider', 'anonymous'];
  // Organization rules (§1.8): [rule, expected status per caller, in CALLERS order]
  const ORG_RULES: [string, (caller: Caller) => Promise<number>, readonly number[]][] = [
    ['view the organization', async (c) => (await call(c, 'GET', `/api/organizations/${f.org.id}`)).statusCode, [200, 200, 200, 200, 200, 403, 401]],
    ['list its memberships', async (c) => (await call(c, 'GET', `/api/memberships?org=${ORG_SLUG}`)).statusCode, [200, 200, 200, 200, 200, 403, 401]],
    [
      'invite by email',
      async (c) =>
        (
          await f.request(c === 'anonymous' ? null : c, 'POST', `/api/invitations?org=${ORG_SLUG}`, {
            payload: { role: 'worker', email: `${c}-guest@example.org` },
          })
        ).statusCode,
      [201, 201, 201, 403, 403, 403, 401],
    ],
    [
      'change the organization',
      async (c) => (await f.request(c === 'anonymous' ? null : c, 'PATCH', `/api/organizations/${f.org.id}`, { payload: { description: c } })).statusCode,
      [200, 200, 200, 403, 403, 403, 401],
    ],
  ];
  for (const [rule, run, expected] of ORG_RULES) {
    CALLERS.forEach((caller, i) => {
      test(`${rule} as ${caller} → ${expected[i]}`, async () => {
        assert.equal(await run(caller), expected[i]);
      });
    });
  }
});
