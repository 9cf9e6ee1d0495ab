import { and, cmp, match, TRUE, type Filter } from '../../query/ast.js';
import type { SortKey } from '../../query/search.js';
import { toI } from '../rails/ruby-coercion.js';
import { levelsFilter } from './levels.js';
import type { Params } from './routes.js';

/**
 * `GET /user/index.json` parameters exactly as seeds/e621-legacy-users-api.txt lists them:
 * `id`, `name` (any part of the name, ignoring case), `level` (the seed's numbers), `order`.
 */
export interface LegacyUserSearch {
  readonly filter: Filter;
  readonly sort: readonly SortKey[];
}

const desc = (field: string): SortKey => ({ kind: 'field', field, direction: 'desc' });

/** The seed's orders and directions; without one, newest id first. */
const ORDERS: Readonly<Record<string, readonly SortKey[]>> = {
  name: [{ kind: 'field', field: 'name', direction: 'asc' }],
  posts: [desc('post_upload_count')],
  deleted: [desc('post_deleted_count')],
  taggedits: [desc('post_update_count')],
  date: [desc('created_at')],
  // The record score is positive minus negative records; sorted by its terms (see the README).
  record: [desc('positive_feedback_count'), { kind: 'field', field: 'negative_feedback_count', direction: 'asc' }],
};
const ID_DESC: readonly SortKey[] = [desc('id')];

const present = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : typeof value === 'number' ? String(value) : null;

export function parseLegacySearch(params: Params): LegacyUserSearch {
  const filters: Filter[] = [];
  const id = present(params.id);
  if (id !== null) filters.push(cmp('id', 'eq', toI(id)));
  const name = present(params.name);
  // Names are stored with spaces as `_`, so a space in the search means one.
  if (name !== null) filters.push(match('name', 'contains', name.replaceAll(' ', '_'), false));
  const level = present(params.level);
  if (level !== null) filters.push(levelsFilter([toI(level)], 'legacy'));
  const order = present(params.order);
  return { filter: filters.length === 0 ? TRUE : and(...filters), sort: order !== null && Object.hasOwn(ORDERS, order) ? ORDERS[order]! : ID_DESC };
}
