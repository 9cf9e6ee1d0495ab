import type { FieldErrors } from '../../core/errors.js';
import { Level } from '../../core/access/levels.js';
import type { PreferencesPatch } from '../../core/users/preferences-patch.js';
import type { PreferenceFlag } from '../../core/users/preferences.js';
import { splitWords, strip, toI } from '../rails/ruby-coercion.js';
import { isKnownTimeZone } from '../rails/time-zone.js';

/** The flags `PUT /users/:id` may set (user_policy.rb `permitted_attributes_for_update`). */
export const SETTING_FLAGS = [
  'receive_email_notifications',
  'new_post_navigation_layout',
  'enable_private_favorites',
  'show_deleted_posts',
  'show_deleted_children',
  'disable_categorized_saved_searches',
  'disable_tagged_filenames',
  'disable_mobile_gestures',
  'enable_safe_mode',
  'enable_desktop_mode',
  'disable_post_tooltips',
] as const satisfies readonly PreferenceFlag[];

/** What the target user has now, for the rules that depend on it. */
export interface SettingsTarget {
  readonly level: number;
  readonly enablePrivateFavorites: boolean;
}

export interface SettingsUpdate {
  readonly patch: PreferencesPatch;
  /** Messages per field (Rails style, no attribute prefix); null when the update is valid. */
  readonly errors: FieldErrors | null;
}

const NOT_INCLUDED = 'is not included in the list';

type Body = Readonly<Record<string, unknown>>;

const own = (body: Body, key: string): unknown => (Object.hasOwn(body, key) ? body[key] : undefined);

/** Rails reads a scalar as its string (null as empty); arrays and hashes are dropped by strong parameters. */
const scalarText = (value: unknown): string | null =>
  typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : value === null ? '' : null;

/** has_bit_flags.rb: true when the value contains `t`, `1` or `y` (so `on` and `TRUE` are false). */
export const flagValue = (text: string): boolean => /[t1y]/.test(text);

/** An integer column cast: blank and non-numeric text are invalid, `"5abc"` is 5. */
function integerSetting(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return typeof value === 'string' && /^\s*[+-]?\d/.test(value) ? toI(value) : null;
}

/** core_extensions.rb `normalize_whitespace` then `strip`. */
export function normalizeWhitespace(text: string): string {
  const spaced = text
    .replace(/[\u180E\u200B\u200C\u2060\uFEFF]/g, '')
    .replace(/[\p{Zs}\t]/gu, ' ')
    .replace(/\r?\n|\r|\v|\f|\u0085|\u2028|\u2029/g, '\n');
  return strip(spaced);
}

const characters = (text: string): number => [...text].length;
// visible_string_validator.rb: text made only of invisible characters is blank.
const isInvisible = (text: string): boolean => /^[\s\p{Default_Ignorable_Code_Point}\u2800]*$/u.test(text);

type Errors = Record<string, string[]>;
const add = (errors: Errors, field: string, message: string): void => void (errors[field] ??= []).push(message);

function textSetting(errors: Errors, field: string, text: string, maximum: number): string {
  if (text !== '' && isInvisible(text)) add(errors, field, "can't be blank");
  if (characters(text) > maximum) add(errors, field, `is too long (maximum is ${maximum} characters)`);
  return text;
}

function readTexts(user: Body, errors: Errors, patch: Record<string, unknown>): void {
  const favorite = scalarText(own(user, 'favorite_tags'));
  if (favorite !== null) {
    patch.favorite_tags = textSetting(errors, 'favorite_tags', normalizeWhitespace(favorite), 10_000);
    if (splitWords(patch.favorite_tags as string).length > 1000) add(errors, 'favorite_tags', "can't have more than 1000 favorite tags");
  }
  const blacklist = scalarText(own(user, 'blacklisted_tags'));
  if (blacklist !== null) {
    const text = strip(
      blacklist
        .split(/\r?\n|\r/)
        .map(strip)
        .join('\n'),
    );
    patch.blacklisted_tags = textSetting(errors, 'blacklisted_tags', text, 100_000);
    if (text.split('\n').length > 5000) add(errors, 'blacklisted_tags', "can't have more than 5000 blacklist rules");
    if (splitWords(text).length > 5000) add(errors, 'blacklisted_tags', "can't have more than 5000 blacklisted tags");
  }
  const style = scalarText(own(user, 'custom_style'));
  if (style !== null) patch.custom_style = textSetting(errors, 'custom_style', normalizeWhitespace(style), 40_000);
}

function readChoices(user: Body, errors: Errors, patch: Record<string, unknown>): void {
  const ranges = [
    ['per_page', 1, 200],
    ['comment_threshold', -100, 5],
  ] as const;
  for (const [field, min, max] of ranges) {
    if (scalarText(own(user, field)) === null) continue;
    const value = integerSetting(own(user, field));
    if (value === null || value < min || value > max) add(errors, field, NOT_INCLUDED);
    else patch[field] = value;
  }
  const choices = [
    ['default_image_size', ['large', 'original']],
    ['theme', ['auto', 'light', 'dark']],
  ] as const;
  for (const [field, allowed] of choices) {
    const value = scalarText(own(user, field));
    if (value === null) continue;
    if ((allowed as readonly string[]).includes(value)) patch[field] = value;
    else add(errors, field, NOT_INCLUDED);
  }
  const zone = scalarText(own(user, 'time_zone'));
  // Danbooru stores any string and then fails every request of that user; Roster refuses it.
  if (zone !== null && isKnownTimeZone(zone)) patch.time_zone = zone;
  else if (zone !== null) add(errors, 'time_zone', NOT_INCLUDED);
}

function readFlags(user: Body, target: SettingsTarget, errors: Errors): Partial<Record<PreferenceFlag, boolean>> {
  const flags: Partial<Record<PreferenceFlag, boolean>> = {};
  for (const flag of SETTING_FLAGS) {
    const text = scalarText(own(user, flag));
    if (text !== null) flags[flag] = flagValue(text);
  }
  if (flags.enable_private_favorites === true && !target.enablePrivateFavorites && target.level < Level.Gold) {
    add(errors, 'base', "Can't enable privacy mode without a Gold account");
  }
  return flags;
}

/**
 * The `user` hash of `PUT /users/:id` (form `user[per_page]=…` or JSON `{"user":{…}}`), read as
 * Danbooru reads it: only the permitted settings, with its validations and messages. Other keys
 * are ignored. Danbooru's CSS syntax check is not made.
 */
export function parseSettingsUpdate(user: unknown, target: SettingsTarget): SettingsUpdate {
  const input = user !== null && typeof user === 'object' && !Array.isArray(user) ? (user as Record<string, unknown>) : {};
  const errors: Errors = {};
  const patch: Record<string, unknown> = {};
  readTexts(input, errors, patch);
  readChoices(input, errors, patch);
  const flags = readFlags(input, target, errors);
  if (Object.keys(flags).length > 0) patch.flags = flags;
  return { patch: patch as PreferencesPatch, errors: Object.keys(errors).length === 0 ? null : errors };
}
