import { isBlank } from './ruby-coercion.js';

/**
 * application_controller.rb `normalize_search`: a GET whose `search[...]` has blank values is
 * redirected (302) to the same URL without them. Only whole top-level entries go: a blank
 * string, an empty list, or a hash whose every value is (recursively) blank.
 */
function isBlankValue(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'string') return isBlank(value);
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.values(value).every(isBlankValue);
  return false;
}

const isHash = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Ruby `CGI.escape`: only `A-Za-z0-9_.-~` stay as they are, a space becomes `+`. */
export const cgiEscape = (text: string): string =>
  encodeURIComponent(text)
    .replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');

/** Rails `Object#to_query`: `key=value` pairs, each hash's pairs sorted, lists as `key[]=`. */
export function toQuery(value: unknown, key: string): string {
  if (isHash(value)) {
    const pairs = Object.entries(value)
      .filter(([, inner]) => !((isHash(inner) || Array.isArray(inner)) && Object.keys(inner).length === 0))
      .map(([name, inner]) => toQuery(inner, key === '' ? name : `${key}[${name}]`));
    return (key.includes('[]') ? pairs : pairs.sort()).join('&');
  }
  if (Array.isArray(value)) {
    return value.length === 0 ? `${cgiEscape(`${key}[]`)}=` : value.map((item) => toQuery(item, `${key}[]`)).join('&');
  }
  return `${cgiEscape(key)}=${cgiEscape(value === null || value === undefined ? '' : String(value))}`;
}

/**
 * The query string (without `?`) to redirect a GET to when its `search` hash has blank
 * entries, or null when it has none. `query` is the whole parsed query (as `qs` gives it); the
 * other parameters are kept, and the string is rebuilt as Rails rebuilds it (sorted, escaped).
 */
export function searchRedirectQuery(query: unknown): string | null {
  if (!isHash(query) || !isHash(query.search)) return null;
  const search = query.search;
  const kept = Object.fromEntries(Object.entries(search).filter(([, value]) => !isBlankValue(value)));
  if (Object.keys(kept).length === Object.keys(search).length) return null;
  return toQuery({ ...query, search: kept }, '');
}
