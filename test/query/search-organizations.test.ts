import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Level } from '../../src/core/access/levels.js';
import { addMembership } from '../../src/core/orgs/memberships.js';
import { createOrganization } from '../../src/core/orgs/organizations.js';
import { ANONYMOUS, SYSTEM } from '../../src/core/access/viewer.js';
import { exists, match, TRUE, type Filter } from '../../src/query/ast.js';
import { searchOrganizations } from '../../src/query/search-organizations.js';
import { createTestCore, type TestCore } from '../support/database.js';
import { insertUser, viewerOf } from '../support/users.js';

describe('searchOrganizations', () => {
  let core: TestCore;
  let ids: Record<'admin' | 'owner' | 'member' | 'pending' | 'stranger', number>;

  before(async () => {
    core = await createTestCore();
    ids = {
      admin: await insertUser(core, { name: 'admin', level: Level.Admin }),
      owner: await insertUser(core, { name: 'owner' }),
      member: await insertUser(core, { name: 'member' }),
      pending: await insertUser(core, { name: 'pending' }),
      stranger: await insertUser(core, { name: 'stranger' }),
    };
    const one = await createOrganization(core, SYSTEM, { slug: 'one', name: 'First Lab', ownerId: ids.owner });
    await createOrganization(core, SYSTEM, { slug: 'two', name: 'Second', ownerId: ids.stranger });
    await addMembership(core, SYSTEM, { organizationId: one.id, userId: ids.member, role: 'worker' });
    await addMembership(core, SYSTEM, { organizationId: one.id, userId: ids.pending, role: 'worker', isActive: false });
  });
  after(() => core.dispose());

  const slugs = async (who: keyof typeof ids | null, filter: Filter = TRUE): Promise<string[]> => {
    const viewer = who === null ? ANONYMOUS : await viewerOf(core, ids[who]);
    const found = await searchOrganizations(core, viewer, {
      filter,
      sort: [{ kind: 'field', field: 'slug', direction: 'asc' }],
      page: { kind: 'offset', offset: 0, limit: 10 },
      count: true,
    });
    assert.equal(found.total, found.organizations.length);
    return found.organizations.map((o) => o.slug);
  };

  const ROWS: [keyof typeof ids | null, string[]][] = [
    ['admin', ['one', 'two']],
    ['owner', ['one']],
    ['member', ['one']],
    ['pending', []],
    ['stranger', ['two']],
    [null, []],
  ];
  for (const [who, expected] of ROWS)
    test(`${who ?? 'anonymous'} lists ${expected.join(', ') || 'nothing'}`, async () => assert.deepEqual(await slugs(who), expected));

  test('filters by name and by the owner, within what the viewer may list', async () => {
    assert.deepEqual(await slugs('admin', match('name', 'contains', 'lab', false)), ['one']);
    assert.deepEqual(await slugs('admin', exists('owner', match('name', 'exact', 'stranger', true))), ['two']);
    assert.deepEqual(await slugs('owner', exists('owner', match('name', 'exact', 'stranger', true))), []);
  });
});
