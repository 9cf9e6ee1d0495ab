import type { CoreError, CoreErrorCode } from '../../core/errors.js';
import type { HttpFailure, RenderedError, RequestIssue, RequestIssueKind } from '../../http/error-handler.js';

/** Every `error.code` the native API answers with. */
export type NativeErrorCode = CoreErrorCode | RequestIssueKind | 'internal_error' | 'unavailable' | 'csrf_failed';

export const NATIVE_ERROR_CODES: readonly NativeErrorCode[] = [
  'not_found',
  'forbidden',
  'invalid_param',
  'validation_failed',
  'conflict',
  'rate_limited',
  'unauthenticated',
  'malformed_body',
  'body_too_large',
  'unsupported_media_type',
  'bad_request',
  'internal_error',
  'unavailable',
  'csrf_failed',
];

export interface NativeErrorDetails {
  entity?: string;
  param?: string;
  location?: string;
  fields?: Record<string, readonly string[]>;
  retry_after_seconds?: number;
}

export interface NativeErrorBody {
  error: { code: NativeErrorCode; message: string; details: NativeErrorDetails };
}

const body = (code: NativeErrorCode, message: string, details: NativeErrorDetails = {}): NativeErrorBody => ({
  error: { code, message, details },
});

/** The details a caller may see: never `reason`, which says why a credential was refused. */
function coreDetails(error: CoreError): NativeErrorDetails {
  const { entity, param, fields, retryAfterSeconds } = error.details;
  return {
    ...(entity !== undefined ? { entity } : {}),
    ...(param !== undefined ? { param } : {}),
    ...(fields !== undefined ? { fields: { ...fields } } : {}),
    ...(retryAfterSeconds !== undefined ? { retry_after_seconds: retryAfterSeconds } : {}),
  };
}

function renderCoreError(error: CoreError): RenderedError {
  const details = coreDetails(error);
  const code = error.code;
  switch (code) {
    case 'not_found':
      return { status: 404, body: body(code, error.message, details) };
    case 'forbidden':
      return { status: 403, body: body(code, error.message, details) };
    case 'invalid_param':
      return { status: 400, body: body(code, error.message, details) };
    case 'validation_failed':
      return { status: 422, body: body(code, error.message, details) };
    case 'conflict':
      return { status: 409, body: body(code, error.message, details) };
    case 'rate_limited': {
      const seconds = Math.max(1, Math.ceil(error.details.retryAfterSeconds ?? 1));
      return { status: 429, headers: { 'retry-after': String(seconds) }, body: body(code, error.message, details) };
    }
    case 'unauthenticated':
      // Uniform: unknown, wrong, expired, revoked and banned credentials all read the same.
      return { status: 401, headers: { 'www-authenticate': 'Bearer' }, body: body(code, 'Authentication failed') };
    default: {
      const unreachable: never = code;
      throw new Error(`unmapped core error ${String(unreachable)}`);
    }
  }
}

function renderRequestIssue(issue: RequestIssue): RenderedError {
  const details: NativeErrorDetails = {
    ...(issue.param !== undefined ? { param: issue.param } : {}),
    ...(issue.location !== undefined ? { location: issue.location } : {}),
  };
  return { status: issue.status, body: body(issue.kind, issue.message, details) };
}

/** The native API's one error mapping: `{"error":{"code","message","details"}}`. */
export function renderNativeError(failure: HttpFailure): RenderedError {
  switch (failure.kind) {
    case 'core':
      return renderCoreError(failure.error);
    case 'request':
      return renderRequestIssue(failure.issue);
    case 'internal':
      if (failure.outage === 'storage_full') return { status: 503, body: body('unavailable', 'The database is out of space; try again later') };
      if (failure.outage !== undefined) return { status: 503, body: body('unavailable', 'The database is unavailable; try again later') };
      return { status: 500, body: body('internal_error', 'Internal server error') };
  }
}
