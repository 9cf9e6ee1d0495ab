import { Level } from '../../core/access/levels.js';
import type { PageRequest } from '../../query/search.js';
import { toI } from '../rails/ruby-coercion.js';

/**
 * pagination_extension.rb: `limit` and `page` never fail, they clamp; only a page past the
 * viewer's maximum is refused (410 "You cannot go beyond page N.").
 */
export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 1000;

/** `limit`: 20 by default (the user's per_page setting is not used), clamped to 1..1000; junk is 1. */
export function parseLimit(value: unknown): number {
  if (value === undefined || value === null) return DEFAULT_LIMIT;
  const number = typeof value === 'string' ? toI(value) : typeof value === 'number' ? Math.trunc(value) : 0;
  return Math.min(MAX_LIMIT, Math.max(1, Number.isFinite(number) ? number : 1));
}

/** The highest numbered page: 1000 below Gold, 5000 for Gold and up. */
export const maxPage = (level: number): number => (level >= Level.Gold ? 5000 : 1000);

export type PageParam =
  | { readonly ok: true; readonly page: PageRequest }
  /** Past the maximum: the route answers 410 with `message`. */
  | { readonly ok: false; readonly maxPage: number; readonly message: string };

const sequentialId = (digits: string): number => Math.min(Number(digits), Number.MAX_SAFE_INTEGER);

/**
 * `page` and `limit` for a viewer of `level`: a number (below 1 or junk is 1), `b<id>` (ids
 * below, descending) or `a<id>` (ids above, still returned descending). Roster does not copy
 * Danbooru's quirk of reversing the rows of exactly the last allowed page.
 */
export function parsePage(params: { readonly page?: unknown; readonly limit?: unknown }, level: number): PageParam {
  const limit = parseLimit(params.limit);
  const text = typeof params.page === 'string' ? params.page : typeof params.page === 'number' ? String(params.page) : '';
  const before = /^b(\d+)$/i.exec(text);
  if (before) return { ok: true, page: { kind: 'before', limit, id: sequentialId(before[1]!) } };
  const after = /^a(\d+)$/i.exec(text);
  if (after) return { ok: true, page: { kind: 'after', limit, id: sequentialId(after[1]!) } };
  const last = maxPage(level);
  const page = toI(text);
  if (page > last) return { ok: false, maxPage: last, message: `You cannot go beyond page ${last}.` };
  return { ok: true, page: { kind: 'offset', limit, offset: (Math.max(page, 1) - 1) * limit } };
}

export { parseSettingsUpdate, SETTING_FLAGS, type SettingsTarget, type SettingsUpdate } from './settings-params.js';
export { danbooruNameProblem, parseSignup, type Signup, type SignupInput } from './signup-params.js';
