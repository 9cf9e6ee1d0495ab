import { invalidPage } from './errors.js';
import { pageLink } from './page-links.js';
import { queryValue, type Query } from './params.js';
import type { PageJson } from './render.js';

/**
 * CVAT's `CustomPagination` (spec §1.5): DRF page numbers, `page_size` 10 by default, `all` for
 * every row and no maximum; a size ≤ 0 or unreadable falls back to 10. `page=last` works; any
 * other page that is not an integer in range is 404 "Invalid page." (page 1 always exists).
 */
export interface PageParams {
  readonly page: number | 'last';
  /** Null for `page_size=all`. */
  readonly size: number | null;
}

export const DEFAULT_PAGE_SIZE = 10;

export function pageParams(query: Query): PageParams {
  const sizeText = queryValue(query, 'page_size');
  let size: number | null = DEFAULT_PAGE_SIZE;
  if (sizeText === 'all') size = null;
  else if (sizeText !== undefined && /^\s*[+-]?\d+\s*$/.test(sizeText)) {
    const parsed = Number(sizeText);
    if (Number.isSafeInteger(parsed) && parsed > 0) size = parsed;
  }
  const pageText = queryValue(query, 'page') ?? '1';
  if (pageText === 'last') return { page: 'last', size };
  // Python's int(): optional sign and surrounding spaces, digits only.
  if (!/^\s*[+-]?\d+\s*$/.test(pageText)) throw invalidPage();
  const page = Number(pageText);
  if (!Number.isSafeInteger(page) || page < 1) throw invalidPage();
  return { page, size };
}

/** One slice of a listing: rows from `offset`, at most `limit` (null: all), and the total. */
export type FetchSlice<T> = (offset: number, limit: number | null) => Promise<{ readonly items: readonly T[]; readonly total: number }>;

/** Where the links point: the request's absolute path and its raw query string. */
export interface RequestUrl {
  readonly absolutePath: string;
  readonly rawQuery: string;
}

/** Runs a paged listing and builds DRF's envelope with absolute `next` / `previous`. */
export async function paginate<T, R>(params: PageParams, url: RequestUrl, fetch: FetchSlice<T>, render: (item: T) => R): Promise<PageJson<R>> {
  let number = params.page;
  if (number === 'last') {
    const { total } = await fetch(0, 1);
    number = params.size === null ? 1 : Math.max(1, Math.ceil(total / params.size));
  }
  if (params.size === null && number > 1) throw invalidPage();
  const size = params.size;
  const offset = size === null ? 0 : (number - 1) * size;
  const { items, total } = await fetch(offset, size);
  if (number > 1 && offset >= total) throw invalidPage();
  const hasNext = size !== null && offset + size < total;
  return {
    count: total,
    next: hasNext ? pageLink(url.absolutePath, url.rawQuery, number + 1) : null,
    previous: number > 1 ? pageLink(url.absolutePath, url.rawQuery, number === 2 ? null : number - 1) : null,
    results: items.map(render),
  };
}
