import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isCoreError, type CoreError } from '../core/errors.js';
import { outageOf, type Outage } from '../core/outage.js';

/** What was wrong with the request itself, before any core call: schema, syntax, size, type. */
export type RequestIssueKind =
  /** A parameter failed the route's schema (wrong type, unknown field, out of range). */
  | 'invalid_param'
  /** The body could not be read (bad JSON, empty JSON, wrong Content-Length). */
  | 'malformed_body'
  | 'body_too_large'
  | 'unsupported_media_type'
  /** Anything else Fastify refuses as a client error (bad URL encoding, …). */
  | 'bad_request';

export interface RequestIssue {
  readonly kind: RequestIssueKind;
  /** The status Fastify would have used: 400, 413 or 415 (other 4xx for `bad_request`). */
  readonly status: number;
  readonly message: string;
  /** The offending parameter, dotted (`filter`, `preferences.theme`), when one is known. */
  readonly param?: string;
  /** Where it was: `body`, `querystring`, `params` or `headers`. */
  readonly location?: string;
}

/** Everything a dialect's error renderer may be handed. */
export type HttpFailure =
  | { readonly kind: 'core'; readonly error: CoreError }
  | { readonly kind: 'request'; readonly issue: RequestIssue }
  /**
   * A bug, or (with `outage`) the database unable to serve: already logged. Render the dialect's
   * 500 without details; `respond` then makes an outage a 503 with `Retry-After`, whatever the
   * dialect rendered, so that no dialect can forget it.
   */
  | { readonly kind: 'internal'; readonly outage?: Outage };

export interface RenderedError {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** A JSON value, or a string sent as-is (with `contentType`). */
  readonly body: unknown;
  readonly contentType?: string;
}

/** A dialect's one error mapping (`src/dialects/<name>/errors.ts`). */
export type ErrorRenderer = (failure: HttpFailure) => RenderedError;

interface FastifyValidationItem {
  readonly instancePath?: string;
  readonly message?: string;
  readonly params?: Readonly<Record<string, unknown>>;
}

function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && (typeof (error as Partial<FastifyError>).code === 'string' || 'statusCode' in error);
}

/** `/preferences/theme` → `preferences.theme`; required or unknown properties name themselves. */
function paramOf(item: FastifyValidationItem | undefined): string | undefined {
  if (!item) return undefined;
  const path = (item.instancePath ?? '').split('/').filter(Boolean);
  const named = item.params?.requiredProperties ?? item.params?.additionalProperties ?? item.params?.missingProperty;
  const extra: unknown = Array.isArray(named) ? (named as readonly unknown[])[0] : named;
  if (typeof extra === 'string') path.push(extra);
  return path.length > 0 ? path.join('.') : undefined;
}

function validationIssue(error: FastifyError): RequestIssue {
  const items = (error.validation ?? []) as readonly FastifyValidationItem[];
  // A failed additionalProperties check first reports a vaguer "schema is false" item; prefer the named one.
  const item = items.find((i) => i.params?.additionalProperties !== undefined) ?? items[0];
  const param = paramOf(item);
  const location = error.validationContext;
  const message = param ? `${param} ${item?.message ?? 'is invalid'}` : `${location ?? 'request'} ${item?.message ?? 'is invalid'}`;
  return { kind: 'invalid_param', status: 400, message, ...(param ? { param } : {}), ...(location ? { location } : {}) };
}

const ISSUES_BY_CODE: Readonly<Record<string, { kind: RequestIssueKind; message: string }>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { kind: 'malformed_body', message: 'The body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { kind: 'malformed_body', message: 'The JSON body is empty' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { kind: 'malformed_body', message: 'Content-Length does not match the body' },
  FST_ERR_CTP_BODY_TOO_LARGE: { kind: 'body_too_large', message: 'The body is too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { kind: 'unsupported_media_type', message: 'Unsupported Content-Type' },
};

/** Sorts any thrown value into what a dialect renders. Never exposes an internal message. */
export function classifyError(error: unknown): HttpFailure {
  if (isCoreError(error)) return { kind: 'core', error };
  const outage = outageOf(error);
  if (outage !== null) return { kind: 'internal', outage };
  if (!isFastifyError(error)) return { kind: 'internal' };
  if (error.validation) return { kind: 'request', issue: validationIssue(error) };
  const known = ISSUES_BY_CODE[error.code];
  const status = error.statusCode ?? 500;
  if (known) return { kind: 'request', issue: { ...known, status: known.kind === 'malformed_body' ? 400 : status } };
  // The JSON parser's own SyntaxError, prototype-poisoning refusals included, carries statusCode 400.
  if (error instanceof SyntaxError) {
    return { kind: 'request', issue: { kind: 'malformed_body', status: 400, message: 'The body is not valid JSON' } };
  }
  if (status >= 400 && status < 500) return { kind: 'request', issue: { kind: 'bad_request', status, message: 'Bad request' } };
  return { kind: 'internal' };
}

/** Seconds a client is told to wait when the database cannot serve. */
export const OUTAGE_RETRY_AFTER_SECONDS = 5;

/**
 * The rendering of `failure`, with an outage turned into 503 + `Retry-After` (a temporary
 * condition the client should retry) even where the dialect rendered its generic 500.
 */
export function respond(failure: HttpFailure, rendered: RenderedError): RenderedError {
  if (failure.kind !== 'internal' || failure.outage === undefined || (rendered.status !== 500 && rendered.status !== 503)) return rendered;
  return { ...rendered, status: 503, headers: { ...rendered.headers, 'retry-after': String(OUTAGE_RETRY_AFTER_SECONDS) } };
}

/** Writes a rendered error onto the reply. */
export function sendRendered(reply: FastifyReply, rendered: RenderedError): FastifyReply {
  reply.code(rendered.status);
  for (const [name, value] of Object.entries(rendered.headers ?? {})) reply.header(name, value);
  if (rendered.contentType) reply.type(rendered.contentType);
  return reply.send(rendered.body);
}

/** Logs an error no dialect may show (a bug or an outage), once, for every dialect alike. */
export function logInternal(request: FastifyRequest, error: unknown): void {
  // Only the error: the request line is logged by Fastify with secrets redacted, headers never.
  const { name, message, stack } = error instanceof Error ? error : { name: typeof error, message: String(error), stack: undefined };
  request.log.error({ err: { type: name, message, stack } }, 'unhandled error');
}

/**
 * Installs a dialect's error mapping on its encapsulated instance: core errors, schema failures,
 * unreadable bodies and bugs all go through `render`. Unknown errors are logged, never shown.
 */
export function installErrorHandler(app: FastifyInstance, render: ErrorRenderer): void {
  app.setErrorHandler((error: unknown, request, reply) => {
    const failure = classifyError(error);
    if (failure.kind === 'internal') logInternal(request, error);
    return sendRendered(reply, respond(failure, render(failure)));
  });
}

/** What a dialect that reads thrown errors itself makes of one: its rendering, and whether it was a bug. */
export type ThrownRenderer = (error: unknown, request: FastifyRequest) => { readonly rendered: RenderedError; readonly internal: boolean };

/**
 * Installs the error boundary of a dialect that maps thrown errors itself (Stack, Civitai)
 * rather than through `classifyError`: what it calls internal is logged, never shown.
 */
export function installThrownErrorHandler(app: FastifyInstance, render: ThrownRenderer): void {
  app.setErrorHandler((error: unknown, request, reply) => {
    const { rendered, internal } = render(error, request);
    if (internal) logInternal(request, error);
    return sendRendered(reply, rendered);
  });
}

/** Installs a dialect's 404 for every path under its prefix that no route answers. */
export function installNotFoundHandler(app: FastifyInstance, render: (request: FastifyRequest) => RenderedError): void {
  app.setNotFoundHandler((request, reply) => sendRendered(reply, render(request)));
}
