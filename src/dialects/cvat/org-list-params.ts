import { and, cmp, exists, match, or, type Filter } from '../../query/ast.js';
import type { SortKey } from '../../query/search.js';
import { fieldErrors } from './errors.js';
import { parseJsonLogic, type JsonLogicTerm } from './json-logic.js';
import { queryValue, type Query } from './params.js';

/**
 * The organization list's filters (spec §1.8, `OrganizationViewSet`): exact `name`, `slug`,
 * `owner` (username) and `id`; `search` over the name and the owner's username; `sort` over
 * `name`, `slug` and `id` (default `-id`); JSON Logic `filter` over `name`, `slug` and `id`.
 */
const ORG_TERMS: Readonly<Record<string, JsonLogicTerm>> = Object.freeze({
  name: { field: 'name', type: 'string' },
  slug: { field: 'slug', type: 'string' },
  id: { field: 'id', type: 'integer' },
});

const SORT_FIELDS: Readonly<Record<string, string>> = Object.freeze({ name: 'name', slug: 'slug', id: 'id' });

const ownerNamed = (name: string, mode: 'exact' | 'contains', caseSensitive: boolean): Filter => exists('owner', match('name', mode, name, caseSensitive));

export function organizationFilter(query: Query): Filter {
  const parts: Filter[] = [];
  const name = queryValue(query, 'name');
  if (name) parts.push(match('name', 'exact', name, true));
  const slug = queryValue(query, 'slug');
  if (slug) parts.push(match('slug', 'exact', slug, true));
  const owner = queryValue(query, 'owner');
  if (owner) parts.push(ownerNamed(owner, 'exact', true));
  const id = queryValue(query, 'id');
  if (id) {
    if (!/^\s*[+-]?\d+\s*$/.test(id) || !Number.isSafeInteger(Number(id))) throw fieldErrors({ id: ['Enter a number.'] });
    parts.push(cmp('id', 'eq', Number(id)));
  }
  const terms = (queryValue(query, 'search') ?? '').replaceAll('\u0000', '').replace(/,/g, ' ').split(/\s+/).filter(Boolean);
  for (const term of terms) parts.push(or(match('name', 'contains', term, false), ownerNamed(term, 'contains', false)));
  const logic = queryValue(query, 'filter');
  if (logic) parts.push(parseJsonLogic(logic, ORG_TERMS));
  return and(...parts);
}

export function organizationSort(query: Query): readonly SortKey[] {
  const keys = (queryValue(query, 'sort') ?? '')
    .split(',')
    .map((part) => part.trim())
    .flatMap((part): SortKey[] => {
      const descending = part.startsWith('-');
      const field = SORT_FIELDS[descending ? part.slice(1) : part];
      return field ? [{ kind: 'field', field, direction: descending ? 'desc' : 'asc' }] : [];
    });
  return keys.length > 0 ? keys : [{ kind: 'field', field: 'id', direction: 'desc' }];
}
