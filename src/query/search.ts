import { sql, type Kysely, type SqlBool } from 'kysely';
import type { ConcurrencyLimit } from '../core/concurrency-limit.js';
import { CoreError, invalidPattern, queryTimeout } from '../core/errors.js';
import { StatementBudgetExceeded } from '../db/database.js';
import { STATEMENT_ROW_BUDGET } from '../db/row-budget.js';
import type { Database } from '../db/schema.js';
import type { Filter } from './ast.js';
import { compileFilter, type CompileContext } from './compile.js';
import { ENTITIES, ENTITY_FIXED, findField, type EntityName } from './fields.js';
import { readableRowsFilter } from './readable-rows.js';
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
  /** Searches that may hold a connection at once (`Core.searchSlots`); none: no limit. */
  readonly slots: ConcurrencyLimit | null;
}

/**
 * Runs a search: checks the filter and sort against the catalogue and the viewer's tier,
 * compiles them to SQL and returns the matching ids in order (callers load the rows with
 * core/user-store `loadUsers`). Both engines return the same ids for the same data.
 *
 * @throws CoreError `invalid_param` for an unknown or hidden field, a bad value, sort, page or cursor.
 */
export async function searchIds(context: SearchContext, request: SearchRequest): Promise<SearchResult> {
  try {
    if (walksOrderFirst(context, request)) {
      const rows = Math.min(ORDER_WALK_ROW_BUDGET, context.budget?.rows ?? ORDER_WALK_ROW_BUDGET);
      try {
        return await runSearch({ ...context, walkOrder: true, budget: { rows } }, request);
      } catch (error) {
        // The filter keeps few rows after all: read them through its index and sort them.
        if (!(error instanceof StatementBudgetExceeded)) throw error;
      }
    }
    return await runSearch({ ...context, budget: context.budget ?? { rows: SEARCH_ROW_BUDGET } }, request);
  } catch (error) {
    throw asSearchError(error);
  }
}

/**
 * How many rows a page may examine walking its order's index past a coarse filter (see
 * `walksOrderFirst`) before the search is run again the planner's way. A filter keeping 1% of
 * the rows fills a page of 100 within it.
 */
export const ORDER_WALK_ROW_BUDGET = 10_000;

/**
 * Whether to read the page by walking its order's index, filtering a coarse field as it goes
 * (Danbooru's `search[level]=30..40&search[order]=post_upload_count`): an engine whose planner
 * ignores the limit would read every matching row through the coarse field's index and sort them.
 * Not with a count, which reads every match anyway.
 */
function walksOrderFirst(context: SearchContext, request: SearchRequest): boolean {
  if (!context.caps.limitBlindPlanner || request.count || (request.page.kind !== 'offset' && request.page.kind !== 'keyset')) return false;
  return request.sort[0]?.kind === 'field' && filtersCoarseField(request.entity, request.filter);
}

function filtersCoarseField(entity: EntityName, filter: Filter): boolean {
  switch (filter.kind) {
    case 'and':
    case 'or':
      return filter.items.some((item) => filtersCoarseField(entity, item));
    case 'not':
      return filtersCoarseField(entity, filter.item);
    case 'cmp':
    case 'in':
      return findField(entity, filter.field)?.coarse === true;
    default:
      return false;
  }
}

/** One attempt at the search, under `ctx`'s row budget and plan hints. */
async function runSearch(ctx: SearchContext, request: SearchRequest): Promise<SearchResult> {
  const filter = compileFilter(request.entity, ALIAS, request.filter, ctx);
  const where = filter;
  const sequential = request.page.kind === 'before' || request.page.kind === 'after';
  // Danbooru's b<id>/a<id> ignore the order; they page by id alone.
  const terms = sequential ? [] : planSort(request.entity, ALIAS, request.sort, ctx);
  return withStatementTimeout(ctx, async (db) => {
    const base = baseQuery(db, ENTITIES[request.entity].table, where);
    const page = await fetchPage(base, terms, sortSignature(request.entity, terms), request.page);
    // Counting every row is one pass over the smallest index, in C (about 55 ms at a million
    // users): unlike a filtered count it needs no row budget, which would slow it down.
    const total = request.count
      ? await countRows(isUnfiltered(request, ctx) ? baseQuery(db, ENTITIES[request.entity].table, sql<SqlBool>`1 = 1`) : base)
      : null;
    return { ...page, total };
  });
}

/**
 * On SQLite a search runs on the event loop: each of its statements stops after examining this
 * many rows (capability `rowBudget`; measured figures in the README), so
 * that no request holds the loop for more than 100 ms. A search that needs more is refused as
 * Danbooru refuses one past its statement timeout. Searches served by an index examine few rows.
 */
export const SEARCH_ROW_BUDGET = STATEMENT_ROW_BUDGET;

/** Whether the search selects every row of its table: no filter, no fixed or row rule. */
function isUnfiltered(request: SearchRequest, ctx: SearchContext): boolean {
  const rows = readableRowsFilter(request.entity, ctx);
  const all = (filter: Filter): boolean => filter.kind === 'const' && filter.value;
  return all(request.filter) && ENTITY_FIXED[request.entity] === undefined && all(rows);
}

/** PostgreSQL cancels a search statement that runs longer than this (Danbooru's member default). */
export const SEARCH_STATEMENT_TIMEOUT_MS = 3000;

/**
 * Runs the search's statements under a statement timeout where the engine has one (PostgreSQL:
 * `set_config(..., true)` lasts until the end of this transaction). SQLite has none: its
 * statements are bounded by what the engine lets a search ask (see compile.ts and pages.ts).
 */
async function withStatementTimeout<T>(ctx: SearchContext, run: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  if (!ctx.caps.statementTimeout) return run(ctx.db);
  const search = (): Promise<T> =>
    ctx.db.transaction().execute(async (trx) => {
      await sql`select set_config('statement_timeout', ${String(SEARCH_STATEMENT_TIMEOUT_MS)}, true)`.execute(trx);
      return run(trx);
    });
  return ctx.slots ? ctx.slots.run(search) : search();
}

/**
 * Runs statements of a search that does not go through {@link searchIds} (the shortest-first
 * name prefix lookup) under the same limits: the statement timeout, and its refusal as a search
 * error.
 */
export async function underSearchLimits<T>(ctx: SearchContext, run: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  try {
    return await withStatementTimeout(ctx, run);
  } catch (error) {
    throw asSearchError(error);
  }
}

// A pattern RE2 accepts may still be refused by PostgreSQL's regex engine (SQLSTATE 2201B, e.g.
// too complex); a statement past its timeout is cancelled (57014).
function asSearchError(error: unknown): unknown {
  if (error instanceof CoreError) return error;
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (code === '2201B') return invalidPattern('filter', error instanceof Error ? error.message.replace(/^invalid regular expression: /, '') : 'refused');
  return code === '57014' || error instanceof StatementBudgetExceeded ? queryTimeout() : error;
}
