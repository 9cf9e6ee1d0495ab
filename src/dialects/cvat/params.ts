import { and, cmp, match, or, type Filter } from '../../query/ast.js';
import type { SortKey } from '../../query/search.js';
import { fieldErrors } from './errors.js';
import { parseJsonLogic, type JsonLogicTerm } from './json-logic.js';

/** Query parameters as the root parser hands them over (strings, or arrays for repeats). */
export type Query = Readonly<Record<string, unknown>>;

/** Django's `QueryDict.get`: the last value of a repeated parameter; nested values are not parameters. */
export function queryValue(query: Query, name: string): string | undefined {
  if (!Object.hasOwn(query, name)) return undefined;
  const value = query[name];
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    const last: unknown = value.at(-1);
    return typeof last === 'string' ? last : undefined;
  }
  return undefined;
}

/** The user list's public names for catalogue fields (`UserViewSet` `filter_fields`). */
const USER_TERMS: Readonly<Record<string, JsonLogicTerm>> = Object.freeze({
  username: { field: 'name', type: 'string' },
  first_name: { field: 'first_name', type: 'string' },
  last_name: { field: 'last_name', type: 'string' },
  id: { field: 'id', type: 'integer' },
  is_active: { field: 'is_active', type: 'boolean' },
});

const SIMPLE_TEXT = ['username', 'first_name', 'last_name'] as const;
const SEARCH_FIELDS = ['name', 'first_name', 'last_name'] as const;
/** `is_active` is an ordering field in CVAT, but derived here (not deleted, not banned): not sortable, so dropped like an unknown name. */
const SORT_FIELDS: Readonly<Record<string, string>> = Object.freeze({ username: 'name', first_name: 'first_name', last_name: 'last_name', id: 'id' });
const DEFAULT_SORT: readonly SortKey[] = Object.freeze([{ kind: 'field', field: 'id', direction: 'desc' }]);

/** django-filter's `BooleanWidget`. */
function parseBoolean(name: string, value: string): boolean {
  const lowered = value.toLowerCase();
  if (lowered === 'true' || lowered === '1') return true;
  if (lowered === 'false' || lowered === '0') return false;
  throw fieldErrors({ [name]: [`Select a valid choice. ${value} is not one of the available choices.`] });
}

/**
 * Simple filters (exact and case-sensitive), `search`, then JSON Logic `filter`, ANDed as
 * CVAT's filter backends chain them. Unknown parameters are ignored (cvat-opencv#108); so is
 * an empty value.
 */
export function userFilter(query: Query): Filter {
  const parts: Filter[] = [];
  for (const name of SIMPLE_TEXT) {
    const value = queryValue(query, name);
    if (value) parts.push(match(USER_TERMS[name]!.field, 'exact', value, true));
  }
  const active = queryValue(query, 'is_active');
  if (active) parts.push(cmp('is_active', 'eq', parseBoolean('is_active', active)));
  parts.push(searchFilter(queryValue(query, 'search') ?? ''));
  const logic = queryValue(query, 'filter');
  if (logic) parts.push(parseJsonLogic(logic, USER_TERMS));
  return and(...parts);
}

/** DRF `SearchFilter`: terms split on spaces and commas; each must match some field, ignoring case. */
export function searchFilter(text: string, fields: readonly string[] = SEARCH_FIELDS): Filter {
  const terms = text.replaceAll('\u0000', '').replace(/,/g, ' ').split(/\s+/).filter(Boolean);
  return and(...terms.map((term) => or(...fields.map((field) => match(field, 'contains', term, false)))));
}

/** `sort=username,-id`: unknown names are dropped; with none left, `-id`. */
export function userSort(query: Query): readonly SortKey[] {
  const text = queryValue(query, 'sort') ?? '';
  const keys = text
    .split(',')
    .map((part) => part.trim())
    .flatMap((part): SortKey[] => {
      const descending = part.startsWith('-');
      const name = descending ? part.slice(1) : part;
      const field = Object.hasOwn(SORT_FIELDS, name) ? SORT_FIELDS[name] : undefined;
      return field ? [{ kind: 'field', field, direction: descending ? 'desc' : 'asc' }] : [];
    });
  return keys.length > 0 ? keys : DEFAULT_SORT;
}
