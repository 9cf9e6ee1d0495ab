import type { PageRequest } from '../../query/search.js';
import { paginationError } from './errors.js';

/**
 * e621ng's paginator (paginator/base_extension.rb, specs part B5): `limit` 0..320, default 75;
 * `page` 1..750, or `a<id>` / `b<id>` for ids above / below one. Anything else is a 410.
 * The legacy endpoints page the same way (issue 11: "as e621ng").
 */
export const DEFAULT_LIMIT = 75;
export const MAX_LIMIT = 320;
export const MAX_PAGE = 750;

const text = (value: unknown): string | null => (typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : null);

function readLimit(value: unknown): number {
  const limit = text(value);
  if (value === undefined || limit === '') return DEFAULT_LIMIT;
  if (limit === null || !/^\d+$/.test(limit)) throw paginationError('Invalid limit.');
  const number = Number(limit);
  if (number > MAX_LIMIT) throw paginationError(`Limit must be between 0 and ${MAX_LIMIT}.`);
  return number;
}

/** The page a request asks for. */
export function parsePage(params: { readonly page?: unknown; readonly limit?: unknown }): PageRequest {
  const limit = readLimit(params.limit);
  const page = text(params.page);
  if (params.page === undefined || page === '') return { kind: 'offset', limit, offset: 0 };
  const sequential = page === null ? null : /^([ab])(\d+)$/.exec(page);
  if (sequential) {
    const id = Number(sequential[2]);
    if (!Number.isSafeInteger(id)) throw paginationError('Invalid page number.');
    return { kind: sequential[1] === 'a' ? 'after' : 'before', limit, id };
  }
  if (page === null || !/^\d+$/.test(page) || Number(page) < 1) throw paginationError('Invalid page number.');
  const number = Number(page);
  if (number > MAX_PAGE) throw paginationError(`You cannot go beyond page ${MAX_PAGE}. Please narrow your search terms.`);
  return { kind: 'offset', limit, offset: (number - 1) * limit };
}
