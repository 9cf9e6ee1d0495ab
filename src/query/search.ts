import type { Kysely } from 'kysely';
import { CoreError, invalidParam } from '../core/errors.js';
import type { Database } from '../db/schema.js';
import type { Filter } from './ast.js';
import { compileFilter, type CompileContext } from './compile.js';
import { ENTITIES, type EntityName } from './fields.js';
import { ALIAS, baseQuery, countRows, fetchPage } from './pages.js';
import { planSort, sortSignature } from './sort.js';

export { checkFilter } from './compile.js';
export { isSortable } from './sort.js';

export type SortKey =
  | { readonly kind: 'field'; readonly field: string; readonly direction: 'asc' | 'desc' }
  /** Danbooru `order=custom`: rows in the order of this id list first. */
  | { readonly kind: 'idOrder'; readonly ids: readonly number[] }
  /** Danbooru `current_user_first`: this id first. */
  | { readonly kind: 'pinFirst'; readonly id: number };

export type PageRequest =
  | { readonly kind: 'offset'; readonly limit: number; readonly offset: number }
  /** `cursor` is the opaque `nextCursor` of a previous result, or null for the first page. */
  | { readonly kind: 'keyset'; readonly limit: number; readonly cursor: string | null }
  /** Danbooru `b<id>`: ids below `id`, descending. */
  | { readonly kind: 'before'; readonly limit: number; readonly id: number }
  /** Danbooru `a<id>`: the `limit` ids just above `id`, returned descending. */
  | { readonly kind: 'after'; readonly limit: number; readonly id: number };

export interface SearchRequest {
  readonly entity: EntityName;
  readonly filter: Filter;
  /** A unique tie-breaker `id` (direction of the last field key, descending if none) is always appended. */
  readonly sort: readonly SortKey[];
  readonly page: PageRequest;
  /** Also return the exact number of rows matching the filter. */
  readonly count?: boolean;
}

export interface SearchResult {
  readonly ids: number[];
  /** For keyset pages: the cursor of the next page, null when there is none. */
  readonly nextCursor: string | null;
  readonly hasMore: boolean;
  readonly total: number | null;
}

/** `caps`, `now` and the viewer's `tier` (see {@link CompileContext}), and the database. */
export interface SearchContext extends CompileContext {
  readonly db: Kysely<Database>;
}

/**
 * Runs a search: checks the filter and sort against the catalogue and the viewer's tier,
 * compiles them to SQL and returns the matching ids in order (callers load the rows with
 * core/user-store `loadUsers`). Both engines return the same ids for the same data.
 *
 * @throws CoreError `invalid_param` for an unknown or hidden field, a bad value, sort, page or cursor.
 */
export async function searchIds(ctx: SearchContext, request: SearchRequest): Promise<SearchResult> {
  const where = compileFilter(request.entity, ALIAS, request.filter, ctx);
  const sequential = request.page.kind === 'before' || request.page.kind === 'after';
  // Danbooru's b<id>/a<id> ignore the order; they page by id alone.
  const terms = sequential ? [] : planSort(request.entity, ALIAS, request.sort, ctx);
  const base = baseQuery(ctx.db, ENTITIES[request.entity].table, where);
  try {
    const page = await fetchPage(base, terms, sortSignature(request.entity, terms), request.page);
    const total = request.count ? await countRows(base) : null;
    return { ...page, total };
  } catch (error) {
    throw asInvalidPattern(error);
  }
}

// A pattern JavaScript accepts may still be refused by PostgreSQL's regex engine (SQLSTATE 2201B).
function asInvalidPattern(error: unknown): unknown {
  if (error instanceof CoreError) return error;
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === '2201B' ? invalidParam('filter', 'invalid regular expression') : error;
}
