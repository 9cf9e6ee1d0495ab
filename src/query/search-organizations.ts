import type { Core } from '../core/context.js';
import { administersOrganizations, toOrganization, type Organization } from '../core/orgs/organizations.js';
import type { Viewer } from '../core/access/viewer.js';
import { and, eq, exists, FALSE, or, TRUE, type Filter } from './ast.js';
import { inIdOrder, searchEntity, type ListRequest } from './list-page.js';

/**
 * Searches the organizations the viewer may list (core `listOrganizations`' rule: the ones they
 * own or actively belong to; every one for admins) with the viewer's filter, sort and page.
 */
export async function searchOrganizations(core: Core, viewer: Viewer, request: ListRequest): Promise<{ organizations: Organization[]; total: number | null }> {
  const viewerId = viewer.id;
  let narrowing: Filter = TRUE;
  if (!administersOrganizations(viewer)) {
    narrowing = viewerId === null ? FALSE : or(eq('owner_id', viewerId), exists('memberships', and(eq('user_id', viewerId), eq('is_active', true))));
  }
  const result = await searchEntity(core, viewer, 'organizations', request, narrowing);
  const rows = result.ids.length === 0 ? [] : await core.db.selectFrom('organizations').selectAll().where('id', 'in', result.ids).execute();
  return { organizations: inIdOrder(result.ids, rows.map(toOrganization)), total: result.total };
}
