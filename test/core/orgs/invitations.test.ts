import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  INVITATION_VALIDITY_MS,
  acceptInvitation,
  createInvitation,
  declineInvitation,
  deleteInvitation,
  getInvitation,
  listInvitations,
  resendInvitation,
} from '../../../src/core/orgs/invitations.js';
import { Level } from '../../../src/core/access/levels.js';
import { addMembership, listMemberships } from '../../../src/core/orgs/memberships.js';
import { createOrganization } from '../../../src/core/orgs/organizations.js';
import { loadUser, loadUserByName } from '../../../src/core/users/user-store.js';
import { ANONYMOUS, SYSTEM, type Viewer } from '../../../src/core/access/viewer.js';
import { rejectsWith } from '../../support/assertions.js';
import { createTestCore, type TestCore } from '../../support/database.js';
import { insertViewer, type UserViewer } from '../../support/users.js';

const DAY = 24 * 60 * 60 * 1000;
let clock = Date.UTC(2026, 0, 1);
let core: TestCore;
before(async () => (core = await createTestCore({ now: () => clock })));
after(() => core.dispose());

let serial = 0;
async function makeUser(level: number = Level.Member, name = `inv${++serial}`): Promise<UserViewer> {
  const email = `${name}@example.com`;
  return insertViewer(core, { name, email, email_lower: email.toLowerCase(), level });
}

const page = { offset: 0, limit: null };

async function team() {
  const owner = await makeUser();
  const org = await createOrganization(core, owner, { slug: `org${++serial}` });
  const people = {
    owner,
    maintainer: await makeUser(),
    supervisor: await makeUser(),
    worker: await makeUser(),
    outsider: await makeUser(),
    admin: await makeUser(Level.Admin),
  };
  await addMembership(core, SYSTEM, { organizationId: org.id, userId: people.maintainer.id, role: 'maintainer' });
  await addMembership(core, SYSTEM, { organizationId: org.id, userId: people.supervisor.id, role: 'supervisor' });
  await addMembership(core, SYSTEM, { organizationId: org.id, userId: people.worker.id, role: 'worker' });
  return { org, ...people };
}

async function membershipOf(orgId: number, userId: number) {
  return (await listMemberships(core, SYSTEM, { organizationId: orgId, userId, page })).items[0] ?? null;
}

describe('inviting', () => {
  test('an existing account (email ignoring case) gets a pending membership linked to the invitation', async () => {
    const { org, owner } = await team();
    const invitee = await makeUser();
    const invitation = await createInvitation(core, owner, { organizationId: org.id, email: invitee.user!.email!.toUpperCase(), role: 'supervisor' });
    assert.equal(invitation.user_id, invitee.id);
    assert.equal(invitation.owner, owner.id);
    assert.equal(invitation.role, 'supervisor');
    assert.equal(invitation.organization_id, org.id);
    assert.equal(invitation.organization_slug, org.slug);
    assert.equal(invitation.created_at, clock);
    assert.equal(invitation.expires_at, clock + 7 * DAY);
    assert.equal(invitation.expired, false);
    assert.equal(invitation.accepted, false);
    assert.match(invitation.key, /^[A-Za-z0-9_-]{43}$/);
    const membership = await membershipOf(org.id, invitee.id);
    assert.equal(membership?.is_active, false);
    assert.equal(membership?.joined_at, null);
    assert.equal(membership?.invitation_key, invitation.key);
    const audit = await core.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'invitation.create')
      .where('target_user_id', '=', invitee.id)
      .executeTakeFirst();
    assert.equal(audit?.actor_id, owner.id);
    assert.ok(!audit?.details.includes(invitation.key));
  });

  test('owners, maintainers and admins invite; supervisors, workers and outsiders may not', async () => {
    const { org, owner, maintainer, supervisor, worker, outsider, admin } = await team();
    for (const allowed of [owner, maintainer, admin]) {
      const invitee = await makeUser();
      assert.equal((await createInvitation(core, allowed, { organizationId: org.id, email: invitee.user!.email!, role: 'worker' })).owner, allowed.id);
    }
    for (const refused of [supervisor, worker, outsider, ANONYMOUS]) {
      await rejectsWith(createInvitation(core, refused, { organizationId: org.id, email: `nobody${++serial}@example.com`, role: 'worker' }), 'forbidden');
    }
    await rejectsWith(createInvitation(core, owner, { organizationId: 987654, email: 'a@example.com', role: 'worker' }), 'not_found');
  });

  test('the owner role cannot be offered, addresses must look like addresses, members are not invited twice', async () => {
    const { org, owner, worker } = await team();
    await rejectsWith(createInvitation(core, owner, { organizationId: org.id, email: 'x@example.com', role: 'owner' }), 'validation_failed');
    for (const email of ['no-at-sign', 'two@@example.com', 'a b@example.com', `${'a'.repeat(250)}@example.com`]) {
      await rejectsWith(createInvitation(core, owner, { organizationId: org.id, email, role: 'worker' }), 'validation_failed');
    }
    await rejectsWith(createInvitation(core, owner, { organizationId: org.id, email: worker.user!.email!, role: 'worker' }), 'conflict');
    const invitee = await makeUser();
    await createInvitation(core, owner, { organizationId: org.id, email: invitee.user!.email!, role: 'worker' });
    await rejectsWith(createInvitation(core, owner, { organizationId: org.id, email: invitee.user!.email!, role: 'worker' }), 'conflict');
  });

  test('an unknown address gets a placeholder member account named after its local part', async () => {
    const { org, owner } = await team();
    await makeUser(Level.Member, 'Carol');
    const first = await createInvitation(core, owner, { organizationId: org.id, email: 'New.Person+x@example.com', role: 'worker' });
    const placeholder = (await loadUser(core, first.user_id))!;
    assert.equal(placeholder.name, 'New.Person+x');
    assert.equal(placeholder.email, 'New.Person+x@example.com');
    assert.equal(placeholder.level, Level.Member);
    assert.equal(placeholder.has_password, false);
    assert.equal(placeholder.inviter_id, owner.id);
    assert.match(placeholder.uuid, /^[0-9a-f-]{36}$/);
    const row = await core.db.selectFrom('users').select(['name_lower', 'email_lower']).where('id', '=', placeholder.id).executeTakeFirstOrThrow();
    assert.deepEqual(row, { name_lower: 'new.person+x', email_lower: 'new.person+x@example.com' });
    const second = await createInvitation(core, owner, { organizationId: org.id, email: 'new.person+X@other.org', role: 'worker' });
    assert.equal((await loadUser(core, second.user_id))?.name, 'new.person+X2');
    const carol = await createInvitation(core, owner, { organizationId: org.id, email: 'carol@elsewhere.net', role: 'worker' });
    assert.equal((await loadUser(core, carol.user_id))?.name, 'carol2');
    const odd = await createInvitation(core, owner, { organizationId: org.id, email: 'user_12@example.com', role: 'worker' });
    assert.match((await loadUser(core, odd.user_id))!.name, /^invitee[0-9]*$/);
    assert.ok(await loadUserByName(core, 'CAROL2'));
  });
});

describe('answering invitations', () => {
  async function invited() {
    const t = await team();
    const invitee = await makeUser();
    const invitation = await createInvitation(core, t.owner, { organizationId: t.org.id, email: invitee.user!.email!, role: 'worker' });
    return { ...t, invitee, invitation };
  }

  test('only the invitee accepts; the membership becomes active; twice is a conflict', async () => {
    const { org, owner, admin, outsider, invitee, invitation } = await invited();
    for (const refused of [owner, admin, outsider, ANONYMOUS]) await rejectsWith(acceptInvitation(core, refused, invitation.key), 'forbidden');
    clock += 1000;
    const accepted = await acceptInvitation(core, invitee, invitation.key);
    assert.equal(accepted.accepted, true);
    assert.equal(accepted.organization_slug, org.slug);
    const membership = await membershipOf(org.id, invitee.id);
    assert.equal(membership?.is_active, true);
    assert.equal(membership?.joined_at, clock);
    const again = await rejectsWith(acceptInvitation(core, invitee, invitation.key), 'conflict');
    assert.equal(again.details.problem, 'invitation_accepted');
    await rejectsWith(declineInvitation(core, invitee, invitation.key), 'conflict');
    await rejectsWith(acceptInvitation(core, invitee, 'no-such-key'), 'not_found');
  });

  test('an expired invitation cannot be accepted until a manager resends it', async () => {
    const { owner, maintainer, worker, invitee, invitation } = await invited();
    clock += INVITATION_VALIDITY_MS;
    assert.equal((await getInvitation(core, invitee, invitation.key)).expired, true);
    const error = await rejectsWith(acceptInvitation(core, invitee, invitation.key), 'conflict');
    assert.equal(error.details.problem, 'invitation_expired');
    await rejectsWith(resendInvitation(core, worker, invitation.key), 'forbidden');
    await rejectsWith(resendInvitation(core, invitee, invitation.key), 'forbidden');
    const resent = await resendInvitation(core, maintainer, invitation.key);
    assert.equal(resent.expires_at, clock + INVITATION_VALIDITY_MS);
    assert.equal(resent.expired, false);
    assert.equal((await acceptInvitation(core, invitee, invitation.key)).accepted, true);
    await rejectsWith(resendInvitation(core, owner, invitation.key), 'conflict');
  });

  test('declining deletes the invitation and the pending membership', async () => {
    const { org, outsider, invitee, invitation } = await invited();
    await rejectsWith(declineInvitation(core, outsider, invitation.key), 'forbidden');
    await declineInvitation(core, invitee, invitation.key);
    assert.equal(await membershipOf(org.id, invitee.id), null);
    const error = await rejectsWith(getInvitation(core, invitee, invitation.key), 'not_found');
    assert.equal(error.details.problem, 'invitation_missing');
  });

  test('managers withdraw a pending invitation; an accepted one leaves the member in place', async () => {
    const { org, owner, worker, invitee, invitation } = await invited();
    await rejectsWith(deleteInvitation(core, worker, invitation.key), 'forbidden');
    await deleteInvitation(core, owner, invitation.key);
    assert.equal(await membershipOf(org.id, invitee.id), null);
    const second = await createInvitation(core, owner, { organizationId: org.id, email: invitee.user!.email!, role: 'worker' });
    await acceptInvitation(core, invitee, second.key);
    await deleteInvitation(core, owner, second.key);
    const membership = await membershipOf(org.id, invitee.id);
    assert.equal(membership?.is_active, true);
    assert.equal(membership?.invitation_key, null);
  });
});

describe('seeing invitations', () => {
  test('managers and admins see all of an organization; others what was sent to or by them', async () => {
    const { org, owner, maintainer, worker, outsider, admin } = await team();
    const a = await makeUser();
    const b = await makeUser();
    const toA = await createInvitation(core, owner, { organizationId: org.id, email: a.user!.email!, role: 'worker' });
    clock += 1;
    const toB = await createInvitation(core, maintainer, { organizationId: org.id, email: b.user!.email!, role: 'supervisor' });
    const keys = async (viewer: Viewer, organizationId?: number) =>
      (await listInvitations(core, viewer, { ...(organizationId !== undefined && { organizationId }), page })).items.map((i) => i.key);
    assert.deepEqual(await keys(owner, org.id), [toB.key, toA.key]);
    assert.deepEqual(await keys(admin, org.id), [toB.key, toA.key]);
    assert.deepEqual(await keys(maintainer), [toB.key]);
    assert.deepEqual(await keys(a), [toA.key]);
    assert.deepEqual(await keys(b, org.id), [toB.key]);
    assert.deepEqual(await keys(worker, org.id), []);
    assert.deepEqual(await keys(ANONYMOUS), []);
    const paged = await listInvitations(core, owner, { organizationId: org.id, page: { offset: 1, limit: 1 } });
    assert.deepEqual([paged.items.map((i) => i.key), paged.total], [[toA.key], 2]);

    assert.equal((await getInvitation(core, a, toA.key)).user_id, a.id);
    assert.equal((await getInvitation(core, owner, toB.key)).owner, maintainer.id);
    assert.equal((await getInvitation(core, maintainer, toB.key)).role, 'supervisor');
    for (const refused of [worker, outsider, b, ANONYMOUS]) await rejectsWith(getInvitation(core, refused, toA.key), 'forbidden');
  });
});
