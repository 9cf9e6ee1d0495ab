import type { CoreError } from '../../core/errors.js';
import { classifyError, type HttpFailure, type RenderedError, type RequestIssue } from '../../http/error-handler.js';

/**
 * Civitai's error bodies (endpoint-helpers.ts and the v1 handlers): `{"error": "..."}` for
 * authentication and methods, Zod's serialized error for bad parameters, and
 * `{"message":"An unexpected error occurred","error":…}` for failures.
 */

/** A failure only this dialect raises: a body and status already in Civitai's shape. */
export class CivitaiHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`civitai ${status}`);
  }
}

export const UNAUTHORIZED: RenderedError = { status: 401, body: { error: 'Unauthorized' } };
export const METHOD_NOT_ALLOWED: RenderedError = { status: 405, body: { error: 'Method not allowed' } };
export const NOT_FOUND: RenderedError = { status: 404, body: { error: 'Not found' } };

/**
 * Civitai sends `err.message` as `error`; Roster never shows an internal message (it may hold
 * SQL or paths), so the text is fixed and the error is logged instead.
 */
export const INTERNAL: RenderedError = {
  status: 500,
  headers: { 'cache-control': 'no-store' },
  body: { message: 'An unexpected error occurred', error: 'Internal Server Error' },
};

/** The body `JSON.stringify(zodError)` gives in Zod 4: its name and the pretty-printed issues. */
export function zodErrorBody(issues: readonly unknown[]): { name: 'ZodError'; message: string } {
  return { name: 'ZodError', message: JSON.stringify(issues, null, 2) };
}

/** A core refusal of a parameter, told as a Zod issue so that clients parse one shape. */
const parameterError = (path: string, message: string): RenderedError => ({
  status: 400,
  body: zodErrorBody([{ code: 'custom', path: [path], message }]),
});

function renderCoreError(error: CoreError): RenderedError {
  const code = error.code;
  switch (code) {
    case 'unauthenticated':
      return UNAUTHORIZED;
    case 'not_found':
      return NOT_FOUND;
    case 'forbidden':
      return { status: 403, body: { error: 'Forbidden' } };
    case 'invalid_param':
      return parameterError(error.details.param ?? 'input', error.message);
    case 'validation_failed':
    case 'conflict': {
      const [field, messages] = Object.entries(error.details.fields ?? {})[0] ?? ['input', [error.message]];
      return parameterError(field, messages.join(', '));
    }
    case 'rate_limited': {
      const seconds = Math.max(1, Math.ceil(error.details.retryAfterSeconds ?? 1));
      return { status: 429, headers: { 'retry-after': String(seconds) }, body: { error: 'Too Many Requests' } };
    }
    default: {
      const unreachable: never = code;
      throw new Error(`unmapped core error ${String(unreachable)}`);
    }
  }
}

function renderRequestIssue(issue: RequestIssue): RenderedError {
  return { status: issue.status, body: { error: issue.message } };
}

/** Every failure the dialect can be handed, as Civitai answers it. */
export function renderCivitaiError(failure: HttpFailure): RenderedError {
  switch (failure.kind) {
    case 'core':
      return renderCoreError(failure.error);
    case 'request':
      return renderRequestIssue(failure.issue);
    case 'internal':
      return INTERNAL;
  }
}

/** Anything thrown inside the dialect; `internal` says it must be logged. */
export function renderThrown(error: unknown): { rendered: RenderedError; internal: boolean } {
  if (error instanceof CivitaiHttpError) return { rendered: { status: error.status, body: error.body }, internal: false };
  const failure = classifyError(error);
  return { rendered: renderCivitaiError(failure), internal: failure.kind === 'internal' };
}
