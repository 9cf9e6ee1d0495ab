import type { CoreError, FieldErrors } from '../../core/errors.js';
import type { HttpFailure, RenderedError, RequestIssue } from '../../http/error-handler.js';
import { JsonLogicError } from './json-logic.js';

/**
 * CVAT's error bodies, as Django REST framework writes them (spec §1.6): `{"detail": …}` for
 * most refusals, `{"field": ["msg"]}` for validation, a bare list for query-parameter errors
 * (the JSON Logic filter, org-context conflicts) and a bare string for invitation refusals.
 */
export const CVAT_MEDIA_TYPE = 'application/vnd.cvat+json';

/** A refusal only this dialect raises (pagination, org parameters, CSRF, negotiation). */
export class CvatHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(typeof body === 'string' ? body : JSON.stringify(body));
  }
}

export const PERMISSION_DENIED = 'You do not have permission to perform this action.';
export const NOT_AUTHENTICATED = 'Authentication credentials were not provided.';

export const invalidPage = (): CvatHttpError => new CvatHttpError(404, { detail: 'Invalid page.' });
export const methodNotAllowed = (method: string): CvatHttpError => new CvatHttpError(405, { detail: `Method "${method}" not allowed.` });
export const notAcceptable = (): CvatHttpError => new CvatHttpError(406, { detail: 'Could not satisfy the request Accept header.' });
export const notAuthenticated = (): CvatHttpError => new CvatHttpError(401, { detail: NOT_AUTHENTICATED }, { 'www-authenticate': 'Token' });
export const unknownField = (): CvatHttpError => new CvatHttpError(403, { detail: 'Attempted to update an unknown field' });
export const csrfFailed = (reason: 'missing' | 'incorrect'): CvatHttpError => new CvatHttpError(403, { detail: `CSRF Failed: CSRF token ${reason}.` });
export const permissionDenied = (): CvatHttpError => new CvatHttpError(403, { detail: PERMISSION_DENIED });
export const fieldErrors = (fields: Readonly<Record<string, readonly string[]>>): CvatHttpError => new CvatHttpError(400, fields);
export const listError = (message: string): CvatHttpError => new CvatHttpError(400, [message]);

/** Core field names where CVAT's differ. */
const FIELD_NAMES: Readonly<Record<string, string>> = { name: 'username' };

/** Django's wording for core validation messages CVAT clients meet, by `field:message`. */
const MESSAGES: Readonly<Record<string, string>> = {
  'name:already taken': 'A user with that username already exists.',
  'email:is invalid': 'Enter a valid email address.',
  'email:is a member of the organization already': 'The user is a member of the organization already.',
  'user:is a member of the organization already': 'The user is a member of the organization already.',
};

function djangoMessage(field: string, message: string): string {
  const known = MESSAGES[`${field}:${message}`];
  if (known) return known;
  const tooLong = /^is too long \(maximum is (\d+) characters\)$/.exec(message);
  return tooLong ? `Ensure this field has no more than ${tooLong[1]} characters.` : message;
}

const ENTITY_NAMES: Readonly<Record<string, string>> = { user: 'User', membership: 'Membership', organization: 'Organization', invitation: 'Invitation' };

function djangoFields(fields: FieldErrors): Record<string, string[]> {
  return Object.fromEntries(Object.entries(fields).map(([field, messages]) => [FIELD_NAMES[field] ?? field, messages.map((m) => djangoMessage(field, m))]));
}

function renderNotFound(error: CoreError): RenderedError {
  switch (error.details.problem) {
    case 'organization_missing':
      return { status: 404, body: { detail: `${error.details.subject ?? ''} organization does not exist.` } };
    case 'invitation_missing':
      return { status: 404, body: { detail: 'This invitation does not exist.' } };
    default: {
      const entity = ENTITY_NAMES[error.details.entity ?? ''];
      return { status: 404, body: { detail: entity ? `No ${entity} matches the given query.` : 'Not found.' } };
    }
  }
}

function renderRefusal(error: CoreError): RenderedError {
  switch (error.details.problem) {
    case 'invitation_accepted':
      return { status: 400, body: 'Your invitation is already accepted.' };
    case 'invitation_expired':
      return { status: 400, body: 'Your invitation is expired. Please contact organization owner to renew it.' };
    case 'organization_slug_taken':
      return { status: 400, body: { slug: ['organization with this slug already exists.'] } };
    default:
      return { status: 400, body: djangoFields(error.details.fields ?? { non_field_errors: [error.message] }) };
  }
}

function renderCoreError(error: CoreError): RenderedError {
  const code = error.code;
  switch (code) {
    case 'not_found':
      return renderNotFound(error);
    case 'forbidden':
      return { status: 403, body: { detail: PERMISSION_DENIED } };
    case 'invalid_param':
      // A filter or sort the query engine refused: DRF's ValidationError from a filter backend.
      return { status: 400, body: [`${error.details.param ?? 'filter'}: ${error.message}`] };
    case 'validation_failed':
    case 'conflict':
      return renderRefusal(error);
    case 'rate_limited': {
      const seconds = Math.max(1, Math.ceil(error.details.retryAfterSeconds ?? 1));
      return { status: 429, headers: { 'retry-after': String(seconds) }, body: { detail: `Request was throttled. Expected available in ${seconds} seconds.` } };
    }
    case 'unauthenticated':
      return { status: 401, headers: { 'www-authenticate': 'Token' }, body: { detail: 'Invalid token.' } };
    default: {
      const never: never = code;
      throw new Error(`unmapped core error ${String(never)}`);
    }
  }
}

function renderIssue(issue: RequestIssue): RenderedError {
  const kind = issue.kind;
  switch (kind) {
    case 'invalid_param':
      return { status: 400, body: { [issue.param ?? 'non_field_errors']: ['This field is invalid.'] } };
    case 'malformed_body':
      return { status: 400, body: { detail: `JSON parse error - ${issue.message}` } };
    case 'body_too_large':
      return { status: 413, body: { detail: 'Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.' } };
    case 'unsupported_media_type':
      return { status: 415, body: { detail: 'Unsupported media type in request.' } };
    case 'bad_request':
      return { status: issue.status, body: { detail: 'Bad request.' } };
    default: {
      const never: never = kind;
      throw new Error(`unmapped request issue ${String(never)}`);
    }
  }
}

/** The dialect's one error mapping; every body is `application/vnd.cvat+json`. */
export function renderCvatError(failure: HttpFailure): RenderedError {
  return asJson(renderFailure(failure));
}

/** A bare string body (DRF renders `"message"`) is sent as JSON text, not as is. */
function asJson(rendered: RenderedError): RenderedError {
  const body = typeof rendered.body === 'string' ? JSON.stringify(rendered.body) : rendered.body;
  return { ...rendered, body, contentType: CVAT_MEDIA_TYPE };
}

function renderFailure(failure: HttpFailure): RenderedError {
  switch (failure.kind) {
    case 'core':
      return renderCoreError(failure.error);
    case 'request':
      return renderIssue(failure.issue);
    case 'internal':
      return { status: 500, body: { detail: 'A server error occurred.' } };
  }
}

/** Errors this dialect throws itself, before the shared classification. */
export function renderCvatThrown(error: unknown): RenderedError | null {
  if (error instanceof CvatHttpError) return asJson({ status: error.status, headers: error.headers, body: error.body });
  if (error instanceof JsonLogicError) return asJson({ status: 400, body: [error.message] });
  return null;
}
