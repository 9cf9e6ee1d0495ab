import type { FastifyInstance } from 'fastify';
import type { CoreError, FieldErrors } from '../../core/errors.js';
import { classifyError, logInternal, sendRendered, type HttpFailure, type RenderedError } from '../../http/error-handler.js';

/**
 * e621ng's error bodies (application_controller.rb, static/error.json.erb; specs part B6): a
 * missing record is 404 `{"success":false,"reason":"not found"}`, a refusal 403
 * `{"success":false,"reason":"Access Denied[: msg]"}`, validation 422 `{"errors":{…}}`, and
 * everything else `{"success":false,"message","code"}` (Roster has no log code: null).
 */

/** A failure only this dialect raises: pagination (410), an unpermitted search key (403). */
export class E621HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Readonly<Record<string, unknown>>,
  ) {
    super(typeof body.message === 'string' ? body.message : typeof body.reason === 'string' ? body.reason : 'e621 error');
  }
}

const message = (status: number, text: string): RenderedError => ({ status, body: { success: false, message: text, code: null } });

export const paginationError = (text: string): E621HttpError => new E621HttpError(410, { success: false, message: text, code: null });

/** config/application.rb `action_on_unpermitted_parameters = :raise`, shown as Access Denied's reason. */
export const unpermittedParameter = (key: string): E621HttpError => new E621HttpError(403, { success: false, reason: `found unpermitted parameter: :${key}` });

/** The edge's User-Agent rule (help:api): a request without one is refused. */
export const missingUserAgent = (): E621HttpError => new E621HttpError(403, { success: false, reason: 'Access Denied: a descriptive User-Agent is required' });

const NOT_FOUND: RenderedError = { status: 404, body: { success: false, reason: 'not found' } };

/** e621ng answers an unknown route with its HTML 404 page. */
export const PAGE_NOT_FOUND: RenderedError = {
  status: 404,
  body: '<!doctype html>\n<html><head><title>Not Found</title></head><body><h1>404 Not Found</h1></body></html>\n',
  contentType: 'text/html; charset=utf-8',
};

const validation = (fields: FieldErrors): RenderedError => ({
  status: 422,
  body: { errors: Object.fromEntries(Object.entries(fields).map(([field, messages]) => [field, [...messages]])) },
});

function renderCoreError(error: CoreError): RenderedError {
  const code = error.code;
  switch (code) {
    case 'not_found':
      return NOT_FOUND;
    case 'forbidden':
      return { status: 403, body: { success: false, reason: error.message === 'Access denied' ? 'Access Denied' : `Access Denied: ${error.message}` } };
    case 'invalid_param':
      return message(400, error.message);
    case 'validation_failed':
    case 'conflict':
      return validation(error.details.fields ?? { base: [error.message] });
    case 'rate_limited':
      return {
        ...message(429, 'Throttled: Too many requests'),
        headers: { 'retry-after': String(Math.max(1, Math.ceil(error.details.retryAfterSeconds ?? 1))) },
      };
    case 'unauthenticated':
      // Uniform: unknown, wrong, revoked, banned and deleted keys read alike (STYLE.md 13).
      return message(401, 'SessionLoader::AuthenticationFailure');
    default: {
      const unreachable: never = code;
      throw new Error(`unmapped core error ${String(unreachable)}`);
    }
  }
}

/** e621's mapping of every failure the HTTP layer classifies. */
export function renderE621Error(failure: HttpFailure): RenderedError {
  switch (failure.kind) {
    case 'core':
      return renderCoreError(failure.error);
    case 'request':
      return message(failure.issue.status, failure.issue.message);
    case 'internal':
      return message(500, 'Internal server error');
  }
}

/** One error boundary for the dialect; unknown errors are logged, never shown. */
export function installE621Errors(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request, reply) => {
    if (error instanceof E621HttpError) return sendRendered(reply, { status: error.status, body: error.body });
    const failure = classifyError(error);
    if (failure.kind === 'internal') logInternal(request, error);
    return sendRendered(reply, renderE621Error(failure));
  });
  app.setNotFoundHandler((_request, reply) => sendRendered(reply, PAGE_NOT_FOUND));
}
