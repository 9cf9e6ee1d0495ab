import { Level } from '../access/levels.js';
import { PREFERENCE_FLAGS, type PreferenceFlag, type Preferences } from './preferences.js';
import type { Problems } from './user-validation.js';

/** A partial update of the settings; `flags` is merged flag by flag. */
export type PreferencesPatch = Partial<Omit<Preferences, 'flags'>> & {
  readonly flags?: Partial<Readonly<Record<PreferenceFlag, boolean>>>;
};

// Danbooru's limits (user.rb validations); e621's profile texts allow 50,000 characters.
const TEXT_LIMITS = {
  time_zone: 100,
  favorite_tags: 100_000,
  blacklisted_tags: 100_000,
  custom_style: 40_000,
  profile_about: 50_000,
  profile_artinfo: 50_000,
} as const;
const MAX_FAVORITE_TAGS = 1000;
const MAX_BLACKLIST_RULES = 5000;
const THEMES: readonly unknown[] = ['auto', 'light', 'dark'];
const IMAGE_SIZES: readonly unknown[] = ['large', 'original'];
const KNOWN_KEYS: ReadonlySet<string> = new Set([...Object.keys(TEXT_LIMITS), 'theme', 'per_page', 'comment_threshold', 'default_image_size', 'flags']);

const isIntegerIn = (value: unknown, min: number, max: number): boolean => Number.isInteger(value) && (value as number) >= min && (value as number) <= max;

/** Adds every problem of `patch` to `problems`; `level` is the level of the user being changed. */
export function addPreferencesProblems(problems: Problems, patch: PreferencesPatch, level: number): void {
  for (const key of Object.keys(patch)) if (!KNOWN_KEYS.has(key)) problems.add(key, 'is not a setting');
  if (patch.theme !== undefined && !THEMES.includes(patch.theme)) problems.add('theme', 'is not a theme');
  if (patch.per_page !== undefined && !isIntegerIn(patch.per_page, 1, 200)) problems.add('per_page', 'must be between 1 and 200');
  if (patch.comment_threshold !== undefined && !isIntegerIn(patch.comment_threshold, -100, 5)) {
    problems.add('comment_threshold', 'must be between -100 and 5');
  }
  if (patch.default_image_size !== undefined && !IMAGE_SIZES.includes(patch.default_image_size)) {
    problems.add('default_image_size', 'must be large or original');
  }
  for (const [key, max] of Object.entries(TEXT_LIMITS) as [keyof typeof TEXT_LIMITS, number][]) {
    const value = patch[key];
    if (value === undefined) continue;
    if (typeof value !== 'string') problems.add(key, 'must be a string');
    else if (value.length > max) problems.add(key, `is too long (maximum is ${max} characters)`);
  }
  if (typeof patch.favorite_tags === 'string' && patch.favorite_tags.split(/\s+/).filter(Boolean).length > MAX_FAVORITE_TAGS) {
    problems.add('favorite_tags', `can have at most ${MAX_FAVORITE_TAGS} tags`);
  }
  if (typeof patch.blacklisted_tags === 'string' && patch.blacklisted_tags.split('\n').filter((l) => l.trim()).length > MAX_BLACKLIST_RULES) {
    problems.add('blacklisted_tags', `can have at most ${MAX_BLACKLIST_RULES} rules`);
  }
  addFlagProblems(problems, patch.flags, level);
}

function addFlagProblems(problems: Problems, flags: PreferencesPatch['flags'], level: number): void {
  if (flags === undefined) return;
  if (flags === null || typeof flags !== 'object') {
    problems.add('flags', 'must be an object');
    return;
  }
  const known: ReadonlySet<string> = new Set(PREFERENCE_FLAGS);
  for (const [flag, value] of Object.entries(flags)) {
    if (!known.has(flag)) problems.add(flag, 'is not a setting');
    else if (typeof value !== 'boolean') problems.add(flag, 'must be true or false');
  }
  // Danbooru: private favorites are a Gold feature.
  if (flags.enable_private_favorites === true && level < Level.Gold) problems.add('enable_private_favorites', 'requires Gold');
}

/** The stored preferences document with `patch` applied; unknown stored keys are kept. */
export function mergePreferences(storedJson: string, patch: PreferencesPatch): string {
  const stored = parseObject(storedJson);
  const { flags, ...settings } = patch;
  const merged: Record<string, unknown> = { ...stored, ...settings };
  if (flags !== undefined) merged.flags = { ...asObject(stored.flags), ...flags };
  return JSON.stringify(merged);
}

const asObject = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

function parseObject(json: string): Record<string, unknown> {
  try {
    return asObject(JSON.parse(json));
  } catch {
    return {};
  }
}
