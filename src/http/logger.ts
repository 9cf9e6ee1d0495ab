import type { FastifyServerOptions } from 'fastify';

type LoggerOptions = Exclude<NonNullable<FastifyServerOptions['logger']>, boolean>;

/** Query parameters whose values are credentials (Danbooru/e621 `api_key`, Civitai `token`, …). */
const SECRET_PARAM = /(key|token|secret|password|passwd|session)/i;

/** The URL with the values of secret-looking query parameters replaced, for the log. */
export function redactUrl(url: string): string {
  const question = url.indexOf('?');
  if (question < 0) return url;
  const query = url
    .slice(question + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      if (equals < 0) return pair;
      let name = pair.slice(0, equals);
      try {
        name = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // An undecodable name is logged as sent; its value is still judged by the raw name.
      }
      return SECRET_PARAM.test(name) ? `${pair.slice(0, equals)}=[redacted]` : pair;
    })
    .join('&');
  return `${url.slice(0, question)}?${query}`;
}

interface LoggedRequest {
  readonly method: string;
  readonly url: string;
  readonly ip?: string;
}

/**
 * Logger options: the request line with secrets redacted and no headers, so Authorization,
 * cookies and Stack keys never reach the log; `redact` is a second lock should anything add headers.
 */
export function loggerOptions(level: string, format: 'json' | 'pretty' = 'json'): LoggerOptions {
  return {
    level,
    // pino-pretty runs in a worker thread and formats the same records for a terminal.
    ...(format === 'pretty' ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:standard' } } } : {}),
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-stack-secret-server-key"]',
        'req.headers["x-stack-super-secret-admin-key"]',
        'req.headers["x-stack-access-token"]',
        'req.headers["x-stack-refresh-token"]',
        'res.headers["set-cookie"]',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req: (request: LoggedRequest) => ({ method: request.method, url: redactUrl(request.url), remoteAddress: request.ip }),
    },
  };
}
