import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Level } from '../../../src/core/access/levels.js';
import { getVisibleMember, memberListScope } from '../../../src/core/orgs/member-visibility.js';
import { addMembership } from '../../../src/core/orgs/memberships.js';
import { createOrganization } from '../../../src/core/orgs/organizations.js';
import { deleteUser } from '../../../src/core/users/users.js';
import { ANONYMOUS, SYSTEM, type Viewer } from '../../../src/core/access/viewer.js';
import { rejectsWith } from '../../support/assertions.js';
import { createTestCore, type TestCore } from '../../support/database.js';
import { insertUser, viewerOf } from '../../support/users.js';

describe('member visibility (who reads whom through organizations)', () => {
  let core: TestCore;
  let ids: Record<'admin' | 'owner' | 'member' | 'pending' | 'stranger' | 'deleted', number>;
  let orgId: number;
  let as: (name: keyof typeof ids) => Promise<Viewer>;

  before(async () => {
    core = await createTestCore();
    ids = {
      admin: await insertUser(core, { name: 'admin', level: Level.Admin }),
      owner: await insertUser(core, { name: 'owner' }),
      member: await insertUser(core, { name: 'member' }),
      pending: await insertUser(core, { name: 'pending' }),
      stranger: await insertUser(core, { name: 'stranger' }),
      deleted: await insertUser(core, { name: 'deleted' }),
    };
    orgId = (await createOrganization(core, SYSTEM, { slug: 'team', ownerId: ids.owner })).id;
    await addMembership(core, SYSTEM, { organizationId: orgId, userId: ids.member, role: 'worker' });
    await addMembership(core, SYSTEM, { organizationId: orgId, userId: ids.pending, role: 'worker', isActive: false });
    await deleteUser(core, SYSTEM, ids.deleted);
    as = (name) => viewerOf(core, ids[name]);
  });
  after(() => core.dispose());

  // [viewer, target, organization context?, expected]
  const ROWS: [keyof typeof ids, keyof typeof ids, boolean, 'ok' | 'forbidden' | 'not_found'][] = [
    ['admin', 'stranger', false, 'ok'],
    ['admin', 'deleted', false, 'ok'],
    ['stranger', 'stranger', false, 'ok'],
    ['member', 'owner', false, 'ok'],
    ['member', 'pending', false, 'ok'],
    ['member', 'stranger', false, 'forbidden'],
    ['member', 'stranger', true, 'ok'],
    ['pending', 'owner', false, 'forbidden'],
    ['pending', 'stranger', true, 'forbidden'],
    ['stranger', 'member', false, 'forbidden'],
    ['stranger', 'member', true, 'forbidden'],
    ['member', 'deleted', false, 'not_found'],
  ];
  for (const [viewer, target, inOrg, expected] of ROWS) {
    test(`${viewer} reads ${target}${inOrg ? ' in the org' : ''}: ${expected}`, async () => {
      const call = getVisibleMember(core, await as(viewer), ids[target], inOrg ? orgId : null);
      if (expected === 'ok') assert.equal((await call).id, ids[target]);
      else await rejectsWith(call, expected);
    });
  }

  test('a missing id is not_found before any permission check', async () => {
    await rejectsWith(getVisibleMember(core, ANONYMOUS, 999_999, null), 'not_found');
  });

  test('list scopes: all for admins, self in the sandbox, members for active members, refused otherwise', async () => {
    assert.deepEqual(await memberListScope(core, await as('admin'), { kind: 'sandbox' }), { kind: 'all' });
    assert.deepEqual(await memberListScope(core, await as('member'), { kind: 'sandbox' }), { kind: 'self', userId: ids.member });
    assert.deepEqual(await memberListScope(core, await as('member'), { kind: 'organization', organizationId: orgId }), {
      kind: 'members',
      organizationId: orgId,
    });
    await rejectsWith(memberListScope(core, await as('pending'), { kind: 'organization', organizationId: orgId }), 'forbidden');
    await rejectsWith(memberListScope(core, await as('stranger'), { kind: 'organization', organizationId: orgId }), 'forbidden');
    await rejectsWith(memberListScope(core, await as('member'), { kind: 'organization', organizationId: 12345 }), 'not_found');
  });
});
