import { sql, type Expression, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import { invalidParam, tooCostly } from '../core/errors.js';
import { splitPage } from '../core/paginator.js';
import type { Database } from '../db/schema.js';
import { decodeCursor, encodeCursor, type CursorValues } from './cursor.js';
import type { FieldType } from './fields.js';
import type { PageRequest } from './search.js';
import { orderBy, type SortTerm } from './sort.js';

/**
 * An offset makes the engine walk and drop that many rows. Danbooru's deepest page (5000 pages
 * of 1000) stays within it; past it the request is refused at once (keyset cursors and
 * `b<id>` pages cost nothing however deep).
 */
export const MAX_OFFSET = 5_000_000;

/** The alias of the searched table in every query the engine runs. */
export const ALIAS = 't';

/** `select … from <table> as t where <filter>`, ready for a page or a count. */
export function baseQuery(db: Kysely<Database>, table: string, where: Expression<SqlBool>) {
  return db.selectFrom(sql.table(table).as(ALIAS)).where(where);
}

export type BaseQuery = ReturnType<typeof baseQuery>;

export interface Page {
  readonly ids: number[];
  readonly nextCursor: string | null;
  readonly hasMore: boolean;
}

const idRef = sql.ref(`${ALIAS}.id`);
const selectId = sql<number>`${idRef}`.as('id');

/**
 * Fetches one page of ids. Every kind reads one row past the page to tell whether more follow.
 * `before`/`after` (Danbooru `b<id>`/`a<id>`) ignore the sort and return ids descending.
 */
export async function fetchPage(base: BaseQuery, terms: readonly SortTerm[], signature: string, page: PageRequest): Promise<Page> {
  checkCount('limit', page.limit, page.kind === 'keyset' ? 1 : 0);
  switch (page.kind) {
    case 'offset': {
      checkCount('offset', page.offset, 0);
      if (page.offset > MAX_OFFSET) throw tooCostly('offset', `offset is at most ${MAX_OFFSET}; page with a cursor instead`);
      const rows = await orderBy(base.select(selectId), terms)
        .limit(page.limit + 1)
        .offset(page.offset)
        .execute();
      return pageOf(
        rows.map((row) => Number(row.id)),
        page.limit,
        null,
      );
    }
    case 'keyset':
      return keysetPage(base, terms, signature, page.limit, page.cursor);
    case 'before':
    case 'after':
      return idPage(base, page.kind, page.id, page.limit);
    default:
      throw invalidParam('page', 'unknown page kind');
  }
}

function checkCount(param: string, value: unknown, min: number): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) throw invalidParam(param, `${param} must be an integer of at least ${min}`);
}

function pageOf(ids: number[], limit: number, nextCursor: string | null): Page {
  const { items, hasMore } = splitPage(ids, limit);
  return { ids: items, hasMore, nextCursor };
}

async function idPage(base: BaseQuery, kind: 'before' | 'after', id: number, limit: number): Promise<Page> {
  checkCount('page', id, Number.MIN_SAFE_INTEGER);
  const query = base.select(selectId).limit(limit + 1);
  // As bigint: PostgreSQL would type the parameter as the integer column and fail past 2^31-1.
  const bound = sql`cast(${id} as bigint)`;
  const rows =
    kind === 'before'
      ? await query
          .where(sql<SqlBool>`${idRef} < ${bound}`)
          .orderBy(idRef, 'desc')
          .execute()
      : await query
          .where(sql<SqlBool>`${idRef} > ${bound}`)
          .orderBy(idRef, 'asc')
          .execute();
  const page = pageOf(
    rows.map((row) => Number(row.id)),
    limit,
    null,
  );
  // Danbooru: `a<id>` takes the ids just above, but still lists them newest first.
  return kind === 'after' ? { ...page, ids: page.ids.reverse() } : page;
}

async function keysetPage(base: BaseQuery, terms: readonly SortTerm[], signature: string, limit: number, cursor: string | null): Promise<Page> {
  const types = keysetTypes(terms);
  let query = base.select([selectId, ...terms.map((term, i) => term.expr.as(`k${i}`))]);
  if (cursor !== null) query = query.where(afterPosition(terms, decodeCursor(cursor, signature, types)));
  const rows = (await orderBy(query, terms)
    .limit(limit + 1)
    .execute()) as Record<string, unknown>[];
  const last = rows.length > limit ? rows[limit - 1] : undefined;
  const nextCursor = last
    ? encodeCursor(
        signature,
        terms.map((_, i) => positionValue(last[`k${i}`])),
      )
    : null;
  return pageOf(
    rows.map((row) => Number(row.id)),
    limit,
    nextCursor,
  );
}

/** Keyset paging needs a total order on values that are never NULL. */
function keysetTypes(terms: readonly SortTerm[]): FieldType[] {
  return terms.map((term) => {
    if (!term.field || term.nullsLast) throw invalidParam('sort', 'cursor pagination needs a sort on fields that always have a value');
    return term.field.type;
  });
}

function positionValue(value: unknown): string | number {
  if (typeof value === 'string') return value;
  // PostgreSQL returns int8 as a number (see db/database.ts), but be strict about it.
  const number = Number(value);
  if (!Number.isSafeInteger(number)) throw new Error('keyset sort value is not an integer');
  return number;
}

/** Rows strictly after the position: `(k0 > v0) or (k0 = v0 and k1 > v1) or …`, per direction. */
export function afterPosition(terms: readonly SortTerm[], values: CursorValues): RawBuilder<SqlBool> {
  const beyond = (term: SortTerm, value: string | number, inclusive: boolean) =>
    sql<SqlBool>`${term.expr} ${sql.raw(term.direction === 'asc' ? '>' : '<')}${sql.raw(inclusive ? '=' : '')} ${value}`;
  const branches = terms.map((term, i) => {
    const equal = terms.slice(0, i).map((earlier, j) => sql<SqlBool>`${earlier.expr} = ${values[j]!}`);
    return sql<SqlBool>`(${sql.join([...equal, beyond(term, values[i]!, false)], sql` and `)})`;
  });
  const any = sql<SqlBool>`(${sql.join(branches, sql` or `)})`;
  // The redundant bound on the first key lets both planners use its index as a range.
  return terms.length > 1 ? sql<SqlBool>`(${beyond(terms[0]!, values[0]!, true)} and ${any})` : any;
}

/** The number of rows matching the filter. */
export async function countRows(base: BaseQuery): Promise<number> {
  const row = await base.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}
