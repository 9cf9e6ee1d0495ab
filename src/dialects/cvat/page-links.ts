/**
 * DRF's `replace_query_param` / `remove_query_param` (rest_framework/utils/urls.py), which
 * build `next` and `previous`: the query is re-parsed, `page` set or removed, the keys sorted
 * and everything encoded as Python's `urlencode` does (`quote_plus`).
 */
export function pageLink(absolutePath: string, rawQuery: string, page: number | null): string {
  const params = parseQs(rawQuery);
  params.delete('page');
  if (page !== null) params.set('page', [String(page)]);
  const query = [...params.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .flatMap(([key, values]) => values.map((value) => `${quotePlus(key)}=${quotePlus(value)}`))
    .join('&');
  return query === '' ? absolutePath : `${absolutePath}?${query}`;
}

/** `urllib.parse.parse_qs(keep_blank_values=True)`: values grouped by key, first appearance first. */
function parseQs(raw: string): Map<string, string[]> {
  const params = new Map<string, string[]>();
  for (const part of raw.split(/[&;]/)) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = unquotePlus(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : unquotePlus(part.slice(eq + 1));
    params.set(key, [...(params.get(key) ?? []), value]);
  }
  return params;
}

function unquotePlus(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/** Python's `quote_plus`: only letters, digits and `_.-~` stay as they are; a space is `+`. */
function quotePlus(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}
