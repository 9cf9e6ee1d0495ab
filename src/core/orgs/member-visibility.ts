import type { Core } from '../context.js';
import { forbidden, notFound } from '../errors.js';
import { can } from '../access/policy.js';
import { loadUser } from '../users/user-store.js';
import type { User } from '../users/user.js';
import type { Viewer } from '../access/viewer.js';
import { administersOrganizations, findOrganizationRow, standingIn } from './organizations.js';

/**
 * Who may read whom where accounts are seen through organizations (CVAT, spec §1.3 and the
 * seed's "View users in their organizations"): admins everyone; a user themself; an active
 * member of the organization in context anyone (CVAT checks the caller's role there, not the
 * target's); and, the seed's rule, anyone sharing an organization with the viewer, who is an
 * active member of it. A deleted account is not found except by admins.
 *
 * @throws CoreError not_found (missing, or deleted for non-admins; checked first, as CVAT
 * does), forbidden otherwise.
 */
export async function getVisibleMember(core: Core, viewer: Viewer, userId: number, organizationId: number | null): Promise<User> {
  const user = Number.isSafeInteger(userId) ? await loadUser(core, userId) : null;
  const admin = administersOrganizations(viewer);
  if (!user || (user.is_deleted && !admin)) throw notFound('user');
  if (admin || (viewer.id !== null && viewer.id === user.id)) return user;
  if (organizationId !== null && can(viewer, 'org.view', await standingIn(core.db, viewer, organizationId))) return user;
  if (await sharesOrganization(core, viewer, user.id)) return user;
  throw forbidden();
}

/** Whether the target has a membership in an organization the viewer actively belongs to. */
async function sharesOrganization(core: Core, viewer: Viewer, userId: number): Promise<boolean> {
  if (viewer.id === null) return false;
  const row = await core.db
    .selectFrom('memberships as mine')
    .innerJoin('memberships as theirs', 'theirs.organization_id', 'mine.organization_id')
    .select('mine.id')
    .where('mine.user_id', '=', viewer.id)
    .where('mine.is_active', '=', 1)
    .where('theirs.user_id', '=', userId)
    .executeTakeFirst();
  return row !== undefined;
}

/** The organization context of a members listing: none (the sandbox), one organization, or "no organization" (CVAT `?org=`). */
export type MemberListContext =
  { readonly kind: 'sandbox' } | { readonly kind: 'organization'; readonly organizationId: number } | { readonly kind: 'no_organization' };

/**
 * Whose accounts a viewer may list in a context (CVAT): in the sandbox, admins everyone and
 * others only themselves; in an organization, its active members (and admins) every user with
 * a membership there, pending invitees included; others are refused.
 *
 * @returns `all`, `self` (the viewer's id) or `members` (of the organization)
 * @throws CoreError not_found for an unknown organization, forbidden for a non-member.
 */
export async function memberListScope(
  core: Core,
  viewer: Viewer,
  context: MemberListContext,
): Promise<
  { readonly kind: 'all' } | { readonly kind: 'self'; readonly userId: number | null } | { readonly kind: 'members'; readonly organizationId: number }
> {
  if (context.kind === 'organization') {
    await findOrganizationRow(core.db, { id: context.organizationId });
    if (!can(viewer, 'org.view', await standingIn(core.db, viewer, context.organizationId))) throw forbidden();
    return { kind: 'members', organizationId: context.organizationId };
  }
  return administersOrganizations(viewer) ? { kind: 'all' } : { kind: 'self', userId: viewer.id };
}
