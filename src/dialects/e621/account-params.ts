import { validationFailed } from '../../core/errors.js';
import type { PreferenceFlag } from '../../core/users/preferences.js';
import type { UserPatch } from '../../core/users/users.js';
import { toI } from '../rails/ruby-coercion.js';
import { isKnownTimeZone } from '../rails/time-zone.js';
import { unpermittedParameter } from './errors.js';
import { SELF_FLAGS } from './render.js';
import { isHash, type Params } from './routes.js';

/**
 * The `user[...]` hashes of e621ng's account routes: signup (user_name_validator.rb, user.rb;
 * specs part B6) and the settings update (users_controller.rb `user_params`).
 */

const text = (value: unknown): string | null => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null);

export const userHash = (params: Params): Params => (isHash(params.user) ? params.user : {});

const FORBIDDEN_PARTS = ['system', 'automod', 'admin', 'moderator', '_mod', 'mod_', 'janitor', 'staff', 'support'];

/** The first e621 name rule `name` breaks; null when none. Signups are never Staff, so the reserved parts always apply. */
export function e621NameProblem(name: string): string | null {
  if (name.length < 2 || name.length > 20) return 'must be 2 to 20 characters long';
  if (!/^[A-Za-z0-9\-_~']+$/.test(name)) return 'must contain only alphanumeric characters, hypens, apostrophes, tildes and underscores';
  if (/^[-_~']/.test(name)) return 'must not begin with a special character';
  if (/[-_~']{2}/.test(name)) return 'must not contain consecutive special characters';
  if (name.endsWith('_')) return 'must not end with an underscore';
  if (/^\d+$/.test(name)) return 'cannot be only numbers';
  if (['me', 'home', 'settings'].includes(name.toLowerCase())) return 'is a reserved name';
  const part = FORBIDDEN_PARTS.find((word) => name.toLowerCase().includes(word));
  if (part !== undefined) return `cannot contain "${part}"`;
  return null;
}

export interface E621Signup {
  readonly name: string;
  readonly password: string;
  readonly email: string | null;
}

/** Reads a signup; 422 with every problem of the dialect's own rules (the core checks uniqueness and its password policy). */
export function parseE621Signup(params: Params): E621Signup {
  const user = userHash(params);
  const name = text(user.name) ?? '';
  const password = text(user.password) ?? '';
  const confirmation = text(user.password_confirmation);
  const email = text(user.email)?.trim() || null;
  const errors: Record<string, string[]> = {};
  const nameProblem = e621NameProblem(name);
  if (nameProblem !== null) errors.name = [nameProblem];
  if (password.length < 8) errors.password = ['is too short (minimum is 8 characters)'];
  if (confirmation !== null && confirmation !== password) errors.password_confirmation = ["doesn't match Password"];
  if (Object.keys(errors).length > 0) throw validationFailed(errors);
  return { name, password, email };
}

const TEXT_SETTINGS = ['favorite_tags', 'blacklisted_tags', 'custom_style', 'profile_about', 'profile_artinfo', 'time_zone', 'default_image_size'] as const;
const INTEGER_SETTINGS = ['comment_threshold', 'per_page'] as const;
/** Flags the e621 settings form writes besides the self flags it shows. */
const EXTRA_FLAGS: readonly PreferenceFlag[] = ['style_usernames', 'disable_cropped_thumbnails'];
const FLAGS: ReadonlySet<string> = new Set<string>([...SELF_FLAGS, ...EXTRA_FLAGS]);

/** ActiveModel's boolean cast: these strings are false, any other value true. */
const isFalseValue = (value: string): boolean => ['0', 'f', 'false', 'off', ''].includes(value.trim().toLowerCase());

/**
 * `PUT /users/:id.json`: the permitted `user[...]` keys as a core patch of the current user;
 * any other key is refused as e621 does (403, unpermitted parameter).
 */
export function parseE621Settings(params: Params): UserPatch {
  const user = userHash(params);
  const preferences: Record<string, unknown> = {};
  const flags: Record<string, boolean> = {};
  let avatarId: number | null | undefined;
  let email: string | null | undefined;
  for (const [key, raw] of Object.entries(user)) {
    const value = text(raw);
    if (value === null) throw unpermittedParameter(key);
    if ((TEXT_SETTINGS as readonly string[]).includes(key)) preferences[key] = value;
    else if ((INTEGER_SETTINGS as readonly string[]).includes(key)) preferences[key] = toI(value);
    else if (FLAGS.has(key)) flags[key] = !isFalseValue(value);
    else if (key === 'avatar_id') avatarId = value.trim() === '' ? null : toI(value);
    else if (key === 'email') email = value.trim() || null;
    else throw unpermittedParameter(key);
  }
  if (typeof preferences.time_zone === 'string' && !isKnownTimeZone(preferences.time_zone))
    throw validationFailed({ time_zone: ['is not included in the list'] });
  const patch: { -readonly [K in keyof UserPatch]: UserPatch[K] } = {};
  if (Object.keys(flags).length > 0) preferences.flags = flags;
  if (Object.keys(preferences).length > 0) patch.preferences = preferences;
  if (avatarId !== undefined) patch.avatarId = avatarId;
  if (email !== undefined) patch.email = email;
  return patch;
}
