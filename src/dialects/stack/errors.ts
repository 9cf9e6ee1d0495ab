import type { CoreError } from '../../core/errors.js';
import { classifyError, type HttpFailure, type RenderedError } from '../../http/error-handler.js';

/**
 * Stack Auth's two kinds of error (spec §3.2): a KnownError, pretty-printed JSON
 * `{code, details?, error}` with `X-Stack-Known-Error: <code>` (always equal to the body's code:
 * the SDK refuses the response otherwise), and a plain StatusError, a text/plain message.
 */
export class StackKnownError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
  }
}

export class StackStatusError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

const JSON_TYPE = 'application/json; charset=utf-8';
const TEXT_TYPE = 'text/plain; charset=utf-8';

export function renderKnown(error: StackKnownError): RenderedError {
  const body = { code: error.code, ...(error.details === undefined ? {} : { details: error.details }), error: error.message };
  return { status: error.status, body: JSON.stringify(body, null, 2), contentType: JSON_TYPE, headers: { 'x-stack-known-error': error.code } };
}

export const renderText = (status: number, message: string, headers: Readonly<Record<string, string>> = {}): RenderedError => ({
  status,
  body: message,
  contentType: TEXT_TYPE,
  headers,
});

export const known = (status: number, code: string, message: string, details?: Readonly<Record<string, unknown>>): StackKnownError =>
  new StackKnownError(status, code, message, details);

/** `SCHEMA_ERROR`, worded as Stack's yup validation: the same text in `error` and `details.message`. */
export function schemaError(method: string, path: string, problems: readonly string[]): StackKnownError {
  const message = `Request validation failed on ${method} ${path}:\n${problems.map((p) => `  - ${p}`).join('\n')}`;
  return known(400, 'SCHEMA_ERROR', message, { message });
}

export const userNotFound = (): StackKnownError => known(404, 'USER_NOT_FOUND', 'User not found.');

export const cannotGetOwnUser = (): StackKnownError =>
  known(400, 'CANNOT_GET_OWN_USER_WITHOUT_USER', "You have specified 'me' as a userId, but did not provide authentication for a user.");

export const insufficientAccessType = (actual: string, allowed: readonly string[]): StackKnownError =>
  known(401, 'INSUFFICIENT_ACCESS_TYPE', `The x-stack-access-type header must be ${allowed.map((s) => `'${s}'`).join(' or ')}, but was '${actual}'.`, {
    actual_access_type: actual,
    allowed_access_types: allowed,
  });

export const emailAlreadyExists = (email: string | null): StackKnownError =>
  known(409, 'USER_EMAIL_ALREADY_EXISTS', `A user with email ${JSON.stringify(email)} already exists.`, { email, would_work_if_email_was_verified: false });

/** What the request was about, for messages that name it. */
export interface ErrorContext {
  readonly method: string;
  readonly path: string;
  /** The email a write tried to use, for `USER_EMAIL_ALREADY_EXISTS`. */
  readonly email?: string | null;
  /** For `TEAM_MEMBERSHIP_NOT_FOUND`. */
  readonly teamId?: string | null;
  readonly userId?: string | null;
}

/** Core field names as Stack's bodies spell them. */
const FIELD_NAMES: Readonly<Record<string, string>> = { email: 'primary_email', email_verified: 'primary_email_verified' };

function coreError(error: CoreError, context: ErrorContext): RenderedError {
  switch (error.code) {
    case 'not_found':
      if (error.details.entity === 'user') return renderKnown(userNotFound());
      if (error.details.entity === 'team_membership') {
        return renderKnown(
          known(404, 'TEAM_MEMBERSHIP_NOT_FOUND', `User ${context.userId ?? ''} is not found in team ${context.teamId ?? ''}.`, {
            team_id: context.teamId ?? null,
            user_id: context.userId ?? null,
          }),
        );
      }
      if (error.details.entity === 'team')
        return renderKnown(known(404, 'TEAM_NOT_FOUND', `Team ${context.teamId ?? ''} not found.`, { team_id: context.teamId ?? null }));
      return renderText(404, 'Not found');
    case 'forbidden':
      if (error.details.reason === 'client_user_deletion_disabled') return renderText(400, error.message);
      return renderText(403, error.message);
    case 'invalid_param':
      return renderKnown(schemaError(context.method, context.path, [`${error.details.param ?? 'request'} ${error.message}`]));
    case 'validation_failed': {
      const problems = Object.entries(error.details.fields ?? {}).flatMap(([field, messages]) =>
        messages.map((m) => `body.${FIELD_NAMES[field] ?? field} ${m}`),
      );
      return renderKnown(schemaError(context.method, context.path, problems.length > 0 ? problems : [error.message]));
    }
    case 'conflict':
      if (error.details.conflict === 'email_taken') return renderKnown(emailAlreadyExists(context.email ?? null));
      if (error.details.fields?.is_deleted) return renderKnown(userNotFound());
      return renderText(409, 'Conflict');
    case 'rate_limited':
      return renderText(429, 'Too many requests; try again later.', { 'retry-after': String(error.details.retryAfterSeconds ?? 60) });
    case 'unauthenticated':
      return renderKnown(known(400, 'EMAIL_PASSWORD_MISMATCH', 'Wrong e-mail or password.'));
  }
}

/** The one mapping of everything thrown under `/stack`; internal errors say nothing. */
export function renderStackFailure(failure: HttpFailure, context: ErrorContext): RenderedError {
  switch (failure.kind) {
    case 'core':
      return coreError(failure.error, context);
    case 'request': {
      const { issue } = failure;
      if (issue.kind === 'invalid_param' || issue.kind === 'malformed_body') {
        const where = issue.location ?? 'body';
        return renderKnown(schemaError(context.method, context.path, [issue.param ? `${where}.${issue.param} is invalid` : `${where} ${issue.message}`]));
      }
      return renderText(issue.status, issue.message);
    }
    case 'internal':
      return renderText(500, 'Internal Server Error');
  }
}

/** Anything thrown: the dialect's own errors first, then the shared classification. */
export function renderStackThrown(error: unknown, context: ErrorContext): { rendered: RenderedError; internal: boolean } {
  if (error instanceof StackKnownError) return { rendered: renderKnown(error), internal: false };
  if (error instanceof StackStatusError) return { rendered: renderText(error.status, error.message, error.headers), internal: false };
  const failure = classifyError(error);
  return { rendered: renderStackFailure(failure, context), internal: failure.kind === 'internal' };
}
