import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, MembershipRole } from '../../db/schema.js';
import { recordAudit } from '../moderation/audit.js';
import type { Core } from '../context.js';
import { CoreError, forbidden, validationFailed } from '../errors.js';
import { Level } from '../access/levels.js';
import { deleteMembershipRows, findMembership, isMembershipRole } from './memberships.js';
import { nameKey, nameProblems, normalizeName } from '../users/names.js';
import { administersOrganizations, findOrganizationRow, standingIn } from './organizations.js';
import { checkOffsetPage, countedPage, type Listing, type OffsetPage } from '../paginator.js';
import { can } from '../access/policy.js';
import { generateSecret } from '../auth/secrets.js';
import { isSystem, type Viewer } from '../access/viewer.js';

/** An invitation to join an organization; its key identifies it (CVAT). */
export interface Invitation {
  readonly key: string;
  readonly created_at: number;
  readonly expires_at: number;
  /** Who invited (CVAT `owner`); null once that account is gone. */
  readonly owner: number | null;
  readonly role: MembershipRole;
  /** The invitee. */
  readonly user_id: number;
  readonly organization_id: number;
  readonly organization_slug: string;
  /** CVAT: the sending date plus the validity period has passed (whether accepted or not). */
  readonly expired: boolean;
  readonly accepted: boolean;
}

/** How long an invitation can be accepted after it was sent (or last resent). */
export const INVITATION_VALIDITY_MS = 7 * 24 * 60 * 60 * 1000;

const EMAIL_PATTERN = /^[^@\s]+@[^@\s]+$/;
const EMAIL_MAX = 254;

function selectInvitations(db: Kysely<Database>) {
  return db
    .selectFrom('invitations as i')
    .innerJoin('organizations as o', 'o.id', 'i.organization_id')
    .select(['i.id', 'i.key', 'i.created_at', 'i.expires_at', 'i.inviter_id', 'i.role', 'i.user_id', 'i.organization_id', 'i.accepted_at', 'o.slug']);
}

type InvitationRecord = Awaited<ReturnType<ReturnType<typeof selectInvitations>['executeTakeFirstOrThrow']>>;

function toInvitation(row: InvitationRecord, now: number): Invitation {
  return Object.freeze({
    key: row.key,
    created_at: row.created_at,
    expires_at: row.expires_at,
    owner: row.inviter_id,
    role: row.role,
    user_id: row.user_id,
    organization_id: row.organization_id,
    organization_slug: row.slug,
    expired: row.expires_at <= now,
    accepted: row.accepted_at !== null,
  });
}

async function findInvitation(db: Kysely<Database>, key: string): Promise<InvitationRecord> {
  const row = await selectInvitations(db).where('i.key', '=', key).executeTakeFirst();
  if (!row) throw new CoreError('not_found', 'invitation not found', { entity: 'invitation', problem: 'invitation_missing' });
  return row;
}

/**
 * Invites `email` into an organization with a role other than owner (owners and maintainers).
 * An address no account has gets a placeholder account, as in CVAT. The invitee holds an
 * inactive membership until they accept.
 */
export async function createInvitation(
  core: Core,
  viewer: Viewer,
  input: { organizationId: number; email: string; role: MembershipRole },
): Promise<Invitation> {
  const email = input.email.trim();
  if (!isMembershipRole(input.role) || input.role === 'owner') throw validationFailed({ role: [`"${String(input.role)}" is not a valid choice.`] });
  if (email.length > EMAIL_MAX || !EMAIL_PATTERN.test(email)) throw validationFailed({ email: ['Enter a valid email address.'] });
  const now = core.now();
  return core.db.transaction().execute(async (trx) => {
    await findOrganizationRow(trx, { id: input.organizationId });
    if (!can(viewer, 'org.invite', await standingIn(trx, viewer, input.organizationId))) throw forbidden();
    const userId = (await findUserByEmail(trx, email)) ?? (await createPlaceholderUser(trx, viewer, email, now));
    const member = await trx
      .selectFrom('memberships')
      .select('id')
      .where('organization_id', '=', input.organizationId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (member) {
      throw new CoreError('conflict', 'membership conflicts with an existing record', {
        entity: 'membership',
        fields: { email: ['is a member of the organization already'] },
        problem: 'already_member',
      });
    }
    // The key is an identifier, not a credential: it is listed to the organization's managers
    // and stored as is, because accepting requires being signed in as the invitee.
    const key = generateSecret();
    const invitation = await trx
      .insertInto('invitations')
      .values({
        key,
        organization_id: input.organizationId,
        inviter_id: viewer.id,
        user_id: userId,
        email,
        role: input.role,
        created_at: now,
        expires_at: now + INVITATION_VALIDITY_MS,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('memberships')
      .values({
        organization_id: input.organizationId,
        user_id: userId,
        role: input.role,
        is_active: 0,
        invitation_id: invitation.id,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await recordAudit(trx, viewer, now, {
      action: 'invitation.create',
      subjectType: 'invitation',
      subjectId: invitation.id,
      targetUserId: userId,
      details: { organization_id: input.organizationId, role: input.role },
    });
    return toInvitation(await findInvitation(trx, key), now);
  });
}

async function findUserByEmail(db: Kysely<Database>, email: string): Promise<number | null> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where('email_lower', '=', email.toLowerCase())
    .where('is_deleted', '=', 0)
    .orderBy('id')
    .executeTakeFirst();
  return row?.id ?? null;
}

/** A member-level account with no password, named after the address's local part. */
async function createPlaceholderUser(db: Kysely<Database>, viewer: Viewer, email: string, now: number): Promise<number> {
  const name = await freeName(db, placeholderBase(email));
  const row = await db
    .insertInto('users')
    .values({
      uuid: randomUUID(),
      name,
      name_lower: nameKey(name),
      email,
      email_lower: email.toLowerCase(),
      level: Level.Member,
      inviter_id: viewer.id,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

function placeholderBase(email: string): string {
  const local = normalizeName(email.slice(0, email.lastIndexOf('@')))
    .replace(/[^\p{L}\p{N}_.+-]/gu, '')
    .slice(0, 120);
  return local.length > 0 && nameProblems(local).length === 0 ? local : 'invitee';
}

/** `base`, else `base2`, `base3`…: the first one no account holds (ignoring case). */
async function freeName(db: Kysely<Database>, base: string): Promise<string> {
  for (let start = 1; ; start += 20) {
    const candidates = Array.from({ length: 20 }, (_, i) => (start + i === 1 ? base : `${base}${start + i}`));
    const taken = await db.selectFrom('users').select('name_lower').where('name_lower', 'in', candidates.map(nameKey)).execute();
    const takenKeys = new Set(taken.map((row) => row.name_lower));
    const free = candidates.find((candidate) => !takenKeys.has(nameKey(candidate)));
    if (free !== undefined) return free;
  }
}

/** The invitee accepts: their membership becomes active. */
export async function acceptInvitation(core: Core, viewer: Viewer, key: string): Promise<Invitation> {
  const now = core.now();
  return core.db.transaction().execute(async (trx) => {
    const row = await findInvitation(trx, key);
    assertInvitee(viewer, row);
    assertPending(row);
    if (row.expires_at <= now) throw new CoreError('conflict', 'invitation expired', { entity: 'invitation', problem: 'invitation_expired' });
    await trx.updateTable('invitations').set({ accepted_at: now }).where('id', '=', row.id).execute();
    await trx.updateTable('memberships').set({ is_active: 1, joined_at: now, updated_at: now }).where('invitation_id', '=', row.id).execute();
    await auditInvitation(trx, viewer, now, 'invitation.accept', row);
    return toInvitation(await findInvitation(trx, key), now);
  });
}

/** The invitee declines: the invitation and the pending membership are deleted. */
export async function declineInvitation(core: Core, viewer: Viewer, key: string): Promise<void> {
  const now = core.now();
  await core.db.transaction().execute(async (trx) => {
    const row = await findInvitation(trx, key);
    assertInvitee(viewer, row);
    assertPending(row);
    await deleteInvitationRows(trx, row);
    await auditInvitation(trx, viewer, now, 'invitation.decline', row);
  });
}

/** Sends a pending invitation again (owners and maintainers): it is valid for another period. */
export async function resendInvitation(core: Core, viewer: Viewer, key: string): Promise<Invitation> {
  const now = core.now();
  return core.db.transaction().execute(async (trx) => {
    const row = await findInvitation(trx, key);
    if (!can(viewer, 'org.invite', await standingIn(trx, viewer, row.organization_id))) throw forbidden();
    assertPending(row);
    await trx
      .updateTable('invitations')
      .set({ expires_at: now + INVITATION_VALIDITY_MS })
      .where('id', '=', row.id)
      .execute();
    await auditInvitation(trx, viewer, now, 'invitation.resend', row);
    return toInvitation(await findInvitation(trx, key), now);
  });
}

/** Withdraws an invitation (owners and maintainers); a pending membership goes with it. */
export async function deleteInvitation(core: Core, viewer: Viewer, key: string): Promise<void> {
  const now = core.now();
  await core.db.transaction().execute(async (trx) => {
    const row = await findInvitation(trx, key);
    if (!can(viewer, 'org.invite', await standingIn(trx, viewer, row.organization_id))) throw forbidden();
    await deleteInvitationRows(trx, row);
    await auditInvitation(trx, viewer, now, 'invitation.delete', row);
  });
}

/** Deletes the invitation; its membership too while pending, otherwise it only forgets the link. */
async function deleteInvitationRows(db: Kysely<Database>, row: InvitationRecord): Promise<void> {
  const membership = await db.selectFrom('memberships').select(['id', 'is_active']).where('invitation_id', '=', row.id).executeTakeFirst();
  if (membership && membership.is_active === 0) {
    await deleteMembershipRows(db, await findMembership(db, membership.id));
    return;
  }
  if (membership) await db.updateTable('memberships').set({ invitation_id: null }).where('id', '=', membership.id).execute();
  await db.deleteFrom('invitations').where('id', '=', row.id).execute();
}

// CVAT: only the invitee answers an invitation, admins included.
function assertInvitee(viewer: Viewer, row: InvitationRecord): void {
  if (!isSystem(viewer) && viewer.id !== row.user_id) throw forbidden();
}

function mayView(viewer: Viewer, row: InvitationRecord, viewerManages: boolean): boolean {
  return viewerManages || (viewer.id !== null && (viewer.id === row.user_id || viewer.id === row.inviter_id));
}

/** One invitation: for its invitee, its inviter, the organization's managers and admins. */
export async function getInvitation(core: Core, viewer: Viewer, key: string): Promise<Invitation> {
  const row = await findInvitation(core.db, key);
  if (!mayView(viewer, row, can(viewer, 'org.view_all_members', await standingIn(core.db, viewer, row.organization_id)))) throw forbidden();
  return toInvitation(row, core.now());
}

/**
 * Invitations the viewer may see, newest first: all of an organization's for its managers and
 * admins; otherwise those sent to or by the viewer (in `organizationId` when given).
 */
export async function listInvitations(core: Core, viewer: Viewer, request: { organizationId?: number; page: OffsetPage }): Promise<Listing<Invitation>> {
  checkOffsetPage(request.page);
  let query = selectInvitations(core.db);
  let seesAll = administersOrganizations(viewer);
  if (request.organizationId !== undefined) {
    await findOrganizationRow(core.db, { id: request.organizationId });
    seesAll ||= can(viewer, 'org.view_all_members', await standingIn(core.db, viewer, request.organizationId));
    query = query.where('i.organization_id', '=', request.organizationId);
  }
  if (!seesAll) {
    const viewerId = viewer.id;
    if (viewerId === null) return { items: [], total: 0 };
    query = query.where((eb) => eb.or([eb('i.user_id', '=', viewerId), eb('i.inviter_id', '=', viewerId)]));
  }
  const now = core.now();
  const { items, total } = await countedPage(query.orderBy('i.created_at', 'desc').orderBy('i.id', 'desc'), request.page);
  return { items: items.map((row) => toInvitation(row, now)), total };
}

function assertPending(row: InvitationRecord): void {
  if (row.accepted_at !== null) throw new CoreError('conflict', 'invitation already accepted', { entity: 'invitation', problem: 'invitation_accepted' });
}

function auditInvitation(trx: Kysely<Database>, viewer: Viewer, now: number, action: string, row: InvitationRecord): Promise<void> {
  return recordAudit(trx, viewer, now, {
    action,
    subjectType: 'invitation',
    subjectId: row.id,
    targetUserId: row.user_id,
    details: { organization_id: row.organization_id },
  });
}
