/**
 * The response format of a Danbooru request (`respond_to :html, :xml, :json`): the path's
 * extension, else a `format` parameter, else the `Accept` header. Roster has no HTML pages, so
 * where Danbooru would render HTML by default (no extension, no Accept, `*` / `*` or a browser's
 * Accept list) it answers JSON; an explicit request for HTML or any other format is a 406.
 */
export type RailsFormat = 'json' | 'xml';

export type FormatChoice =
  | { readonly ok: true; readonly format: RailsFormat }
  /** The caller asked only for formats Roster cannot produce. */
  | { readonly ok: false };

/** Rails' registered names for the two formats Roster speaks (Mime::Type synonyms). */
const MEDIA_TYPES: Readonly<Record<string, RailsFormat | 'default'>> = {
  'application/json': 'json',
  'text/x-json': 'json',
  'application/jsonrequest': 'json',
  'application/xml': 'xml',
  'text/xml': 'xml',
  'application/x-xml': 'xml',
  '*/*': 'default',
};

/** actionpack's BROWSER_LIKE_ACCEPTS: a list mixing `*` / `*` with other types is a browser's, and ignored. */
const BROWSER_LIKE = /,\s*\*\/\*|\*\/\*\s*,/;

/** `users.json` → `{ base: 'users', extension: 'json' }`; a segment without a dot has no extension. */
export function splitExtension(segment: string): { readonly base: string; readonly extension: string | null } {
  const dot = segment.indexOf('.');
  return dot < 0 ? { base: segment, extension: null } : { base: segment.slice(0, dot), extension: segment.slice(dot + 1) };
}

function byExtension(extension: string): FormatChoice {
  const format = extension.toLowerCase();
  return format === 'json' || format === 'xml' ? { ok: true, format } : { ok: false };
}

interface MediaRange {
  readonly type: string;
  readonly quality: number;
  readonly position: number;
}

function mediaRanges(accept: string): MediaRange[] {
  return accept
    .split(',')
    .map((part, position) => {
      const [type = '', ...parameters] = part.split(';').map((piece) => piece.trim());
      const q = parameters.find((parameter) => /^q=/i.test(parameter));
      const quality = q === undefined ? 1 : Number(q.slice(2));
      return { type: type.toLowerCase(), quality: Number.isFinite(quality) ? quality : 0, position };
    })
    .filter((range) => range.type !== '' && range.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.position - b.position);
}

function byAccept(accept: string | undefined): FormatChoice {
  if (accept === undefined || accept.trim() === '' || BROWSER_LIKE.test(accept)) return { ok: true, format: 'json' };
  for (const range of mediaRanges(accept)) {
    const format = Object.hasOwn(MEDIA_TYPES, range.type) ? MEDIA_TYPES[range.type] : undefined;
    if (format === 'default') return { ok: true, format: 'json' };
    if (format !== undefined) return { ok: true, format };
  }
  return { ok: false };
}

/**
 * The format for a request: the extension of the path's last segment wins, then `?format=`,
 * then `Accept`.
 */
export function negotiateFormat(input: {
  readonly extension: string | null;
  readonly formatParam: unknown;
  readonly accept: string | undefined;
}): FormatChoice {
  if (input.extension !== null) return byExtension(input.extension);
  if (typeof input.formatParam === 'string' && input.formatParam !== '') return byExtension(input.formatParam);
  return byAccept(input.accept);
}

/** The extension of a URL's last path segment (`/danbooru/users/5.xml?x=1` → `xml`). */
export function urlExtension(url: string): string | null {
  const path = url.split('?')[0] ?? '';
  return splitExtension(path.slice(path.lastIndexOf('/') + 1)).extension;
}

/** The format a request asks for, read from its URL, query and headers. */
export function requestFormat(request: {
  readonly url: string;
  readonly query: unknown;
  readonly headers: { readonly accept?: string | undefined };
}): FormatChoice {
  const query = request.query !== null && typeof request.query === 'object' ? (request.query as Record<string, unknown>) : {};
  return negotiateFormat({
    extension: urlExtension(request.url),
    formatParam: Object.hasOwn(query, 'format') ? query.format : undefined,
    accept: request.headers.accept,
  });
}

export const CONTENT_TYPES: Readonly<Record<RailsFormat, string>> = {
  json: 'application/json; charset=utf-8',
  xml: 'application/xml; charset=utf-8',
};
