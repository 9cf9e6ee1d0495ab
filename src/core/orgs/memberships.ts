import type { Kysely } from 'kysely';
import type { Database, MembershipRole } from '../../db/schema.js';
import { recordAudit } from '../moderation/audit.js';
import type { Core } from '../context.js';
import { CoreError, forbidden, notFound, validationFailed } from '../errors.js';
import { administersOrganizations, findOrganizationRow, standingIn } from './organizations.js';
import { checkOffsetPage, countedPage, type Listing, type OffsetPage } from '../paginator.js';
import { can } from '../access/policy.js';
import type { Viewer } from '../access/viewer.js';

/** A user's place in an organization. Pending invitees hold an inactive membership. */
export interface Membership {
  readonly id: number;
  readonly organization_id: number;
  readonly user_id: number;
  readonly role: MembershipRole;
  readonly is_active: boolean;
  /** When the user joined (accepted their invitation); null while pending. */
  readonly joined_at: number | null;
  readonly invitation_id: number | null;
  /** The key of the invitation that created it (CVAT shows it), null for direct memberships. */
  readonly invitation_key: string | null;
  readonly created_at: number;
}

export const MEMBERSHIP_ROLES: readonly MembershipRole[] = Object.freeze(['worker', 'supervisor', 'maintainer', 'owner']);

export const isMembershipRole = (value: string): value is MembershipRole => (MEMBERSHIP_ROLES as readonly string[]).includes(value);

export interface MembershipQuery {
  /** The organization context; without it, the "sandbox": the viewer's own active memberships. */
  readonly organizationId?: number;
  readonly userId?: number;
  readonly role?: MembershipRole;
  readonly page: OffsetPage;
}

function selectMemberships(db: Kysely<Database>) {
  return db
    .selectFrom('memberships as m')
    .leftJoin('invitations as i', 'i.id', 'm.invitation_id')
    .select(['m.id', 'm.organization_id', 'm.user_id', 'm.role', 'm.is_active', 'm.joined_at', 'm.invitation_id', 'm.created_at', 'i.key as invitation_key']);
}

type MembershipRecord = Omit<Membership, 'is_active'> & { readonly is_active: number };

const toMembership = (row: MembershipRecord): Membership => Object.freeze({ ...row, is_active: row.is_active === 1 });

/** Loads a membership or raises not_found. */
export async function findMembership(db: Kysely<Database>, membershipId: number): Promise<Membership> {
  const row = Number.isSafeInteger(membershipId) ? await selectMemberships(db).where('m.id', '=', membershipId).executeTakeFirst() : undefined;
  if (!row) throw notFound('membership');
  return toMembership(row);
}

/**
 * Memberships the viewer may see (CVAT): in the sandbox their own active memberships; in an
 * organization, owners and maintainers see every membership (pending ones too), other active
 * members the active ones, non-members nothing (forbidden). Admins see all. Newest first.
 */
export async function listMemberships(core: Core, viewer: Viewer, request: MembershipQuery): Promise<Listing<Membership>> {
  checkOffsetPage(request.page);
  let query = selectMemberships(core.db);
  if (request.organizationId !== undefined) {
    await findOrganizationRow(core.db, { id: request.organizationId });
    const standing = await standingIn(core.db, viewer, request.organizationId);
    if (!can(viewer, 'org.view', standing)) throw forbidden();
    query = query.where('m.organization_id', '=', request.organizationId);
    if (!can(viewer, 'org.view_all_members', standing)) query = query.where('m.is_active', '=', 1);
  } else if (!administersOrganizations(viewer)) {
    if (viewer.id === null) return { items: [], total: 0 };
    query = query.where('m.user_id', '=', viewer.id).where('m.is_active', '=', 1);
  }
  if (request.userId !== undefined) query = query.where('m.user_id', '=', request.userId);
  if (request.role !== undefined) query = query.where('m.role', '=', request.role);
  const { items, total } = await countedPage(query.orderBy('m.id', 'desc'), request.page);
  return { items: items.map(toMembership), total };
}

/** One membership: the member's own, or one the viewer could list in its organization. */
export async function getMembership(core: Core, viewer: Viewer, membershipId: number): Promise<Membership> {
  const membership = await findMembership(core.db, membershipId);
  if (viewer.id !== null && membership.user_id === viewer.id) return membership;
  const standing = await standingIn(core.db, viewer, membership.organization_id);
  const visible = can(viewer, 'org.view_all_members', standing) || (membership.is_active && can(viewer, 'org.view', standing));
  if (!visible) throw forbidden();
  return membership;
}

/**
 * Gives a member another role. The policy is asked about the member's current role and about
 * the new one, so that nobody hands out a role they could not then manage (a maintainer cannot
 * make maintainers). There is one owner: the role `owner` cannot be given.
 */
export async function changeMembershipRole(core: Core, viewer: Viewer, membershipId: number, role: MembershipRole): Promise<Membership> {
  if (!isMembershipRole(role) || role === 'owner') throw validationFailed({ role: [`"${String(role)}" is not a valid choice.`] });
  const now = core.now();
  return core.db.transaction().execute(async (trx) => {
    const membership = await findMembership(trx, membershipId);
    const standing = await standingIn(trx, viewer, membership.organization_id);
    const target = { ...standing, targetUserId: membership.user_id };
    if (!can(viewer, 'membership.change', { ...target, targetRole: membership.role }) || !can(viewer, 'membership.change', { ...target, targetRole: role })) {
      throw forbidden();
    }
    await trx.updateTable('memberships').set({ role, updated_at: now }).where('id', '=', membershipId).execute();
    // A pending invitation carries the role it will grant.
    if (membership.invitation_id !== null) {
      await trx.updateTable('invitations').set({ role }).where('id', '=', membership.invitation_id).where('accepted_at', 'is', null).execute();
    }
    await recordAudit(trx, viewer, now, {
      action: 'membership.change_role',
      subjectType: 'membership',
      subjectId: membershipId,
      targetUserId: membership.user_id,
      details: { organization_id: membership.organization_id, from: membership.role, to: role },
    });
    return findMembership(trx, membershipId);
  });
}

/** Removes a member (or lets a non-owner leave), with the invitation that brought them. */
export async function removeMembership(core: Core, viewer: Viewer, membershipId: number): Promise<Membership> {
  const now = core.now();
  return core.db.transaction().execute(async (trx) => {
    const membership = await findMembership(trx, membershipId);
    const standing = await standingIn(trx, viewer, membership.organization_id);
    if (!can(viewer, 'membership.remove', { ...standing, targetRole: membership.role, targetUserId: membership.user_id })) throw forbidden();
    await deleteMembershipRows(trx, membership);
    await recordAudit(trx, viewer, now, {
      action: 'membership.remove',
      subjectType: 'membership',
      subjectId: membershipId,
      targetUserId: membership.user_id,
      details: { organization_id: membership.organization_id, role: membership.role },
    });
    await core.changes.publish(trx, { kind: 'user', userId: membership.user_id });
    return membership;
  });
}

/**
 * Deletes a membership, its invitation, the member's selection of the team and, should an admin
 * remove the owner, the organization's owner link.
 */
export async function deleteMembershipRows(db: Kysely<Database>, membership: Membership): Promise<void> {
  await db.deleteFrom('memberships').where('id', '=', membership.id).execute();
  if (membership.invitation_id !== null) await db.deleteFrom('invitations').where('id', '=', membership.invitation_id).execute();
  await db
    .updateTable('users')
    .set({ selected_team_id: null })
    .where('id', '=', membership.user_id)
    .where('selected_team_id', '=', membership.organization_id)
    .execute();
  await db
    .updateTable('organizations')
    .set({ owner_id: null })
    .where('id', '=', membership.organization_id)
    .where('owner_id', '=', membership.user_id)
    .execute();
}

export interface AddMembershipInput {
  readonly organizationId: number;
  readonly userId: number;
  readonly role: Exclude<MembershipRole, 'owner'>;
  /** Default true: the member joins now. */
  readonly isActive?: boolean;
}

/** Adds a user to an organization without an invitation (admins and the system; native API, import). */
export async function addMembership(core: Core, viewer: Viewer, input: AddMembershipInput): Promise<Membership> {
  if (!administersOrganizations(viewer)) throw forbidden();
  const role: string = input.role;
  if (!isMembershipRole(role) || role === 'owner') throw validationFailed({ role: [`"${role}" is not a valid choice.`] });
  const now = core.now();
  const active = input.isActive ?? true;
  return core.db.transaction().execute(async (trx) => {
    await findOrganizationRow(trx, { id: input.organizationId });
    const user = await trx.selectFrom('users').select('id').where('id', '=', input.userId).executeTakeFirst();
    if (!user) throw notFound('user');
    const existing = await trx
      .selectFrom('memberships')
      .select('id')
      .where('organization_id', '=', input.organizationId)
      .where('user_id', '=', input.userId)
      .executeTakeFirst();
    if (existing) {
      throw new CoreError('conflict', 'membership conflicts with an existing record', {
        entity: 'membership',
        fields: { user: ['is a member of the organization already'] },
        problem: 'already_member',
      });
    }
    const row = await trx
      .insertInto('memberships')
      .values({
        organization_id: input.organizationId,
        user_id: input.userId,
        role: input.role,
        is_active: active ? 1 : 0,
        joined_at: active ? now : null,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(trx, viewer, now, {
      action: 'membership.add',
      subjectType: 'membership',
      subjectId: row.id,
      targetUserId: input.userId,
      details: { organization_id: input.organizationId, role: input.role, is_active: active },
    });
    return findMembership(trx, row.id);
  });
}
