import { sql, type SelectQueryBuilder, type SqlBool } from 'kysely';
import { invalidParam } from './errors.js';

/**
 * The one paginator: every list reads one row past its page to tell whether more follow
 * (`splitPage`), the organization lists page by offset with a total (`countedPage`), the audit
 * trail by id, newest first (`pageBeforeId`); the query engine's pages (`query/pages.ts`) split
 * their rows here too.
 */

/** Row ids are 32-bit on PostgreSQL; a larger one would be a database error, not an empty page. */
export const MAX_ROW_ID = 2_147_483_647;

/** The rows of one page read with one row more: the page, and whether more follow. */
export function splitPage<T>(rows: readonly T[], limit: number): { readonly items: T[]; readonly hasMore: boolean } {
  return { items: rows.slice(0, limit), hasMore: rows.length > limit };
}

/** An offset page; `limit: null` means every row (CVAT `page_size=all`). */
export interface OffsetPage {
  readonly offset: number;
  readonly limit: number | null;
}

/** One offset page of a list and the number of rows in the whole list. */
export interface Listing<T> {
  readonly items: readonly T[];
  readonly total: number;
}

/** Rejects offsets and limits that are not non-negative / positive integers. */
export function checkOffsetPage(page: OffsetPage): void {
  if (!Number.isSafeInteger(page.offset) || page.offset < 0) throw invalidParam('offset', 'must be a non-negative integer');
  if (page.limit !== null && (!Number.isSafeInteger(page.limit) || page.limit < 1)) throw invalidParam('limit', 'must be a positive integer');
}

/** Applies an offset page to a query (`limit: null` → no limit). */
export function withOffsetPage<Q extends { limit(n: number): Q; offset(n: number): Q }>(query: Q, page: OffsetPage): Q {
  // SQLite accepts OFFSET only after a LIMIT.
  const limit = page.limit ?? (page.offset > 0 ? Number.MAX_SAFE_INTEGER : null);
  const limited = limit === null ? query : query.limit(limit);
  return page.offset > 0 ? limited.offset(page.offset) : limited;
}

/**
 * One offset page of `query` (its selection and order as given) and the count of all its rows,
 * read together. Checks the page first.
 *
 * @throws CoreError `invalid_param` for a bad offset or limit.
 */
export async function countedPage<DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>, page: OffsetPage): Promise<Listing<O>> {
  checkOffsetPage(page);
  const [count, rows] = await Promise.all([
    query
      .clearSelect()
      .clearOrderBy()
      .select(sql<number>`count(*)`.as('n'))
      .$castTo<{ n: number }>()
      .executeTakeFirstOrThrow(),
    withOffsetPage(query, page).execute(),
  ]);
  return { items: rows, total: Number(count.n) };
}

/** A page of a list read newest first by id. */
export interface BeforeIdPage<T> {
  readonly items: T[];
  /** Pass as `beforeId` for the next page; null when this page is the last. */
  readonly nextBeforeId: number | null;
}

/** Asks for rows older than `beforeId` (the previous page's `nextBeforeId`), at most `limit`. */
export interface BeforeIdRequest {
  readonly limit: number;
  readonly beforeId?: number;
}

/**
 * Checks a by-id page: `limit` from 1 to `maxLimit`, and each named id (the cursor among them)
 * absent or a row id.
 *
 * @throws CoreError `invalid_param` naming the parameter.
 */
export function checkBeforeIdPage(limit: number, maxLimit: number, ids: readonly (readonly [param: string, value: number | undefined])[]): void {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > maxLimit) throw invalidParam('limit', `limit must be between 1 and ${maxLimit}`);
  for (const [param, value] of ids) {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 1 || value > MAX_ROW_ID)) throw invalidParam(param, `${param} must be an id`);
  }
}

/** A time range of a by-id list: at or after `since`, before `until` (ms). */
export interface TimeRange {
  readonly since?: number;
  readonly until?: number;
}

const isTime = (value: number | undefined): boolean => value === undefined || (Number.isSafeInteger(value) && value >= 0);

/**
 * Checks a time range and narrows `query` to it by its `created_at`.
 *
 * @throws CoreError `invalid_param` naming `since` or `until`.
 */
export function withinTimeRange<DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>, range: TimeRange): SelectQueryBuilder<DB, TB, O> {
  if (!isTime(range.since)) throw invalidParam('since', 'since must be a time in milliseconds');
  if (!isTime(range.until)) throw invalidParam('until', 'until must be a time in milliseconds');
  const createdAt = sql.ref('created_at');
  const from = range.since === undefined ? query : query.where(sql<SqlBool>`${createdAt} >= ${range.since}`);
  return range.until === undefined ? from : from.where(sql<SqlBool>`${createdAt} < ${range.until}`);
}

/** One page of `query`'s rows by descending `id`, older than `page.beforeId` (checked by the caller). */
export async function pageBeforeId<DB, TB extends keyof DB, O extends { readonly id: number }>(
  query: SelectQueryBuilder<DB, TB, O>,
  page: BeforeIdRequest,
): Promise<BeforeIdPage<O>> {
  const id = sql.ref('id');
  const older = page.beforeId === undefined ? query : query.where(sql<SqlBool>`${id} < ${page.beforeId}`);
  const rows = await older
    .orderBy(id, 'desc')
    .limit(page.limit + 1)
    .execute();
  const { items, hasMore } = splitPage(rows, page.limit);
  return { items, nextBeforeId: hasMore ? (items.at(-1)?.id ?? null) : null };
}
