import type { FieldErrors } from '../../core/errors.js';
import { toSentence } from '../rails/ruby-coercion.js';

/**
 * `POST /users`: `user[name]`, `user[password]`, `user[password_confirmation]` and the email
 * (`user[email]`, or `user[email_address][address]` as Danbooru's form sends it), with
 * Danbooru's name rules (user_name_validator.rb) and password rules (user.rb). Uniqueness
 * ("already taken") and the core's own password policy are the core's to check.
 */
export interface SignupInput {
  readonly name: string;
  readonly password: string;
  readonly email: string | null;
}

export interface Signup {
  readonly input: SignupInput;
  readonly errors: FieldErrors | null;
}

export const NAME_MAX_CHARACTERS = 24;
export const PASSWORD_MIN_CHARACTERS = 5;

// Route words, moderator impersonation, and every role name (User::Roles).
const RESERVED_NAMES: ReadonlySet<string> = new Set([
  ...['any', 'none', 'new', 'deactivate', 'custom_style', 'mod', 'administrator'],
  ...['anonymous', 'restricted', 'member', 'gold', 'platinum', 'builder', 'contributor', 'approver', 'moderator', 'admin', 'owner', 'banned'],
]);

// Mime::EXTENSION_LOOKUP: Rails' registered formats and Danbooru's (mime_types.rb).
const FILE_EXTENSIONS = [
  ...['html', 'xhtml', 'text', 'txt', 'js', 'mjs', 'css', 'ics', 'csv', 'vcf', 'vtt', 'png', 'jpeg', 'jpg', 'jpe', 'pjpeg'],
  ...['gif', 'bmp', 'tiff', 'tif', 'svg', 'webp', 'mpeg', 'mpg', 'mpe', 'mp3', 'mp1', 'mp2', 'ogg', 'oga', 'spx', 'opus'],
  ...['m4a', 'mpg4', 'aac', 'webm', 'mp4', 'otf', 'ttf', 'woff', 'woff2', 'xml', 'rss', 'atom', 'yaml', 'yml'],
  ...['multipart_form', 'url_encoded_form', 'json', 'pdf', 'zip', 'gzip', 'gz', 'sitemap', 'avif', 'swf', 'exe', 'ugoira'],
];
const FILE_EXTENSION = new RegExp(`\\.(${FILE_EXTENSIONS.join('|')})$`, 'i');

// Onigmo's [[:punct:]]: Unicode punctuation plus the ASCII symbols $+<=>^`|~.
const PUNCTUATION = /[\p{P}$+<=>^`|~]/u;
const ALLOWED = /^(?:[a-zA-Z0-9]|\p{Script=Han}|\p{Script=Hangul}|\p{Script=Hiragana}|\p{Script=Katakana}|[_.-])+$/u;

/** The first rule a new name breaks, with Danbooru's message; null when it breaks none. */
export function danbooruNameProblem(name: string): string | null {
  const chars = [...name];
  const forbidden = [...new Set(chars.filter((char) => !'_.-'.includes(char) && PUNCTUATION.test(char)))];
  if (chars.length <= 1) return 'must be more than 1 character long';
  if (chars.length > NAME_MAX_CHARACTERS) return `must be less than ${NAME_MAX_CHARACTERS + 1} characters long`;
  if (/[\p{White_Space}\p{Default_Ignorable_Code_Point}]/u.test(name)) return "can't contain whitespace";
  if (PUNCTUATION.test(chars[0]!)) return `can't start with '${chars[0]}'`;
  if (PUNCTUATION.test(chars[chars.length - 1]!)) return `can't end with '${chars[chars.length - 1]}'`;
  if (FILE_EXTENSION.test(name)) return "can't end with a file extension";
  if (name.includes('__')) return "can't contain multiple underscores in a row";
  if (forbidden.length > 0) return `can't contain ${toSentence(forbidden.map((char) => `'${char}'`))}`;
  if (!ALLOWED.test(name)) return 'must contain only basic letters or numbers';
  if (/^user_\d+$/i.test(name)) return "can't be the same as a deleted user";
  if (RESERVED_NAMES.has(name.toLowerCase())) return "is a reserved name and can't be used";
  return null;
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null);

function emailOf(user: Readonly<Record<string, unknown>>): string | null {
  const nested = user.email_address;
  const address = nested !== null && typeof nested === 'object' && !Array.isArray(nested) ? (nested as Record<string, unknown>).address : undefined;
  const email = text(Object.hasOwn(user, 'email') ? user.email : address);
  return email === null || email.trim() === '' ? null : email.trim();
}

/**
 * Reads the `user` hash of a signup. A missing hash reads as empty fields (Danbooru answers it
 * with a 500). The confirmation is checked only when sent, as Rails' confirmation validator does.
 */
export function parseSignup(user: unknown): Signup {
  const body = user !== null && typeof user === 'object' && !Array.isArray(user) ? (user as Record<string, unknown>) : {};
  const name = text(Object.hasOwn(body, 'name') ? body.name : undefined) ?? '';
  const password = text(Object.hasOwn(body, 'password') ? body.password : undefined) ?? '';
  const confirmation = text(Object.hasOwn(body, 'password_confirmation') ? body.password_confirmation : undefined);
  const errors: Record<string, string[]> = {};
  const nameProblem = danbooruNameProblem(name);
  if (nameProblem !== null) errors.name = [nameProblem];
  if ([...password].length < PASSWORD_MIN_CHARACTERS) errors.password = [`is too short (minimum is ${PASSWORD_MIN_CHARACTERS} characters)`];
  if (confirmation !== null && confirmation !== password) errors.password_confirmation = ["Passwords don't match"];
  const email = emailOf(body);
  if (email !== null && !/^[^@\s]+@[^@\s]+$/.test(email)) errors.email = ['is invalid'];
  return { input: { name, password, email }, errors: Object.keys(errors).length === 0 ? null : errors };
}
