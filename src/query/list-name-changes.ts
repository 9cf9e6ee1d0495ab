import type { Core } from '../core/context.js';
import { toNameChange, type NameChange } from '../core/users/name-changes.js';
import { searchTier } from '../core/access/policy.js';
import type { Viewer } from '../core/access/viewer.js';
import { cmp, exists, FALSE, TRUE, type Filter } from './ast.js';
import { inIdOrder, searchEntity, type ListPage, type ListRequest } from './list-page.js';

/**
 * Searches name history. Danbooru's visibility: anonymous viewers see nothing, members see the
 * history of accounts that are not deleted, moderators see everything. The narrowing is part of
 * the filter, so pages and counts stay right.
 */
export async function listNameChanges(core: Core, viewer: Viewer, request: ListRequest): Promise<ListPage<NameChange>> {
  const result = await searchEntity(core, viewer, 'name_changes', request, visibleHistory(viewer));
  const rows = result.ids.length === 0 ? [] : await core.db.selectFrom('name_changes').selectAll().where('id', 'in', result.ids).execute();
  return {
    items: inIdOrder(result.ids, rows).map(toNameChange),
    nextCursor: result.nextCursor,
    hasMore: result.hasMore,
    total: result.total,
  };
}

/** The list form of policy's `user.view_name_history`, by the viewer's search tier. */
function visibleHistory(viewer: Viewer): Filter {
  switch (searchTier(viewer)) {
    case 'admin':
    case 'moderator':
      return TRUE;
    case 'member':
      return exists('user', cmp('is_deleted', 'eq', false));
    case 'public':
      return FALSE;
  }
}
