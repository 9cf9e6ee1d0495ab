import { CoreError, type FieldErrors } from '../../core/errors.js';
import { classifyError, type HttpFailure, type RenderedError, type RequestIssue } from '../../http/error-handler.js';
import { CONTENT_TYPES, type DanbooruFormat } from './format.js';
import { errorXml, xmlRecord, type DanbooruErrorBody } from './xml.js';

/**
 * Danbooru's one error boundary (application_controller.rb `rescue_exception`, the
 * static/error.{json,xml} views): `{"success":false,"error":<exception class>,"message",
 * "backtrace"}`, where Roster's backtrace is always empty; validation failures as 422
 * `{"errors":{field:[message]}}`.
 */

/** A failure only this dialect raises (format, pagination, a missing parameter, a rate limit). */
export class DanbooruHttpError extends Error {
  constructor(
    readonly status: number,
    readonly exceptionClass: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
    /** Null only for the unknown-route page, whose view has no exception to trace. */
    readonly backtrace: readonly [] | null = [],
  ) {
    super(message);
  }
}

/** Not an error to Danbooru: a refused action answered by a redirect (user deletion, A9). */
export class DanbooruRedirect extends Error {
  constructor(
    readonly status: 301 | 302,
    readonly location: string,
  ) {
    super(`redirect to ${location}`);
  }
}

export const pageNotFound = (): DanbooruHttpError => new DanbooruHttpError(404, 'NilClass', 'Page not found', {}, null);
export const unknownFormat = (): DanbooruHttpError => new DanbooruHttpError(406, 'ActionController::UnknownFormat', 'ActionController::UnknownFormat');
export const paginationError = (message: string): DanbooruHttpError => new DanbooruHttpError(410, 'PaginationExtension::PaginationError', message);
export const parameterMissing = (param: string): DanbooruHttpError =>
  new DanbooruHttpError(400, 'ActionController::ParameterMissing', `param is missing or the value is empty: ${param}`);
export const RATE_LIMIT_MESSAGE = "You're doing that too fast. Wait a minute and try again.";
export const rateLimitError = (headers: Readonly<Record<string, string>>): DanbooruHttpError =>
  new DanbooruHttpError(429, 'RateLimiter::RateLimitError', RATE_LIMIT_MESSAGE, headers);

/** session_loader.rb: only one of `login` and `api_key` was given. */
export const MISSING_LOGIN_OR_KEY = 'missing_name_or_key';

/** Core field names where Danbooru's differ (api_key.rb columns). */
const FIELD_NAMES: Readonly<Record<string, string>> = { scopes: 'permissions', permitted_ips: 'permitted_ip_addresses' };

function errorPage(status: number, exceptionClass: string, message: string, format: DanbooruFormat, extra: Partial<RenderedError> = {}, backtrace: readonly [] | null = []): RenderedError {
  const body: DanbooruErrorBody = { success: false, error: exceptionClass, message, backtrace };
  if (format === 'xml') return { ...extra, status, body: errorXml(body), contentType: CONTENT_TYPES.xml };
  return { ...extra, status, body, contentType: CONTENT_TYPES.json };
}

/** responders `display_errors`: 422 with the messages, no attribute prefix. */
function validationErrors(fields: FieldErrors, format: DanbooruFormat): RenderedError {
  const errors = Object.fromEntries(Object.entries(fields).map(([field, messages]) => [FIELD_NAMES[field] ?? field, [...messages]]));
  if (format === 'xml') return { status: 422, body: xmlRecord('errors', errors), contentType: CONTENT_TYPES.xml };
  return { status: 422, body: { errors }, contentType: CONTENT_TYPES.json };
}

/**
 * Danbooru answers a regex PostgreSQL refuses and a search past its statement timeout with a 500
 * (`ActiveRecord::StatementInvalid`, `ActiveRecord::QueryCanceled`); Roster keeps the class and
 * message and answers 400, as for every input Danbooru answers with a 500.
 */
function badSearch(error: CoreError, format: DanbooruFormat): RenderedError | null {
  switch (error.details.problem) {
    case 'invalid_pattern':
      return errorPage(400, 'ActiveRecord::StatementInvalid', `PG::InvalidRegularExpression: ERROR:  ${error.message}`, format);
    case 'query_timeout':
      return errorPage(400, 'ActiveRecord::QueryCanceled', 'The database timed out running your query.', format);
    default:
      return null;
  }
}

function renderCoreError(error: CoreError, format: DanbooruFormat): RenderedError {
  const code = error.code;
  switch (code) {
    case 'not_found':
      return errorPage(404, 'ActiveRecord::RecordNotFound', 'That record was not found.', format);
    case 'forbidden':
      // The reason is dropped, as Danbooru's access_denied page does; a key's own restriction is User::PrivilegeError.
      return errorPage(403, error.details.entity === 'api_key' ? 'User::PrivilegeError' : 'Pundit::NotAuthorizedError', 'Access denied', format);
    case 'invalid_param':
      return badSearch(error, format) ?? errorPage(400, 'ActionController::BadRequest', error.message, format);
    case 'validation_failed':
    case 'conflict':
      return validationErrors(error.details.fields ?? { base: [error.message] }, format);
    case 'rate_limited': {
      const seconds = Math.max(1, Math.ceil(error.details.retryAfterSeconds ?? 1));
      return errorPage(429, 'RateLimiter::RateLimitError', RATE_LIMIT_MESSAGE, format, { headers: { 'retry-after': String(seconds) } });
    }
    case 'unauthenticated': {
      // Uniform: unknown, wrong, revoked, banned and deleted all read "Invalid API key".
      const message = error.details.reason === MISSING_LOGIN_OR_KEY ? 'Missing `login` or `api_key`' : 'Invalid API key';
      return errorPage(401, 'SessionLoader::AuthenticationFailure', message, format);
    }
    default: {
      const unreachable: never = code;
      throw new Error(`unmapped core error ${String(unreachable)}`);
    }
  }
}

/** A request Rails could not read: a bad body is ActionController::BadRequest, at Fastify's status. */
function renderRequestIssue(issue: RequestIssue, format: DanbooruFormat): RenderedError {
  return errorPage(issue.status, 'ActionController::BadRequest', issue.message, format);
}

/** Danbooru's error mapping for every failure the HTTP layer classifies. */
export function renderDanbooruError(failure: HttpFailure, format: DanbooruFormat = 'json'): RenderedError {
  switch (failure.kind) {
    case 'core':
      return renderCoreError(failure.error, format);
    case 'request':
      return renderRequestIssue(failure.issue, format);
    case 'internal':
      // Never the exception's own class, message or trace.
      return errorPage(500, 'StandardError', 'Internal server error', format);
  }
}

/** Anything a Danbooru route throws, rendered; `internal` is true when it must be logged. */
export function renderThrown(error: unknown, format: DanbooruFormat): { rendered: RenderedError; internal: boolean } {
  if (error instanceof DanbooruRedirect) return { rendered: { status: error.status, headers: { location: error.location }, body: '' }, internal: false };
  if (error instanceof DanbooruHttpError) {
    return { rendered: errorPage(error.status, error.exceptionClass, error.message, format, { headers: error.headers }, error.backtrace), internal: false };
  }
  const failure = classifyError(error);
  return { rendered: renderDanbooruError(failure, format), internal: failure.kind === 'internal' };
}

/** For `.catch`: a core refusal of the listed codes becomes a redirect; anything else is rethrown. */
export function redirectOn(codes: readonly CoreError['code'][], location: string): (error: unknown) => never {
  return (error) => {
    const failure = classifyError(error);
    if (failure.kind === 'core' && codes.includes(failure.error.code)) throw new DanbooruRedirect(302, location);
    throw error;
  };
}

/** For `.catch`: validation messages of core fields reported under Danbooru's names (`name` → `desired_name`). */
export function renameFields(names: Readonly<Record<string, string>>): (error: unknown) => never {
  return (error) => {
    const failure = classifyError(error);
    if (failure.kind !== 'core' || failure.error.details.fields === undefined) throw error;
    const fields = Object.fromEntries(Object.entries(failure.error.details.fields).map(([field, messages]) => [names[field] ?? field, messages]));
    throw new CoreError(failure.error.code, failure.error.message, { ...failure.error.details, fields });
  };
}
