import type { ApiKey } from '../../core/auth/api-keys.js';
import { Level } from '../../core/access/levels.js';
import type { NameChange } from '../../core/users/name-changes.js';
import type { User } from '../../core/users/user.js';
import type { Viewer } from '../../core/access/viewer.js';
import type { RailsRecord, RailsValue } from '../rails/record.js';
import { fieldReader } from '../../core/access/visibility.js';
import { levelString } from './levels.js';
import { anonymousProfile, profileOf, type Profile, type SettingFlag } from './profile.js';
import { DEFAULT_TIME_ZONE, formatTimestamp } from '../rails/time-zone.js';

/**
 * Core → Danbooru JSON records (user_policy.rb `api_attributes`, application_record.rb
 * `serializable_hash`). Records are Rails records (../rails/record.ts) in Danbooru's key order.
 */

/** Who is looking: their id (null for anonymous), level and `time_zone` setting, and the core viewer. */
export interface DanbooruViewer {
  readonly id: number | null;
  readonly level: number;
  readonly timeZone: string;
  /** Whom the core's read rules are asked about. */
  readonly viewer: Viewer;
}

export function danbooruViewer(viewer: Viewer): DanbooruViewer {
  return { id: viewer.id, level: viewer.level, timeZone: viewer.user?.preferences.time_zone ?? DEFAULT_TIME_ZONE, viewer };
}

type Group = 'base' | 'self' | 'ip';

/**
 * The core read rule (core/access/visibility.ts) each group follows: Danbooru's self group is
 * the user's private settings, its ip group the last address. The core decides who reads them.
 */
const GROUP_RULES: Readonly<Record<Exclude<Group, 'base'>, string>> = { self: 'preferences', ip: 'last_ip_addr' };

/** The users columns Danbooru serializes, in its database order (db/structure.sql), with who sees each. */
export const USER_COLUMNS: readonly (readonly [keyof Profile & string, Group])[] = [
  ['id', 'base'],
  ['created_at', 'base'],
  ['updated_at', 'self'],
  ['name', 'base'],
  ['inviter_id', 'base'],
  ['level', 'base'],
  ['last_logged_in_at', 'self'],
  ['last_forum_read_at', 'self'],
  ['post_upload_count', 'base'],
  ['post_update_count', 'base'],
  ['note_update_count', 'base'],
  ['favorite_count', 'self'],
  ['comment_threshold', 'self'],
  ['default_image_size', 'self'],
  ['favorite_tags', 'self'],
  ['blacklisted_tags', 'self'],
  ['time_zone', 'self'],
  ['per_page', 'self'],
  ['custom_style', 'self'],
  ['last_ip_addr', 'ip'],
  ['theme', 'self'],
  ['is_deleted', 'base'],
];

/** user.rb ACTIVE_BOOLEAN_ATTRIBUTES after `is_banned`, in bit order. */
export const USER_FLAG_KEYS: readonly SettingFlag[] = [
  'receive_email_notifications',
  'new_post_navigation_layout',
  'enable_private_favorites',
  'show_deleted_children',
  'disable_categorized_saved_searches',
  'disable_tagged_filenames',
  'disable_mobile_gestures',
  'enable_safe_mode',
  'enable_desktop_mode',
  'disable_post_tooltips',
  'requires_verification',
  'is_verified',
  'show_deleted_posts',
];

export const USER_LIMIT_KEYS = ['statement_timeout', 'favorite_group_limit', 'tag_query_limit', 'max_saved_searches'] as const;

/** The non-column values (`methods`), in the order Danbooru adds them; `only=` may select these. */
export const USER_METHOD_KEYS: readonly string[] = ['level_string', 'is_banned', ...USER_FLAG_KEYS, ...USER_LIMIT_KEYS];

/** users_controller.rb `full_attributes`: show and profile only. */
export const SHOW_EXTRA_KEYS = [
  'wiki_page_version_count',
  'artist_version_count',
  'artist_commentary_version_count',
  'pool_version_count',
  'forum_post_count',
  'comment_count',
  'favorite_group_count',
  'appeal_count',
  'flag_count',
  'positive_feedback_count',
  'neutral_feedback_count',
  'negative_feedback_count',
] as const;

/** Per-level limits (user.rb); null where Danbooru's is infinite. */
export function levelLimits(level: number): Readonly<Record<(typeof USER_LIMIT_KEYS)[number], number | null>> {
  return {
    statement_timeout: level >= Level.Platinum ? 9000 : level === Level.Gold ? 6000 : 3000,
    favorite_group_limit: level >= Level.Gold ? null : 10,
    tag_query_limit: level >= Level.Platinum ? null : level === Level.Gold ? 6 : 2,
    max_saved_searches: level >= Level.Builder ? null : level >= Level.Gold ? 1000 : 250,
  };
}

export interface RenderUserOptions {
  /** Show and profile: add the show extras. */
  readonly extras?: boolean;
}

const TIMESTAMP_KEYS: ReadonlySet<string> = new Set(['created_at', 'updated_at', 'last_logged_in_at', 'last_forum_read_at']);

const timestamp = (value: number | null, viewer: DanbooruViewer): string | null => (value === null ? null : formatTimestamp(value, viewer.timeZone));

interface Column {
  readonly key: keyof Profile & string;
  readonly isTimestamp: boolean;
}

/** The columns shown for each pair of groups besides the base (index: self 1 + ip 2), decided once. */
const COLUMN_SETS: readonly (readonly Column[])[] = [0, 1, 2, 3].map((groups) =>
  USER_COLUMNS.filter(([, group]) => group === 'base' || (group === 'self' ? groups & 1 : groups & 2)).map(([key]) => ({
    key,
    isTimestamp: TIMESTAMP_KEYS.has(key),
  })),
);

function renderProfile(profile: Profile, viewer: DanbooruViewer, extras: boolean, self: boolean, ip: boolean): RailsRecord {
  const record: Record<string, RailsValue> = {};
  for (const { key, isTimestamp } of COLUMN_SETS[(self ? 1 : 0) + (ip ? 2 : 0)]!) {
    const value = profile[key];
    record[key] = isTimestamp ? timestamp(value as number | null, viewer) : (value as RailsValue);
  }
  record.level_string = levelString(profile.level);
  record.is_banned = profile.is_banned;
  if (self) {
    for (const flag of USER_FLAG_KEYS) record[flag] = flag === 'is_verified' ? profile.is_verified : (profile.flags[flag] ?? false);
    Object.assign(record, levelLimits(profile.level));
  }
  if (extras) for (const key of SHOW_EXTRA_KEYS) record[key] = profile.extras[key] ?? 0;
  return record;
}

/**
 * Users as `viewer` sees them: the base fields for everyone, the settings to the user alone
 * (admins get no more), `last_ip_addr` from Moderator up, the show extras only when asked.
 * Never `bit_prefs`, `unread_dmail_count`, `upload_points` or the email. What depends on the
 * viewer alone is decided once, for a whole page.
 */
export function userRenderer(viewer: DanbooruViewer, options: RenderUserOptions = {}): (user: User) => RailsRecord {
  const readsSelf = fieldReader(viewer.viewer, 'users', GROUP_RULES.self);
  const readsIp = fieldReader(viewer.viewer, 'users', GROUP_RULES.ip);
  const extras = options.extras === true;
  return (user) => renderProfile(profileOf(user), viewer, extras, readsSelf(user.id), readsIp(user.id));
}

/** One user as `viewer` sees it (see {@link userRenderer}). */
export const renderUser = (user: User, viewer: DanbooruViewer, options: RenderUserOptions = {}): RailsRecord => userRenderer(viewer, options)(user);

/** `GET /profile.json` for anonymous: `User.anonymous`, which sees itself as "self". */
export function renderAnonymousUser(viewer: DanbooruViewer, now: number, options: RenderUserOptions = { extras: true }): RailsRecord {
  // `nil == nil`: the anonymous viewer is "self" to the anonymous pseudo-user, which has no address.
  return renderProfile(anonymousProfile(now, viewer.timeZone), viewer, options.extras === true, true, false);
}

/** A ban as Roster keeps it; a Danbooru ban has a duration instead of an expiry. */
export interface DanbooruBan {
  readonly id: number;
  readonly user_id: number;
  readonly reason: string;
  readonly actor_id: number | null;
  readonly created_at: number;
  readonly updated_at: number;
  /** Null when permanent. */
  readonly expires_at: number | null;
}

/** Danbooru's "forever" is 100 years of 365.2425 days. */
export const FOREVER_SECONDS = 100 * 31_556_952;

export function renderBan(ban: DanbooruBan, viewer: DanbooruViewer): RailsRecord {
  return {
    id: ban.id,
    user_id: ban.user_id,
    reason: ban.reason,
    banner_id: ban.actor_id,
    duration: ban.expires_at === null ? FOREVER_SECONDS : Math.round((ban.expires_at - ban.created_at) / 1000),
    created_at: formatTimestamp(ban.created_at, viewer.timeZone),
    updated_at: formatTimestamp(ban.updated_at, viewer.timeZone),
  };
}

/** The ban in force on a loaded user, for callers that have no other ban rows. */
export function activeBanOf(user: User): DanbooruBan | null {
  const ban = user.ban;
  return ban === null ? null : { ...ban, user_id: user.id, updated_at: ban.created_at };
}

/** A user_name_change_request (A11). */
export function renderNameChange(change: NameChange, viewer: DanbooruViewer): RailsRecord {
  return {
    id: change.id,
    user_id: change.user_id,
    original_name: change.old_name,
    desired_name: change.new_name,
    created_at: formatTimestamp(change.created_at, viewer.timeZone),
    updated_at: formatTimestamp(change.updated_at, viewer.timeZone),
  };
}

/** An API key, in Danbooru's column order; `key` (the secret) only in the answer that creates it. */
export function renderApiKey(apiKey: ApiKey, viewer: DanbooruViewer, secret?: string): RailsRecord {
  return {
    id: apiKey.id,
    user_id: apiKey.user_id,
    ...(secret === undefined ? {} : { key: secret }),
    created_at: formatTimestamp(apiKey.created_at, viewer.timeZone),
    updated_at: formatTimestamp(apiKey.updated_at, viewer.timeZone),
    name: apiKey.name,
    permissions: [...apiKey.scopes],
    permitted_ip_addresses: [...apiKey.permitted_ips],
    uses: apiKey.uses,
    last_used_at: timestamp(apiKey.last_used_at, viewer),
    last_ip_address: apiKey.last_ip,
  };
}
