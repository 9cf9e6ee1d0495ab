import { and, eq, FALSE, isIn, match, not, or, type Filter } from '../../query/ast.js';
import { isFalsy, isTruthy, presentString, splitComma, splitWords } from './ruby-coercion.js';

/** A `search[...]` hash as `qs` parses it: strings, arrays and nested hashes. */
export type SearchParams = Readonly<Record<string, unknown>>;

/** The value under `key`, only if it is the params' own. */
export const paramOf = (params: SearchParams, key: string): unknown => (Object.hasOwn(params, key) ? params[key] : undefined);

/** A present string under `key` (Rails `present?`); arrays and hashes where a string belongs are ignored. */
export const stringParam = (params: SearchParams, key: string): string | null => presentString(paramOf(params, key));

// Stored text never holds NUL (PostgreSQL refuses it), so a value with one matches nothing.
const storable = (value: string): boolean => !value.includes('\u0000');

/** Exact or, when the value has a `*`, wildcard (`*` any run, `\*` a literal star). */
export function likeMatch(field: string, value: string, caseSensitive: boolean): Filter {
  if (!storable(value)) return FALSE;
  return match(field, value.includes('*') ? 'wildcard' : 'exact', value, caseSensitive);
}

const exactMatch = (field: string, value: string, caseSensitive: boolean): Filter => (storable(value) ? match(field, 'exact', value, caseSensitive) : FALSE);

/** `X_array[]=a&X_array[]=b` (or one string); non-string items are ignored. */
function listParam(params: SearchParams, key: string): string[] | null {
  const value = paramOf(params, key);
  if (typeof value === 'string') return presentString(value) === null ? null : [value];
  if (!Array.isArray(value)) return null;
  const items = value.filter((item): item is string => typeof item === 'string');
  return items.length === 0 ? null : items;
}

function inList(field: string, values: readonly string[], ignoreCase: boolean): Filter {
  const usable = values.filter(storable);
  return ignoreCase ? or(...usable.map((value) => exactMatch(field, value, false))) : isIn(field, usable);
}

type StringOperator = (field: string, value: string) => Filter;

// searchable.rb `search_string_attribute`, one suffix per operator.
const OPERATORS: readonly (readonly [string, StringOperator])[] = [
  ['_eq', (field, value) => exactMatch(field, value, true)],
  ['_not_eq', (field, value) => not(exactMatch(field, value, true))],
  ['_like', (field, value) => likeMatch(field, value, true)],
  ['_ilike', (field, value) => likeMatch(field, value, false)],
  ['_not_like', (field, value) => not(likeMatch(field, value, true))],
  ['_not_ilike', (field, value) => not(likeMatch(field, value, false))],
  // PostgreSQL ERE, case-sensitive.
  ['_regex', (field, value) => (storable(value) ? match(field, 'regex', value, true) : FALSE)],
  ['_not_regex', (field, value) => not(storable(value) ? match(field, 'regex', value, true) : FALSE)],
  ['_comma', (field, value) => inList(field, splitComma(value), false)],
  ['_space', (field, value) => inList(field, splitWords(value), false)],
  ['_lower_comma', (field, value) => inList(field, splitComma(value), true)],
  ['_lower_space', (field, value) => inList(field, splitWords(value), true)],
];

/**
 * Danbooru's string syntax on `field` under the parameter name `key`: `key` itself (exact, case
 * sensitive; skipped when `bare` is false), `_present`, `_eq`, `_not_eq`, `_like`, `_ilike`,
 * `_not_like`, `_not_ilike`, `_regex`, `_not_regex`, `_array`, `_comma`, `_space`,
 * `_lower_array`, `_lower_comma`, `_lower_space`.
 */
export function stringFilters(field: string, key: string, params: SearchParams, bare = true): Filter[] {
  const filters: Filter[] = [];
  const value = bare ? stringParam(params, key) : null;
  if (value !== null) filters.push(exactMatch(field, value, true));
  const present = stringParam(params, `${key}_present`);
  if (present !== null && isTruthy(present)) filters.push(not(eq(field, '')));
  if (present !== null && isFalsy(present)) filters.push(eq(field, ''));
  for (const [suffix, operator] of OPERATORS) {
    const operand = stringParam(params, key + suffix);
    if (operand !== null) filters.push(operator(field, operand));
  }
  const array = listParam(params, `${key}_array`);
  if (array) filters.push(inList(field, array, false));
  const lowerArray = listParam(params, `${key}_lower_array`);
  if (lowerArray) filters.push(inList(field, lowerArray, true));
  return filters;
}

/**
 * `X_matches` on a text column. Danbooru runs PostgreSQL full-text search (English stemming)
 * unless the query has a `*`; Roster approximates it portably: every word must occur,
 * ignoring case. With a `*` it is a case-insensitive wildcard, as there.
 */
export function textMatchFilter(field: string, query: string): Filter {
  if (query.includes('*')) return likeMatch(field, query, false);
  return and(...splitWords(query).map((word) => (storable(word) ? match(field, 'contains', word, false) : FALSE)));
}
