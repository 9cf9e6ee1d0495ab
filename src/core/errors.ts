/**
 * The closed set of errors the core raises. Each dialect maps every code, exhaustively, onto its
 * own status and body (`src/dialects/<name>/errors.ts`).
 */
export type CoreErrorCode =
  | 'not_found'
  | 'forbidden'
  | 'invalid_param'
  | 'validation_failed'
  | 'conflict'
  | 'rate_limited'
  | 'unauthenticated';

/**
 * What exactly went wrong, when a dialect words it in its own terms (CVAT's
 * "<slug> organization does not exist."); the message stays Roster's own.
 */
export type CoreProblem =
  | 'organization_missing'
  | 'organization_slug_taken'
  | 'invitation_missing'
  | 'invitation_accepted'
  | 'invitation_expired'
  | 'already_member'
  // For `invalid_param`: a search the engines cannot run safely (Danbooru: a regex PostgreSQL
  // refuses, a statement that timed out).
  | 'invalid_pattern'
  | 'query_timeout'
  | 'too_costly';

/** Field-level messages, as `{ name: ['already taken'] }`. */
export type FieldErrors = Readonly<Record<string, readonly string[]>>;

export interface CoreErrorDetails {
  /** The entity that was not found, conflicted or was refused (`user`, `api_key`, …). */
  readonly entity?: string;
  /** The request parameter at fault, for `invalid_param`. */
  readonly param?: string;
  /** Messages per field, for `validation_failed` and `conflict`. */
  readonly fields?: FieldErrors;
  /** Seconds until a rate-limited action may be retried. */
  readonly retryAfterSeconds?: number;
  /** Why a credential was refused; never told to the caller, only logged. */
  readonly reason?: string;
  /** Which known problem this is, so each dialect can word it as its system does. */
  readonly problem?: CoreProblem;
  /** What the problem is about, for the dialect's wording (the organization's slug as asked). */
  readonly subject?: string;
}

export class CoreError extends Error {
  override readonly name = 'CoreError';

  constructor(
    readonly code: CoreErrorCode,
    message: string,
    readonly details: CoreErrorDetails = {},
  ) {
    super(message);
  }
}

export const notFound = (entity: string, message = `${entity} not found`): CoreError =>
  new CoreError('not_found', message, { entity });

export const forbidden = (message = 'Access denied', details: CoreErrorDetails = {}): CoreError =>
  new CoreError('forbidden', message, details);

export const invalidParam = (param: string, message: string): CoreError =>
  new CoreError('invalid_param', message, { param });

/** A regular expression the engines refuse (syntax, length, constructs RE2 lacks). */
export const invalidPattern = (param: string, reason: string): CoreError =>
  new CoreError('invalid_param', `invalid regular expression: ${reason}`, { param, problem: 'invalid_pattern' });

/** A search statement that ran past its time limit and was cancelled. */
export const queryTimeout = (): CoreError =>
  new CoreError('invalid_param', 'The database timed out running your query.', { param: 'search', problem: 'query_timeout' });

/** A search input above a cost bound (offset, nesting, list size): refused before it runs. */
export const tooCostly = (param: string, message: string): CoreError => new CoreError('invalid_param', message, { param, problem: 'too_costly' });

export const validationFailed = (fields: FieldErrors): CoreError =>
  new CoreError(
    'validation_failed',
    Object.entries(fields)
      .map(([field, messages]) => `${field} ${messages.join(', ')}`)
      .join('; '),
    { fields },
  );

export const conflict = (entity: string, fields: FieldErrors): CoreError =>
  new CoreError('conflict', `${entity} conflicts with an existing record`, { entity, fields });

export const unauthenticated = (reason: string): CoreError =>
  new CoreError('unauthenticated', 'Authentication failed', { reason });

export const rateLimited = (retryAfterSeconds: number): CoreError =>
  new CoreError('rate_limited', 'Too many attempts; try again later', { retryAfterSeconds });

export const isCoreError = (error: unknown): error is CoreError => error instanceof CoreError;
