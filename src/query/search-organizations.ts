import type { Core } from '../core/context.js';
import { toOrganization, type Organization } from '../core/orgs/organizations.js';
import type { Viewer } from '../core/access/viewer.js';
import { TRUE } from './ast.js';
import { inIdOrder, searchEntity, type ListRequest } from './list-page.js';

/**
 * Searches the organizations the viewer may list (the ones they own or actively belong to; every
 * one for admins) with the viewer's filter, sort and page.
 */
export async function searchOrganizations(core: Core, viewer: Viewer, request: ListRequest): Promise<{ organizations: Organization[]; total: number | null }> {
  // The rows a viewer may list (core/access/visibility.ts) are applied by the engine itself.
  const result = await searchEntity(core, viewer, 'organizations', request, TRUE);
  const rows = result.ids.length === 0 ? [] : await core.db.selectFrom('organizations').selectAll().where('id', 'in', result.ids).execute();
  return { organizations: inIdOrder(result.ids, rows.map(toOrganization)), total: result.total };
}
