import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, MembershipRole, OrganizationRow } from '../../db/schema.js';
import { recordAudit } from '../moderation/audit.js';
import type { Core } from '../context.js';
import { CoreError, forbidden, notFound, validationFailed, type FieldErrors } from '../errors.js';
import { can } from '../access/policy.js';
import { parseJson, type Metadata } from '../users/user.js';
import type { Viewer } from '../access/viewer.js';
import { checkOffsetPage, countedPage, type Listing, type OffsetPage } from '../paginator.js';

export type { Listing, OffsetPage };

/** An organization: a CVAT organization and a Stack Auth team are the same thing. */
export interface Organization {
  readonly id: number;
  readonly uuid: string;
  readonly slug: string;
  readonly name: string;
  readonly description: string;
  readonly contact: Readonly<Record<string, unknown>>;
  readonly owner_id: number | null;
  readonly profile_image_url: string | null;
  readonly client_metadata: Metadata;
  readonly client_read_only_metadata: Metadata;
  readonly server_metadata: Metadata;
  readonly created_at: number;
  readonly updated_at: number;
}

export type OrganizationRef = { readonly id: number } | { readonly slug: string } | { readonly uuid: string };

/** The viewer's role in one organization, in the shape `can(viewer, 'org.*', …)` takes. */
export interface OrgStanding {
  readonly viewerRole: MembershipRole | null;
  readonly viewerActive: boolean;
}

export interface OrganizationInput {
  readonly slug: string;
  readonly name?: string;
  readonly description?: string;
  readonly contact?: Readonly<Record<string, unknown>>;
  readonly profileImageUrl?: string | null;
  readonly clientMetadata?: unknown;
  readonly clientReadOnlyMetadata?: unknown;
  readonly serverMetadata?: unknown;
  /** Admins and the system only: who owns the new organization (default: the viewer). */
  readonly ownerId?: number | null;
}

export type OrganizationPatch = Partial<Omit<OrganizationInput, 'ownerId'>>;

// CVAT: `slug = SlugField(max_length=16)`, `name = CharField(max_length=64)`.
const SLUG_MAX = 16;
const NAME_MAX = 64;
const SLUG_PATTERN = /^[a-zA-Z0-9_-]+$/;

const NO_STANDING: OrgStanding = Object.freeze({ viewerRole: null, viewerActive: false });

/** May the viewer act in any organization without belonging to it (admins, the system)? */
export function administersOrganizations(viewer: Viewer): boolean {
  return can(viewer, 'org.administer');
}

export function toOrganization(row: OrganizationRow): Organization {
  const contact = parseJson(row.contact);
  return Object.freeze({
    id: row.id,
    uuid: row.uuid,
    slug: row.slug,
    name: row.name,
    description: row.description,
    contact: Object.freeze(isPlainObject(contact) ? contact : {}),
    owner_id: row.owner_id,
    profile_image_url: row.profile_image_url,
    client_metadata: parseJson(row.client_metadata),
    client_read_only_metadata: parseJson(row.client_read_only_metadata),
    server_metadata: parseJson(row.server_metadata),
    created_at: row.created_at,
    updated_at: row.updated_at,
  });
}

/** The viewer's membership role and active flag in `orgId`, read with `db` (a transaction or not). */
export async function standingIn(db: Kysely<Database>, viewer: Viewer, orgId: number): Promise<OrgStanding> {
  if (viewer.id === null) return NO_STANDING;
  const row = await db
    .selectFrom('memberships')
    .select(['role', 'is_active'])
    .where('organization_id', '=', orgId)
    .where('user_id', '=', viewer.id)
    .executeTakeFirst();
  return row ? { viewerRole: row.role, viewerActive: row.is_active === 1 } : NO_STANDING;
}

/** The viewer's standing in an organization, to pass to `can(viewer, 'org.*', standing)`. */
export async function viewerOrgStanding(core: Core, viewer: Viewer, orgId: number): Promise<OrgStanding> {
  return standingIn(core.db, viewer, orgId);
}

/** The organization row, or not_found with problem `organization_missing` and the label asked for as `subject`. */
export async function findOrganizationRow(db: Kysely<Database>, ref: OrganizationRef): Promise<OrganizationRow> {
  let query = db.selectFrom('organizations').selectAll();
  if ('id' in ref) query = query.where('id', '=', Number.isSafeInteger(ref.id) ? ref.id : -1);
  else if ('slug' in ref) query = query.where('slug_lower', '=', ref.slug.toLowerCase());
  else query = query.where('uuid', '=', ref.uuid.toLowerCase());
  const row = await query.executeTakeFirst();
  if (row) return row;
  const label = 'slug' in ref ? ref.slug : 'id' in ref ? String(ref.id) : ref.uuid;
  throw new CoreError('not_found', `organization ${label} not found`, { entity: 'organization', problem: 'organization_missing', subject: label });
}

/**
 * Resolves an organization context (CVAT `?org=`, `X-Organization`) and the viewer's standing in
 * it. Raises not_found only: what the viewer may do there is for `can` to say.
 */
export async function resolveOrganization(core: Core, viewer: Viewer, ref: OrganizationRef): Promise<{ organization: Organization; standing: OrgStanding }> {
  const row = await findOrganizationRow(core.db, ref);
  return { organization: toOrganization(row), standing: await standingIn(core.db, viewer, row.id) };
}

/** One organization, for its owner, active members, admins and the system. */
export async function getOrganization(core: Core, viewer: Viewer, ref: OrganizationRef): Promise<Organization> {
  const { organization, standing } = await resolveOrganization(core, viewer, ref);
  if (!can(viewer, 'org.view', standing)) throw forbidden();
  return organization;
}

/** The organizations the viewer owns or actively belongs to (all of them for admins), newest first. */
export async function listOrganizations(core: Core, viewer: Viewer, request: { page: OffsetPage }): Promise<Listing<Organization>> {
  checkOffsetPage(request.page);
  const viewerId = viewer.id;
  let query = core.db.selectFrom('organizations');
  if (!administersOrganizations(viewer)) {
    if (viewerId === null) return { items: [], total: 0 };
    query = query.where((eb) =>
      eb.or([
        eb('owner_id', '=', viewerId),
        eb('id', 'in', eb.selectFrom('memberships').select('organization_id').where('user_id', '=', viewerId).where('is_active', '=', 1)),
      ]),
    );
  }
  const { items, total } = await countedPage(query.selectAll().orderBy('id', 'desc'), request.page);
  return { items: items.map(toOrganization), total };
}

/** Creates an organization; its creator (or `ownerId`, for admins) becomes its active owner. */
export async function createOrganization(core: Core, viewer: Viewer, input: OrganizationInput): Promise<Organization> {
  if (!can(viewer, 'org.create')) throw forbidden();
  if (input.ownerId !== undefined && !administersOrganizations(viewer)) throw forbidden();
  if ((input.clientReadOnlyMetadata !== undefined || input.serverMetadata !== undefined) && !administersOrganizations(viewer)) {
    throw forbidden();
  }
  const problems = organizationProblems(input);
  if (Object.keys(problems).length > 0) throw validationFailed(problems);
  const now = core.now();
  const ownerId = input.ownerId === undefined ? viewer.id : input.ownerId;
  return core.db.transaction().execute(async (trx) => {
    await assertSlugFree(trx, input.slug, null);
    if (ownerId !== null) {
      const owner = await trx.selectFrom('users').select('id').where('id', '=', ownerId).executeTakeFirst();
      if (!owner) throw notFound('user');
    }
    const row = await trx
      .insertInto('organizations')
      .values({
        uuid: randomUUID(),
        slug: input.slug,
        slug_lower: input.slug.toLowerCase(),
        name: input.name || input.slug,
        description: input.description ?? '',
        contact: JSON.stringify(input.contact ?? {}),
        owner_id: ownerId,
        profile_image_url: input.profileImageUrl ?? null,
        client_metadata: metadataText(input.clientMetadata),
        client_read_only_metadata: metadataText(input.clientReadOnlyMetadata),
        server_metadata: metadataText(input.serverMetadata),
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    if (ownerId !== null) {
      await trx
        .insertInto('memberships')
        .values({ organization_id: row.id, user_id: ownerId, role: 'owner', is_active: 1, joined_at: now, created_at: now, updated_at: now })
        .execute();
    }
    await recordAudit(trx, viewer, now, {
      action: 'organization.create',
      subjectType: 'organization',
      subjectId: row.id,
      targetUserId: ownerId,
      details: { slug: row.slug },
    });
    return toOrganization(row);
  });
}

/** Changes an organization (owners and maintainers); its client-read-only and server metadata are admins'. */
export async function updateOrganization(core: Core, viewer: Viewer, orgId: number, patch: OrganizationPatch): Promise<Organization> {
  if ((patch.clientReadOnlyMetadata !== undefined || patch.serverMetadata !== undefined) && !administersOrganizations(viewer)) {
    throw forbidden();
  }
  const problems = organizationProblems(patch);
  if (Object.keys(problems).length > 0) throw validationFailed(problems);
  const now = core.now();
  return core.db.transaction().execute(async (trx) => {
    const current = await findOrganizationRow(trx, { id: orgId });
    if (!can(viewer, 'org.update', await standingIn(trx, viewer, orgId))) throw forbidden();
    if (patch.slug !== undefined) await assertSlugFree(trx, patch.slug, orgId);
    const row = await trx
      .updateTable('organizations')
      .set({
        ...(patch.slug !== undefined && { slug: patch.slug, slug_lower: patch.slug.toLowerCase() }),
        ...(patch.name !== undefined && { name: patch.name || (patch.slug ?? current.slug) }),
        ...(patch.description !== undefined && { description: patch.description }),
        ...(patch.contact !== undefined && { contact: JSON.stringify(patch.contact) }),
        ...(patch.profileImageUrl !== undefined && { profile_image_url: patch.profileImageUrl }),
        ...(patch.clientMetadata !== undefined && { client_metadata: metadataText(patch.clientMetadata) }),
        ...(patch.clientReadOnlyMetadata !== undefined && { client_read_only_metadata: metadataText(patch.clientReadOnlyMetadata) }),
        ...(patch.serverMetadata !== undefined && { server_metadata: metadataText(patch.serverMetadata) }),
        updated_at: now,
      })
      .where('id', '=', orgId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, viewer, now, {
      action: 'organization.update',
      subjectType: 'organization',
      subjectId: orgId,
      targetUserId: null,
      details: { fields: Object.keys(patch).filter((key) => patch[key as keyof OrganizationPatch] !== undefined) },
    });
    return toOrganization(row);
  });
}

/** Deletes an organization with its memberships and invitations (its owner, admins). */
export async function deleteOrganization(core: Core, viewer: Viewer, orgId: number): Promise<Organization> {
  const now = core.now();
  return core.db.transaction().execute(async (trx) => {
    const row = await findOrganizationRow(trx, { id: orgId });
    if (!can(viewer, 'org.delete', await standingIn(trx, viewer, orgId))) throw forbidden();
    const selecting = await trx.selectFrom('users').select('id').where('selected_team_id', '=', orgId).execute();
    await trx.updateTable('users').set({ selected_team_id: null }).where('selected_team_id', '=', orgId).execute();
    await trx.deleteFrom('memberships').where('organization_id', '=', orgId).execute();
    await trx.deleteFrom('invitations').where('organization_id', '=', orgId).execute();
    await trx.deleteFrom('organizations').where('id', '=', orgId).execute();
    await recordAudit(trx, viewer, now, {
      action: 'organization.delete',
      subjectType: 'organization',
      subjectId: orgId,
      targetUserId: null,
      details: { slug: row.slug },
    });
    // A cached viewer holds its selected team id.
    for (const { id } of selecting) await core.changes.publish(trx, { kind: 'user', userId: id });
    return toOrganization(row);
  });
}

async function assertSlugFree(db: Kysely<Database>, slug: string, exceptId: number | null): Promise<void> {
  let query = db.selectFrom('organizations').select('id').where('slug_lower', '=', slug.toLowerCase());
  if (exceptId !== null) query = query.where('id', '<>', exceptId);
  if (await query.executeTakeFirst()) {
    throw new CoreError('conflict', 'organization conflicts with an existing record', {
      entity: 'organization',
      fields: { slug: ['is already taken'] },
      problem: 'organization_slug_taken',
    });
  }
}

// Django's messages, as CVAT returns them.
function organizationProblems(input: OrganizationPatch): FieldErrors {
  const problems: Record<string, string[]> = {};
  const add = (field: string, message: string) => (problems[field] ??= []).push(message);
  if (input.slug !== undefined) {
    if (input.slug.length === 0) add('slug', 'This field may not be blank.');
    else if (!SLUG_PATTERN.test(input.slug)) add('slug', 'Enter a valid “slug” consisting of letters, numbers, underscores or hyphens.');
    if (input.slug.length > SLUG_MAX) add('slug', `Ensure this field has no more than ${SLUG_MAX} characters.`);
  }
  if (input.name !== undefined && input.name.length > NAME_MAX) add('name', `Ensure this field has no more than ${NAME_MAX} characters.`);
  if (input.contact !== undefined && !isPlainObject(input.contact)) add('contact', 'Must be a JSON object.');
  return problems;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON metadata as stored: text, or null when unset. */
export function metadataText(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}
