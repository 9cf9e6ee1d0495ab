/**
 * Per-user settings and flags, the union of Danbooru's and e621's. Stored as one JSON document;
 * none of them is searchable. Unknown keys in storage are ignored on read.
 */
export interface Preferences {
  readonly theme: 'auto' | 'light' | 'dark';
  readonly time_zone: string;
  readonly per_page: number;
  readonly comment_threshold: number;
  readonly default_image_size: 'large' | 'original';
  readonly favorite_tags: string;
  readonly blacklisted_tags: string;
  readonly custom_style: string;
  readonly profile_about: string;
  readonly profile_artinfo: string;
  readonly flags: Readonly<Record<PreferenceFlag, boolean>>;
}

/** Boolean settings and status flags (Danbooru's bit_prefs and e621's flags). */
export const PREFERENCE_FLAGS = [
  // Danbooru settings
  'receive_email_notifications',
  'always_resize_images',
  'enable_post_navigation',
  'new_post_navigation_layout',
  'enable_private_favorites',
  'enable_sequential_post_navigation',
  'style_usernames',
  'enable_auto_complete',
  'show_deleted_children',
  'disable_categorized_saved_searches',
  'disable_tagged_filenames',
  'disable_cropped_thumbnails',
  'disable_mobile_gestures',
  'enable_safe_mode',
  'enable_desktop_mode',
  'disable_post_tooltips',
  'show_deleted_posts',
  // status flags
  'requires_verification',
  // e621 settings and permissions
  'blacklist_users',
  'description_collapsed_initially',
  'hide_comments',
  'show_hidden_comments',
  'show_post_statistics',
  'enable_keyboard_navigation',
  'enable_privacy_mode',
  'disable_responsive_mode',
  'no_flagging',
  'disable_user_dmails',
  'enable_compact_uploader',
  'replacements_beta',
  'forum_notification_dot',
  'can_approve_posts',
  'can_upload_free',
] as const;
export type PreferenceFlag = (typeof PREFERENCE_FLAGS)[number];

const FLAGS_ON_BY_DEFAULT: ReadonlySet<PreferenceFlag> = new Set([
  'receive_email_notifications',
  'new_post_navigation_layout',
  'enable_auto_complete',
  'always_resize_images',
  'enable_post_navigation',
  'style_usernames',
]);

export const DEFAULT_PREFERENCES: Preferences = Object.freeze({
  theme: 'auto',
  time_zone: 'Eastern Time (US & Canada)',
  per_page: 20,
  comment_threshold: -8,
  default_image_size: 'large',
  favorite_tags: '',
  blacklisted_tags: 'guro\nscat\nfurry -rating:g',
  custom_style: '',
  profile_about: '',
  profile_artinfo: '',
  flags: Object.freeze(Object.fromEntries(PREFERENCE_FLAGS.map((flag) => [flag, FLAGS_ON_BY_DEFAULT.has(flag)])) as Record<PreferenceFlag, boolean>),
});

/** Distinct settings documents remembered, parsed; past this the memory starts over. */
const PARSED_LIMIT = 1000;
const parsed = new Map<string, Preferences>();

/**
 * Reads stored preferences over the defaults, keeping only known keys of the right type.
 * Untouched settings (`{}`) are the defaults themselves; any other document is parsed once and
 * shared (the result is frozen), so a page of users does not rebuild the same 33 flags per row.
 */
export function parsePreferences(json: string): Preferences {
  if (json === '{}') return DEFAULT_PREFERENCES;
  let preferences = parsed.get(json);
  if (preferences === undefined) {
    preferences = readPreferences(json);
    if (parsed.size >= PARSED_LIMIT) parsed.clear();
    parsed.set(json, preferences);
  }
  return preferences;
}

function readPreferences(json: string): Preferences {
  let stored: Record<string, unknown> = {};
  try {
    const value: unknown = JSON.parse(json);
    if (value && typeof value === 'object' && !Array.isArray(value)) stored = value as Record<string, unknown>;
  } catch {
    // Stored by us; an unreadable document falls back to the defaults rather than failing reads.
  }
  const pick = <K extends keyof Preferences>(key: K): Preferences[K] =>
    typeof stored[key] === typeof DEFAULT_PREFERENCES[key] ? (stored[key] as Preferences[K]) : DEFAULT_PREFERENCES[key];
  const storedFlags = (stored.flags && typeof stored.flags === 'object' ? stored.flags : {}) as Record<string, unknown>;
  const flags = Object.fromEntries(
    PREFERENCE_FLAGS.map((flag) => [flag, typeof storedFlags[flag] === 'boolean' ? storedFlags[flag] : DEFAULT_PREFERENCES.flags[flag]]),
  ) as Record<PreferenceFlag, boolean>;
  return Object.freeze({
    theme: pick('theme'),
    time_zone: pick('time_zone'),
    per_page: pick('per_page'),
    comment_threshold: pick('comment_threshold'),
    default_image_size: pick('default_image_size'),
    favorite_tags: pick('favorite_tags'),
    blacklisted_tags: pick('blacklisted_tags'),
    custom_style: pick('custom_style'),
    profile_about: pick('profile_about'),
    profile_artinfo: pick('profile_artinfo'),
    flags: Object.freeze(flags),
  });
}
