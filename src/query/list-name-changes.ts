import type { Core } from '../core/context.js';
import { toNameChange, type NameChange } from '../core/users/name-changes.js';
import type { Viewer } from '../core/access/viewer.js';
import { inIdOrder, searchEntity, type ListPage, type ListRequest } from './list-page.js';

/**
 * Searches name history. Which rows the viewer reads is the core's row rule
 * (core/access/visibility.ts), which the engine applies to every search; pages and counts stay right.
 */
export async function listNameChanges(core: Core, viewer: Viewer, request: ListRequest): Promise<ListPage<NameChange>> {
  const result = await searchEntity(core, viewer, 'name_changes', request);
  const rows = result.ids.length === 0 ? [] : await core.db.selectFrom('name_changes').selectAll().where('id', 'in', result.ids).execute();
  return {
    items: inIdOrder(result.ids, rows).map(toNameChange),
    nextCursor: result.nextCursor,
    hasMore: result.hasMore,
    total: result.total,
  };
}
