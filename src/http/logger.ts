import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';

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

type Bindings = Parameters<FastifyBaseLogger['child']>[0];
type ChildLoggerOptions = NonNullable<Parameters<FastifyBaseLogger['child']>[1]>;
type LogMethod = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/**
 * A request's logger, built on its first use. Fastify gives every request a child logger bound
 * to the request id, and pino builds a child at once (its bindings serialized to JSON), though
 * most requests log nothing (the access log is off by default).
 */
class DeferredChildLogger implements FastifyBaseLogger {
  private built: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  private get logger(): FastifyBaseLogger {
    return (this.built ??= this.parent.child(this.bindings, this.options));
  }

  get level(): string {
    return this.logger.level;
  }

  set level(level: string) {
    this.logger.level = level;
  }

  private log(method: LogMethod, args: unknown[]): void {
    const logger = this.logger;
    Reflect.apply(logger[method], logger, args);
  }

  fatal(...args: unknown[]): void {
    this.log('fatal', args);
  }
  error(...args: unknown[]): void {
    this.log('error', args);
  }
  warn(...args: unknown[]): void {
    this.log('warn', args);
  }
  info(...args: unknown[]): void {
    this.log('info', args);
  }
  debug(...args: unknown[]): void {
    this.log('debug', args);
  }
  trace(...args: unknown[]): void {
    this.log('trace', args);
  }
  silent(...args: unknown[]): void {
    this.log('silent', args);
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.logger.child(bindings, options);
  }
}

/** Fastify's `childLoggerFactory`: each request's logger is built when first used. */
export const deferredChildLogger: NonNullable<FastifyServerOptions['childLoggerFactory']> = (logger, bindings, options) =>
  new DeferredChildLogger(logger, bindings, options);
