import type { Core } from '../core/context.js';
import { searchTier } from '../core/access/policy.js';
import type { Viewer } from '../core/access/viewer.js';
import { and, type Filter } from './ast.js';
import type { EntityName } from './fields.js';
import { searchIds, type PageRequest, type SearchResult, type SortKey } from './search.js';

/** A search as every listing takes it: the dialect's parsed filter, sort and page. */
export interface ListRequest {
  readonly filter: Filter;
  readonly sort: readonly SortKey[];
  readonly page: PageRequest;
  /** Also count every match (costs a second query). */
  readonly count?: boolean;
}

export interface ListPage<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
  readonly hasMore: boolean;
  readonly total: number | null;
}

/** Runs `request` over `entity` with the viewer's search tier; `narrowing` is ANDed to the filter. */
export function searchEntity(core: Core, viewer: Viewer, entity: EntityName, request: ListRequest, narrowing?: Filter): Promise<SearchResult> {
  const filter = narrowing ? and(request.filter, narrowing) : request.filter;
  return searchIds(
    { db: core.db, caps: core.caps, now: core.now(), tier: searchTier(viewer), viewerId: viewer.id, slots: core.searchSlots },
    { entity, filter, sort: request.sort, page: request.page, count: request.count ?? false },
  );
}

/** Rows fetched by id (one query), put back in the order of `ids`. */
export function inIdOrder<T extends { readonly id: number }>(ids: readonly number[], rows: readonly T[]): T[] {
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}
