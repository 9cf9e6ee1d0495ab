import type { CreateUserInput, UserPatch } from '../../core/users/users.js';
import type { StackUserListRequest } from '../../query/list-stack-users.js';
import type { AccessType } from './access.js';
import { schemaError, StackStatusError, type StackKnownError } from './errors.js';

/**
 * Request bodies and query strings of the users API, checked as Stack's yup schemas check them:
 * unknown (or, for the access type, forbidden) properties and wrong types are `SCHEMA_ERROR`;
 * values Stack refuses in its handlers are plain-text 400s.
 */

type Body = Readonly<Record<string, unknown>>;

const CLIENT_PATCH = [
  'display_name',
  'profile_image_url',
  'client_metadata',
  'selected_team_id',
  'totp_secret_base64',
  'otp_auth_enabled',
  'passkey_auth_enabled',
  'primary_email',
];
const SERVER_ONLY = [
  'client_read_only_metadata',
  'server_metadata',
  'primary_email_verified',
  'primary_email_auth_enabled',
  'password',
  'password_hash',
  'is_anonymous',
  'restricted_by_admin',
  'restricted_by_admin_reason',
  'restricted_by_admin_private_details',
  'country_code',
  'risk_scores',
];
const SERVER_PATCH = [...CLIENT_PATCH, ...SERVER_ONLY];
const SERVER_CREATE = [...SERVER_PATCH.filter((key) => key !== 'selected_team_id'), 'oauth_providers'];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Stack's strictEmailSchema: one @, a dotted domain, no spaces.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Stack Auth's maximum password length (`passwordSchema`). */
export const STACK_PASSWORD_MAX = 70;
// Client access may only upload images, never point at a URL (spec §3.6).
const CLIENT_IMAGE = /^data:image\/(png|jpg|jpeg|gif|bmp|webp);base64,/i;

/** Collects the problems of one body, in Stack's wording, and throws them together. */
class Checker {
  readonly problems: string[] = [];

  constructor(
    private readonly method: string,
    private readonly path: string,
    readonly body: Body,
  ) {}

  has = (key: string): boolean => Object.hasOwn(this.body, key) && this.body[key] !== undefined;

  private type(key: string, type: string): void {
    this.problems.push(`body.${key} must be a \`${type}\` type, but the final value was: \`${JSON.stringify(this.body[key])}\`.`);
  }

  string(key: string, options: { nullable?: boolean; max?: number; pattern?: RegExp; what?: string } = {}): string | null | undefined {
    if (!this.has(key)) return undefined;
    const value = this.body[key];
    if (value === null && options.nullable) return null;
    if (typeof value !== 'string') return void this.type(key, 'string');
    if (options.max !== undefined && [...value].length > options.max) return void this.problems.push(`body.${key} must be at most ${options.max} characters`);
    if (options.pattern && !options.pattern.test(value)) return void this.problems.push(`body.${key} must be a valid ${options.what ?? 'value'}`);
    return value;
  }

  boolean(key: string): boolean | undefined {
    if (!this.has(key)) return undefined;
    const value = this.body[key];
    if (typeof value !== 'boolean') return void this.type(key, 'boolean');
    return value;
  }

  json(key: string): unknown {
    return this.has(key) ? this.body[key] : undefined;
  }

  riskScores(key: string): unknown {
    if (!this.has(key)) return undefined;
    const value = this.body[key] as { sign_up?: Record<string, unknown> } | null;
    const signUp = value?.sign_up;
    const score = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 100;
    if (
      !signUp ||
      typeof signUp !== 'object' ||
      !score(signUp.bot) ||
      !score(signUp.free_trial_abuse) ||
      Object.keys(value).length !== 1 ||
      Object.keys(signUp).length !== 2
    ) {
      return void this.problems.push(`body.${key} must be {sign_up: {bot, free_trial_abuse}} with integer scores from 0 to 100`);
    }
    return { sign_up: { bot: signUp.bot, free_trial_abuse: signUp.free_trial_abuse } };
  }

  error(): StackKnownError {
    return schemaError(this.method, this.path, this.problems);
  }

  done(): void {
    if (this.problems.length > 0) throw this.error();
  }
}

/** The body as an object; anything else (an array, a string) is a schema error. An absent body reads as `{}`. */
export function bodyObject(body: unknown, method: string, path: string): Body {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw schemaError(method, path, ['body must be an object']);
  return body as Body;
}

function checkKnownKeys(body: Body, allowed: readonly string[], method: string, path: string): void {
  const unknown = Object.keys(body).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) throw schemaError(method, path, [`body contains unknown properties: ${unknown.join(', ')}`]);
}

/** What a user write asks for, besides the core patch: an image to store, a team to resolve. */
export interface ParsedWrite<T> {
  readonly input: T;
  /** A `data:image/…` URL to store first; its Roster URL then becomes `profileImageUrl`. */
  readonly imageDataUrl: string | null;
  /** `selected_team_id` as sent: a team uuid, or null to clear it. */
  readonly selectedTeam?: string | null;
  readonly email: string | null | undefined;
}

function profileImage(check: Checker, accessType: AccessType): { url?: string | null; data: string | null } {
  const url = check.string('profile_image_url', { nullable: true, max: 1_000_000 });
  if (url === undefined) return { data: null };
  if (url === null) return { url: null, data: null };
  if (accessType === 'client' && !CLIENT_IMAGE.test(url)) throw new StackStatusError(400, 'Invalid profile image URL');
  if (url.startsWith('data:')) return { data: url };
  if (/\s/.test(url) || !/^https?:\/\/[^/]/i.test(url) || !URL.canParse(url)) throw new StackStatusError(400, 'Invalid profile image URL');
  return { url, data: null };
}

/** Features Roster does not have are refused plainly rather than silently ignored. */
function refuseUnsupported(check: Checker): void {
  const totp = check.string('totp_secret_base64', { nullable: true });
  if (typeof totp === 'string') throw new StackStatusError(400, 'TOTP multi-factor authentication is not supported by Roster');
  if (check.boolean('otp_auth_enabled') === true) throw new StackStatusError(400, 'OTP sign-in is not supported by Roster');
  if (check.boolean('passkey_auth_enabled') === true) throw new StackStatusError(400, 'Cannot enable passkey authentication via the users API');
}

function commonFields(check: Checker, accessType: AccessType): { fields: UserPatch & CreateUserInput; data: string | null } {
  refuseUnsupported(check);
  const image = profileImage(check, accessType);
  const displayName = check.string('display_name', { nullable: true, max: 256 });
  const email = check.string('primary_email', { nullable: true, pattern: EMAIL, what: 'email' });
  const password = check.string('password', { nullable: true });
  const passwordHash = check.string('password_hash');
  check.boolean('primary_email_auth_enabled');
  if (password != null && passwordHash != null) check.problems.push('body.password and body.password_hash cannot both be set');
  const fields: UserPatch & CreateUserInput = {
    ...(displayName === undefined ? {} : { displayName: displayName === '' ? null : displayName }),
    ...(image.url === undefined ? {} : { profileImageUrl: image.url }),
    ...(check.has('client_metadata') ? { clientMetadata: check.json('client_metadata') } : {}),
    ...(check.has('client_read_only_metadata') ? { clientReadOnlyMetadata: check.json('client_read_only_metadata') } : {}),
    ...(check.has('server_metadata') ? { serverMetadata: check.json('server_metadata') } : {}),
    ...(email === undefined ? {} : { email }),
    ...optional('emailVerified', check.boolean('primary_email_verified')),
    ...(password === undefined ? {} : { password }),
    ...(passwordHash == null ? {} : { passwordHash }),
    ...optional('restrictedByAdmin', check.boolean('restricted_by_admin')),
    ...optional('restrictedByAdminReason', check.string('restricted_by_admin_reason', { nullable: true })),
    ...optional('restrictedByAdminPrivateDetails', check.string('restricted_by_admin_private_details', { nullable: true })),
    ...optional('countryCode', check.string('country_code', { nullable: true, pattern: /^[A-Za-z]{2}$/, what: 'country code' })),
    ...(check.has('risk_scores') ? { riskScores: check.riskScores('risk_scores') } : {}),
  };
  return { fields, data: image.data };
}

const optional = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> => (value === undefined ? {} : ({ [key]: value } as Record<K, V>));

/** `PATCH /users/me` and `/users/{id}`: client access may write only its own client fields (spec §3.4). */
export function parseUserPatch(raw: unknown, accessType: AccessType, method: string, path: string): ParsedWrite<UserPatch> {
  const body = bodyObject(raw, method, path);
  checkKnownKeys(body, accessType === 'client' ? CLIENT_PATCH : SERVER_PATCH, method, path);
  const check = new Checker(method, path, body);
  const { fields, data } = commonFields(check, accessType);
  const team = check.string('selected_team_id', { nullable: true, pattern: UUID, what: 'uuid' });
  const anonymous = check.boolean('is_anonymous');
  check.done();
  if (anonymous === true) throw new StackStatusError(400, 'Cannot set is_anonymous to true: a user can be upgraded from anonymous, never downgraded');
  const { password, passwordHash, ...rest } = fields as UserPatch;
  const patch: UserPatch = {
    ...rest,
    ...(password === undefined ? {} : { password }),
    ...(passwordHash === undefined ? {} : { passwordHash }),
    ...(anonymous === false ? { isAnonymous: false as const } : {}),
  };
  return { input: patch, imageDataUrl: data, ...(team === undefined ? {} : { selectedTeam: team }), email: fields.email };
}

/** `POST /users` (server access). */
export function parseUserCreate(raw: unknown, method: string, path: string): ParsedWrite<CreateUserInput> {
  const body = bodyObject(raw, method, path);
  checkKnownKeys(body, SERVER_CREATE, method, path);
  const check = new Checker(method, path, body);
  const { fields, data } = commonFields(check, 'server');
  const anonymous = check.boolean('is_anonymous');
  const providers = check.json('oauth_providers');
  if (providers !== undefined && !Array.isArray(providers)) check.problems.push('body.oauth_providers must be an array');
  check.done();
  if (Array.isArray(providers) && providers.length > 0) throw new StackStatusError(400, 'OAuth providers are not supported by Roster');
  const input: CreateUserInput = { ...fields, ...(anonymous === undefined ? {} : { isAnonymous: anonymous }) };
  return { input, imageDataUrl: data, email: fields.email };
}

const TRUE_FALSE = ['true', 'false'];

/** `GET /users` query parameters (spec §3.5). */
export function parseListQuery(query: Readonly<Record<string, unknown>>, method: string, path: string): StackUserListRequest {
  const problems: string[] = [];
  const text = (key: string): string | null => {
    const value = query[key];
    if (value === undefined) return null;
    if (typeof value === 'string') return value;
    problems.push(`query.${key} must be a single value`);
    return null;
  };
  const flag = (key: string): boolean => {
    const value = text(key);
    if (value === null) return false;
    if (!TRUE_FALSE.includes(value)) problems.push(`query.${key} must be one of the following values: true, false`);
    return value === 'true';
  };
  const limitText = text('limit');
  const limit = limitText === null ? null : Number(limitText);
  if (limit !== null && (!/^[0-9]+$/.test(limitText ?? '') || !Number.isSafeInteger(limit) || limit < 1))
    problems.push('query.limit must be an integer greater than or equal to 1');
  const cursor = text('cursor');
  if (cursor !== null && !UUID.test(cursor)) problems.push('query.cursor must be a valid UUID');
  const teamUuid = text('team_id');
  if (teamUuid !== null && !UUID.test(teamUuid)) problems.push('query.team_id must be a valid UUID');
  const orderBy = text('order_by');
  if (orderBy !== null && orderBy !== 'signed_up_at') problems.push('query.order_by must be one of the following values: signed_up_at');
  const request: StackUserListRequest = {
    limit,
    cursor,
    desc: flag('desc'),
    teamUuid,
    query: text('query'),
    includeRestricted: flag('include_restricted'),
    includeAnonymous: flag('include_anonymous'),
    onlyAnonymous: flag('only_anonymous'),
  };
  if (problems.length > 0) throw schemaError(method, path, problems);
  if (request.onlyAnonymous && !request.includeAnonymous) throw new StackStatusError(400, 'only_anonymous=true requires include_anonymous=true');
  return request;
}

/** `{email, password}` of the password sign-up and sign-in endpoints; other keys Stack accepts are ignored. */
export function parseCredentials(raw: unknown, method: string, path: string, extra: readonly string[]): { email: string; password: string } {
  const body = bodyObject(raw, method, path);
  checkKnownKeys(body, ['email', 'password', ...extra], method, path);
  const check = new Checker(method, path, body);
  const email = check.string('email', { pattern: EMAIL, what: 'email' });
  const password = check.string('password');
  if (email == null) check.problems.push('body.email must be defined');
  if (password == null) check.problems.push('body.password must be defined');
  check.done();
  return { email: email as string, password: password as string };
}

/** `POST /auth/sessions`: `{user_id, expires_in_millis?, is_impersonation?}`. */
export function parseSessionCreate(raw: unknown, method: string, path: string): { userId: string; expiresInMillis?: number; isImpersonation: boolean } {
  const body = bodyObject(raw, method, path);
  checkKnownKeys(body, ['user_id', 'expires_in_millis', 'is_impersonation'], method, path);
  const check = new Checker(method, path, body);
  const userId = check.string('user_id', { pattern: UUID, what: 'uuid' });
  if (userId == null) check.problems.push('body.user_id must be defined');
  const expires = body.expires_in_millis;
  if (expires !== undefined && (typeof expires !== 'number' || !Number.isSafeInteger(expires) || expires <= 0))
    check.problems.push('body.expires_in_millis must be a positive integer');
  const impersonation = check.boolean('is_impersonation');
  check.done();
  return { userId: userId as string, ...(typeof expires === 'number' ? { expiresInMillis: expires } : {}), isImpersonation: impersonation ?? false };
}
