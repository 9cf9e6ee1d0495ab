import { validationFailed } from '../errors.js';
import { hasNul } from '../text.js';

/** Collects field-level messages so that a caller learns every problem at once. */
export class Problems {
  private readonly fields = new Map<string, string[]>();

  add(field: string, ...messages: readonly string[]): void {
    if (messages.length === 0) return;
    this.fields.set(field, [...(this.fields.get(field) ?? []), ...messages]);
  }

  get isEmpty(): boolean {
    return this.fields.size === 0;
  }

  /** Throws `validation_failed` with every message collected, if any. */
  throwIfAny(): void {
    if (!this.isEmpty) throw validationFailed(Object.fromEntries(this.fields));
  }
}

export const NAME_PART_MAX = 150;
export const DISPLAY_NAME_MAX = 256;
export const EMAIL_MAX = 254;
// Stack Auth: the code limit is 1 MB although its OpenAPI text says 100 KB.
export const PROFILE_IMAGE_URL_MAX = 1_000_000;
export const METADATA_MAX_BYTES = 100 * 1024;

export function textProblems(value: unknown, max: number): string[] {
  if (typeof value !== 'string') return ['must be a string'];
  if (hasNul(value)) return ["can't contain NUL characters"];
  return [...value].length > max ? [`is too long (maximum is ${max} characters)`] : [];
}

// Deliberately loose (RFC 5321 is not worth enforcing here): one `@`, no whitespace, a dotted
// domain or localhost. Dialects with stricter rules apply them before calling the core.
const EMAIL_PATTERN = /^[^\s@]+@(?:[^\s@.]+(?:\.[^\s@.]+)+|localhost)$/i;

export function emailProblems(email: unknown): string[] {
  if (typeof email !== 'string') return ['must be a string'];
  if (email.length > EMAIL_MAX) return [`is too long (maximum is ${EMAIL_MAX} characters)`];
  if (hasNul(email)) return ["can't contain NUL characters"];
  return EMAIL_PATTERN.test(email) ? [] : ['is invalid'];
}

const DATA_IMAGE_PATTERN = /^data:image\/[a-z0-9.+-]+;base64,[A-Za-z0-9+/]+={0,2}$/i;

/** Stack Auth: an http(s) URL without spaces, or a base64 `data:image/…` URL, ≤ 1,000,000 characters. */
export function profileImageProblems(url: unknown): string[] {
  if (typeof url !== 'string') return ['must be a string'];
  if (url.length > PROFILE_IMAGE_URL_MAX) return [`is too long (maximum is ${PROFILE_IMAGE_URL_MAX} characters)`];
  if (hasNul(url)) return ['is not a valid image URL'];
  if (url.startsWith('data:')) return DATA_IMAGE_PATTERN.test(url) ? [] : ['is not a valid image URL'];
  if (/\s/.test(url) || !URL.canParse(url)) return ['is not a valid image URL'];
  const protocol = new URL(url).protocol;
  return protocol === 'http:' || protocol === 'https:' ? [] : ['is not a valid image URL'];
}

/** The stored text of a JSON metadata value; null stays null. Throws on values JSON cannot hold. */
export function serializeMetadata(value: unknown): string | null {
  if (value === null) return null;
  const text = JSON.stringify(value) as string | undefined;
  if (text === undefined) throw new TypeError('not JSON-serializable');
  return text;
}

export function metadataProblems(value: unknown): string[] {
  let text: string | null;
  try {
    text = serializeMetadata(value);
  } catch {
    return ['must be JSON-serializable'];
  }
  if (text !== null && Buffer.byteLength(text, 'utf8') > METADATA_MAX_BYTES) return ['is too large (maximum is 100 KB)'];
  return [];
}

export const isSafeTimestamp = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/** The profile fields account creation and update share, each checked when given. */
export function addProfileProblems(
  problems: Problems,
  fields: { readonly firstName?: string; readonly lastName?: string; readonly displayName?: string | null; readonly profileImageUrl?: string | null },
): void {
  if (fields.firstName !== undefined) problems.add('first_name', ...textProblems(fields.firstName, NAME_PART_MAX));
  if (fields.lastName !== undefined) problems.add('last_name', ...textProblems(fields.lastName, NAME_PART_MAX));
  if (fields.displayName != null) problems.add('display_name', ...textProblems(fields.displayName, DISPLAY_NAME_MAX));
  if (fields.profileImageUrl != null) problems.add('profile_image_url', ...profileImageProblems(fields.profileImageUrl));
}

/** Stack Auth's three metadata values; absent or null is always fine. */
export function addMetadataProblems(
  problems: Problems,
  fields: { readonly clientMetadata?: unknown; readonly clientReadOnlyMetadata?: unknown; readonly serverMetadata?: unknown },
): void {
  problems.add('client_metadata', ...metadataProblems(fields.clientMetadata ?? null));
  problems.add('client_read_only_metadata', ...metadataProblems(fields.clientReadOnlyMetadata ?? null));
  problems.add('server_metadata', ...metadataProblems(fields.serverMetadata ?? null));
}

/** Stack Auth: a restriction's reason and private details, which only a restricted user may have. */
export function addRestrictionTextProblems(
  problems: Problems,
  fields: { readonly restrictedByAdminReason?: string | null; readonly restrictedByAdminPrivateDetails?: string | null },
  restricted: boolean,
): void {
  for (const [field, value] of [
    ['restricted_by_admin_reason', fields.restrictedByAdminReason],
    ['restricted_by_admin_private_details', fields.restrictedByAdminPrivateDetails],
  ] as const) {
    if (value == null) continue;
    problems.add(field, ...textProblems(value, DISPLAY_NAME_MAX * 4), ...(restricted ? [] : ['must be null unless the user is restricted']));
  }
}
