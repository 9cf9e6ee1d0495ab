import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { MembershipRole } from '../../../src/db/schema.js';
import { Level } from '../../../src/core/access/levels.js';
import { addMembership, changeMembershipRole, getMembership, listMemberships, removeMembership } from '../../../src/core/orgs/memberships.js';
import {
  createOrganization,
  deleteOrganization,
  getOrganization,
  listOrganizations,
  updateOrganization,
  viewerOrgStanding,
} from '../../../src/core/orgs/organizations.js';
import { loadUser } from '../../../src/core/users/user-store.js';
import { ANONYMOUS, SYSTEM, viewerFor, type Viewer } from '../../../src/core/access/viewer.js';
import { rejectsWith } from '../../support/assertions.js';
import { createTestCore, type TestCore } from '../../support/database.js';

let core: TestCore;
before(async () => {
  core = await createTestCore();
});
after(async () => {
  await core.dispose();
});

let serial = 0;
/** A user inserted directly, and a viewer acting as them. */
async function makeUser(level: number = Level.Member, prefix = 'user'): Promise<Viewer & { id: number }> {
  const name = `${prefix}${++serial}`;
  const now = core.now();
  const row = await core.db
    .insertInto('users')
    .values({
      uuid: randomUUID(),
      name,
      name_lower: name.toLowerCase(),
      email: `${name}@example.com`,
      email_lower: `${name}@example.com`,
      level,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const viewer = viewerFor((await loadUser(core, row.id))!, { kind: 'session', id: 0 }, null);
  return viewer as Viewer & { id: number };
}

const page = { offset: 0, limit: null };
const slug = (base: string) => `${base}${++serial}`.slice(0, 16);

/** An organization with one member of each role (plus a second maintainer and worker). */
async function staffedOrganization() {
  const owner = await makeUser();
  const org = await createOrganization(core, owner, { slug: slug('team') });
  const people = {
    owner,
    maintainer: await makeUser(),
    maintainer2: await makeUser(),
    supervisor: await makeUser(),
    worker: await makeUser(),
    worker2: await makeUser(),
    outsider: await makeUser(),
    admin: await makeUser(Level.Admin),
  };
  const roles: [keyof typeof people, Exclude<MembershipRole, 'owner'>][] = [
    ['maintainer', 'maintainer'],
    ['maintainer2', 'maintainer'],
    ['supervisor', 'supervisor'],
    ['worker', 'worker'],
    ['worker2', 'worker'],
  ];
  for (const [who, role] of roles) await addMembership(core, SYSTEM, { organizationId: org.id, userId: people[who].id, role });
  return { org, ...people };
}

async function membershipOf(orgId: number, userId: number) {
  const { items } = await listMemberships(core, SYSTEM, { organizationId: orgId, userId, page });
  return items[0] ?? null;
}

describe('creating organizations', () => {
  test('the creator becomes its active owner; name defaults to the slug; audited', async () => {
    const owner = await makeUser();
    const org = await createOrganization(core, owner, { slug: 'Alpha-1', contact: { email: 'a@example.com' } });
    assert.equal(org.slug, 'Alpha-1');
    assert.equal(org.name, 'Alpha-1');
    assert.equal(org.owner_id, owner.id);
    assert.deepEqual(org.contact, { email: 'a@example.com' });
    assert.match(org.uuid, /^[0-9a-f-]{36}$/);
    assert.equal(org.server_metadata, null);
    const membership = await membershipOf(org.id, owner.id);
    assert.equal(membership?.role, 'owner');
    assert.equal(membership?.is_active, true);
    assert.equal(membership?.joined_at, org.created_at);
    assert.deepEqual(await viewerOrgStanding(core, owner, org.id), { viewerRole: 'owner', viewerActive: true });
    const audit = await core.db.selectFrom('audit_log').selectAll().where('action', '=', 'organization.create').where('subject_id', '=', org.id).execute();
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.actor_id, owner.id);
  });

  test('slugs are at most 16 letters, digits, _ or -; names at most 64 characters', async () => {
    const owner = await makeUser();
    for (const bad of ['a'.repeat(17), 'has space', 'dot.ted', '']) {
      const error = await rejectsWith(createOrganization(core, owner, { slug: bad }), 'validation_failed');
      assert.ok(error.details.fields?.slug);
    }
    await rejectsWith(createOrganization(core, owner, { slug: slug('n'), name: 'x'.repeat(65) }), 'validation_failed');
    const ok = await createOrganization(core, owner, { slug: 'a'.repeat(16), name: 'x'.repeat(64) });
    assert.equal(ok.name.length, 64);
  });

  test('slugs are unique ignoring case', async () => {
    const owner = await makeUser();
    await createOrganization(core, owner, { slug: 'CaseTeam' });
    const error = await rejectsWith(createOrganization(core, await makeUser(), { slug: 'caseteam' }), 'conflict');
    assert.deepEqual(error.details.fields, { slug: ['is already taken'] });
    assert.equal(error.details.problem, 'organization_slug_taken');
  });

  test('anonymous and restricted or banned users may not create one', async () => {
    await rejectsWith(createOrganization(core, ANONYMOUS, { slug: slug('anon') }), 'forbidden');
    await rejectsWith(createOrganization(core, await makeUser(Level.Restricted), { slug: slug('restr') }), 'forbidden');
    const banned = await makeUser();
    const now = core.now();
    await core.db
      .insertInto('sanctions')
      .values({ kind: 'ban', user_id: banned.id, actor_id: null, reason: 'x', created_at: now, updated_at: now, expires_at: null })
      .execute();
    const bannedViewer = viewerFor((await loadUser(core, banned.id))!, { kind: 'session', id: 0 }, null);
    await rejectsWith(createOrganization(core, bannedViewer, { slug: slug('ban') }), 'forbidden');
  });

  test('only admins and the system choose the owner or write server metadata', async () => {
    const member = await makeUser();
    const other = await makeUser();
    await rejectsWith(createOrganization(core, member, { slug: slug('own'), ownerId: other.id }), 'forbidden');
    await rejectsWith(createOrganization(core, member, { slug: slug('meta'), serverMetadata: { a: 1 } }), 'forbidden');
    const admin = await makeUser(Level.Admin);
    const org = await createOrganization(core, admin, { slug: slug('adm'), ownerId: other.id, serverMetadata: { plan: 'pro' } });
    assert.equal(org.owner_id, other.id);
    assert.deepEqual(org.server_metadata, { plan: 'pro' });
    assert.equal((await membershipOf(org.id, other.id))?.role, 'owner');
    assert.equal(await membershipOf(org.id, admin.id), null);
    const ownerless = await createOrganization(core, SYSTEM, { slug: slug('sys') });
    assert.equal(ownerless.owner_id, null);
    assert.equal((await listMemberships(core, SYSTEM, { organizationId: ownerless.id, page })).total, 0);
  });
});

describe('reading organizations', () => {
  test('by id, slug in any case or uuid; missing ones are named', async () => {
    const owner = await makeUser();
    const org = await createOrganization(core, owner, { slug: slug('Read') });
    assert.equal((await getOrganization(core, owner, { id: org.id })).id, org.id);
    assert.equal((await getOrganization(core, owner, { slug: org.slug.toUpperCase() })).id, org.id);
    assert.equal((await getOrganization(core, owner, { uuid: org.uuid })).id, org.id);
    const error = await rejectsWith(getOrganization(core, owner, { slug: 'nope' }), 'not_found');
    assert.equal(error.details.problem, 'organization_missing');
    assert.equal(error.details.subject, 'nope');
  });

  test('active members and admins may view; outsiders and pending invitees may not', async () => {
    const { org, worker, outsider, admin } = await staffedOrganization();
    const pending = await makeUser();
    await addMembership(core, SYSTEM, { organizationId: org.id, userId: pending.id, role: 'worker', isActive: false });
    assert.equal((await getOrganization(core, worker, { id: org.id })).id, org.id);
    assert.equal((await getOrganization(core, admin, { id: org.id })).id, org.id);
    await rejectsWith(getOrganization(core, outsider, { id: org.id }), 'forbidden');
    await rejectsWith(getOrganization(core, pending, { id: org.id }), 'forbidden');
    await rejectsWith(getOrganization(core, ANONYMOUS, { id: org.id }), 'forbidden');
  });

  test('the list holds what the viewer owns or actively belongs to; admins see all', async () => {
    const me = await makeUser();
    const mine = await createOrganization(core, me, { slug: slug('mine') });
    const joined = await createOrganization(core, await makeUser(), { slug: slug('joined') });
    const pendingOrg = await createOrganization(core, await makeUser(), { slug: slug('pend') });
    await createOrganization(core, await makeUser(), { slug: slug('other') });
    await addMembership(core, SYSTEM, { organizationId: joined.id, userId: me.id, role: 'worker' });
    await addMembership(core, SYSTEM, { organizationId: pendingOrg.id, userId: me.id, role: 'worker', isActive: false });
    const list = await listOrganizations(core, me, { page });
    assert.deepEqual(
      list.items.map((o) => o.id),
      [joined.id, mine.id],
    );
    assert.equal(list.total, 2);
    const paged = await listOrganizations(core, me, { page: { offset: 1, limit: 1 } });
    assert.deepEqual(
      paged.items.map((o) => o.id),
      [mine.id],
    );
    assert.equal(paged.total, 2);
    const all = await listOrganizations(core, await makeUser(Level.Admin), { page });
    const count = await core.db
      .selectFrom('organizations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(all.total, Number(count.n));
    assert.deepEqual(await listOrganizations(core, ANONYMOUS, { page }), { items: [], total: 0 });
    await rejectsWith(listOrganizations(core, me, { page: { offset: -1, limit: 10 } }), 'invalid_param');
  });
});

describe('changing and deleting organizations', () => {
  test('owners, maintainers and admins update; others may not', async () => {
    const { org, owner, maintainer, supervisor, worker, outsider, admin } = await staffedOrganization();
    assert.equal((await updateOrganization(core, owner, org.id, { name: 'By owner' })).name, 'By owner');
    assert.equal((await updateOrganization(core, maintainer, org.id, { description: 'd' })).description, 'd');
    assert.deepEqual((await updateOrganization(core, admin, org.id, { serverMetadata: { k: 1 } })).server_metadata, { k: 1 });
    for (const refused of [supervisor, worker, outsider, ANONYMOUS]) await rejectsWith(updateOrganization(core, refused, org.id, { name: 'no' }), 'forbidden');
    await rejectsWith(updateOrganization(core, owner, org.id, { serverMetadata: { k: 2 } }), 'forbidden');
    await rejectsWith(updateOrganization(core, owner, org.id, { clientReadOnlyMetadata: { k: 2 } }), 'forbidden');
    await rejectsWith(updateOrganization(core, owner, 987654, { name: 'x' }), 'not_found');
  });

  test('a new slug must be free ignoring case, except for the organization itself', async () => {
    const owner = await makeUser();
    const taken = await createOrganization(core, owner, { slug: slug('Taken') });
    const org = await createOrganization(core, owner, { slug: slug('Mine') });
    await rejectsWith(updateOrganization(core, owner, org.id, { slug: taken.slug.toLowerCase() }), 'conflict');
    assert.equal((await updateOrganization(core, owner, org.id, { slug: org.slug.toUpperCase() })).slug, org.slug.toUpperCase());
    await rejectsWith(updateOrganization(core, owner, org.id, { slug: 'bad slug' }), 'validation_failed');
  });

  test('only the owner or an admin deletes; memberships, invitations and team selections go', async () => {
    const { org, owner, maintainer, worker, outsider } = await staffedOrganization();
    await core.db.updateTable('users').set({ selected_team_id: org.id }).where('id', '=', worker.id).execute();
    const now = core.now();
    await core.db
      .insertInto('invitations')
      .values({
        key: `k${++serial}`,
        organization_id: org.id,
        inviter_id: owner.id,
        user_id: outsider.id,
        email: 'x@example.com',
        role: 'worker',
        created_at: now,
        expires_at: now + 1000,
      })
      .execute();
    for (const refused of [maintainer, worker, outsider]) await rejectsWith(deleteOrganization(core, refused, org.id), 'forbidden');
    assert.equal((await deleteOrganization(core, owner, org.id)).id, org.id);
    await rejectsWith(getOrganization(core, owner, { id: org.id }), 'not_found');
    assert.equal((await core.db.selectFrom('memberships').select('id').where('organization_id', '=', org.id).execute()).length, 0);
    assert.equal((await core.db.selectFrom('invitations').select('id').where('organization_id', '=', org.id).execute()).length, 0);
    assert.equal((await loadUser(core, worker.id))?.selected_team_id, null);
    const other = await createOrganization(core, await makeUser(), { slug: slug('gone') });
    assert.equal((await deleteOrganization(core, await makeUser(Level.Admin), other.id)).id, other.id);
  });
});

describe('membership roles and removal', () => {
  type Who = 'owner' | 'maintainer' | 'maintainer2' | 'supervisor' | 'worker' | 'worker2' | 'outsider' | 'admin';
  // [actor, target, new role, allowed]
  const changes: [Who, Who, Exclude<MembershipRole, 'owner'>, boolean][] = [
    ['owner', 'maintainer', 'worker', true],
    ['owner', 'worker', 'maintainer', true],
    ['owner', 'owner', 'worker', false],
    ['maintainer', 'worker', 'supervisor', true],
    ['maintainer', 'supervisor', 'worker', true],
    ['maintainer', 'worker', 'maintainer', false],
    ['maintainer', 'maintainer2', 'worker', false],
    ['maintainer', 'owner', 'worker', false],
    ['maintainer', 'maintainer', 'worker', false],
    ['supervisor', 'worker', 'supervisor', false],
    ['worker', 'worker2', 'supervisor', false],
    ['worker', 'worker', 'supervisor', false],
    ['outsider', 'worker', 'supervisor', false],
    ['admin', 'maintainer', 'worker', true],
  ];
  for (const [actor, target, role, allowed] of changes) {
    test(`${actor} ${allowed ? 'may' : 'may not'} make ${target} a ${role}`, async () => {
      const org = await staffedOrganization();
      const membership = (await membershipOf(org.org.id, org[target].id))!;
      const attempt = changeMembershipRole(core, org[actor], membership.id, role);
      if (allowed) assert.equal((await attempt).role, role);
      else await rejectsWith(attempt, 'forbidden');
      assert.equal((await membershipOf(org.org.id, org[target].id))?.role, allowed ? role : membership.role);
    });
  }

  test('nobody gives the owner role', async () => {
    const { org, owner, worker } = await staffedOrganization();
    const membership = (await membershipOf(org.id, worker.id))!;
    await rejectsWith(changeMembershipRole(core, owner, membership.id, 'owner'), 'validation_failed');
    await rejectsWith(changeMembershipRole(core, SYSTEM, membership.id, 'owner'), 'validation_failed');
  });

  const removals: [Who, Who, boolean][] = [
    ['owner', 'maintainer', true],
    ['owner', 'owner', false],
    ['maintainer', 'worker', true],
    ['maintainer', 'supervisor', true],
    ['maintainer', 'maintainer2', false],
    ['maintainer', 'owner', false],
    ['maintainer', 'maintainer', true],
    ['supervisor', 'worker', false],
    ['worker', 'worker2', false],
    ['worker', 'worker', true],
    ['outsider', 'worker', false],
    ['admin', 'worker', true],
  ];
  for (const [actor, target, allowed] of removals) {
    test(`${actor} ${allowed ? 'may' : 'may not'} remove ${actor === target ? 'themself' : target}`, async () => {
      const org = await staffedOrganization();
      const membership = (await membershipOf(org.org.id, org[target].id))!;
      const attempt = removeMembership(core, org[actor], membership.id);
      if (allowed) assert.equal((await attempt).id, membership.id);
      else await rejectsWith(attempt, 'forbidden');
      assert.equal((await membershipOf(org.org.id, org[target].id)) === null, allowed);
    });
  }

  test('removal clears the member selection of the team and is audited', async () => {
    const { org, owner, worker } = await staffedOrganization();
    await core.db.updateTable('users').set({ selected_team_id: org.id }).where('id', '=', worker.id).execute();
    const membership = (await membershipOf(org.id, worker.id))!;
    await removeMembership(core, owner, membership.id);
    assert.equal((await loadUser(core, worker.id))?.selected_team_id, null);
    const audit = await core.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'membership.remove')
      .where('subject_id', '=', membership.id)
      .executeTakeFirst();
    assert.equal(audit?.actor_id, owner.id);
    assert.equal(audit?.target_user_id, worker.id);
  });

  test('only admins and the system add members directly, once each', async () => {
    const { org, owner, maintainer, outsider, admin } = await staffedOrganization();
    for (const refused of [owner, maintainer, outsider]) {
      await rejectsWith(addMembership(core, refused, { organizationId: org.id, userId: outsider.id, role: 'worker' }), 'forbidden');
    }
    const added = await addMembership(core, admin, { organizationId: org.id, userId: outsider.id, role: 'supervisor' });
    assert.equal(added.is_active, true);
    assert.equal(added.invitation_key, null);
    await rejectsWith(addMembership(core, SYSTEM, { organizationId: org.id, userId: outsider.id, role: 'worker' }), 'conflict');
    await rejectsWith(addMembership(core, SYSTEM, { organizationId: org.id, userId: 999999, role: 'worker' }), 'not_found');
  });
});

describe('membership visibility', () => {
  test('in the sandbox a member sees their own active memberships only', async () => {
    const { org, worker } = await staffedOrganization();
    const elsewhere = await createOrganization(core, await makeUser(), { slug: slug('else') });
    await addMembership(core, SYSTEM, { organizationId: elsewhere.id, userId: worker.id, role: 'worker', isActive: false });
    const { items, total } = await listMemberships(core, worker, { page });
    assert.deepEqual(
      items.map((m) => [m.organization_id, m.user_id]),
      [[org.id, worker.id]],
    );
    assert.equal(total, 1);
    assert.deepEqual(await listMemberships(core, ANONYMOUS, { page }), { items: [], total: 0 });
  });

  test('in an organization managers see pending members, other members only active ones', async () => {
    const { org, owner, maintainer, supervisor, worker, outsider, admin } = await staffedOrganization();
    const pending = await makeUser();
    await addMembership(core, SYSTEM, { organizationId: org.id, userId: pending.id, role: 'worker', isActive: false });
    const seen = async (viewer: Viewer) => (await listMemberships(core, viewer, { organizationId: org.id, page })).total;
    for (const manager of [owner, maintainer, admin]) assert.equal(await seen(manager), 7);
    for (const member of [supervisor, worker]) assert.equal(await seen(member), 6);
    await rejectsWith(listMemberships(core, outsider, { organizationId: org.id, page }), 'forbidden');
    await rejectsWith(listMemberships(core, pending, { organizationId: org.id, page }), 'forbidden');
    await rejectsWith(listMemberships(core, owner, { organizationId: 987654, page }), 'not_found');
    const workers = await listMemberships(core, worker, { organizationId: org.id, role: 'worker', page: { offset: 0, limit: 1 } });
    assert.equal(workers.total, 2);
    assert.equal(workers.items.length, 1);
    assert.ok(workers.items.every((m) => m.role === 'worker' && m.is_active));
  });

  test('a single membership follows the same rules, and members see their own', async () => {
    const { org, worker, supervisor, outsider } = await staffedOrganization();
    const pending = await makeUser();
    const pendingMembership = await addMembership(core, SYSTEM, { organizationId: org.id, userId: pending.id, role: 'worker', isActive: false });
    const supervisorMembership = (await membershipOf(org.id, supervisor.id))!;
    assert.equal((await getMembership(core, worker, supervisorMembership.id)).user_id, supervisor.id);
    assert.equal((await getMembership(core, pending, pendingMembership.id)).is_active, false);
    await rejectsWith(getMembership(core, worker, pendingMembership.id), 'forbidden');
    await rejectsWith(getMembership(core, outsider, supervisorMembership.id), 'forbidden');
    await rejectsWith(getMembership(core, worker, 987654), 'not_found');
  });
});
