/**
 * The one way the console talks to Roster: the native API under /v1, with the session cookie
 * (same origin) and the CSRF token on every write. Errors come back as {@link ApiError}.
 */
const API = '/v1';

let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Readonly<Record<string, readonly string[]>> = {},
  ) {
    super(message);
  }
}

/** The native error shape is `{ error: { code, message, details } }`; a bare `{ error: 'code' }` is read too. */
function errorFrom(status: number, body: unknown): ApiError {
  const error = (body as { error?: unknown } | null)?.error;
  if (typeof error === 'string') return new ApiError(status, error, (body as { message?: string }).message ?? error);
  if (error && typeof error === 'object') {
    const { code, message, details } = error as { code?: string; message?: string; details?: { fields?: Record<string, string[]> } };
    return new ApiError(status, code ?? 'error', message ?? `HTTP ${status}`, details?.fields ?? {});
  }
  return new ApiError(status, 'error', `HTTP ${status}`);
}

export type Query = Readonly<Record<string, string | number | boolean | undefined>>;

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}

async function send(method: string, path: string, body?: BodyInit, contentType?: string): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (contentType !== undefined) headers['content-type'] = contentType;
  if (method !== 'GET' && csrfToken !== null) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(`${API}${path}`, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body } : {}) });
  if (!response.ok) {
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON: the status says enough.
    }
    throw errorFrom(response.status, parsed);
  }
  return response;
}

export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const response = await send(method, path, body === undefined ? undefined : JSON.stringify(body), body === undefined ? undefined : 'application/json');
  return (response.status === 204 ? null : await response.json()) as T;
}

export const get = <T>(path: string, query?: Query): Promise<T> => api<T>('GET', withQuery(path, query));

/** JSON Lines in (imports): the body is sent as it is. */
export async function postNdjson<T>(path: string, text: string): Promise<T> {
  return (await (await send('POST', path, text, 'application/x-ndjson')).json()) as T;
}
