import { DEFAULT_PREFERENCES, type PreferenceFlag } from '../../core/users/preferences.js';
import type { User } from '../../core/users/user.js';
import { instantOf, resolveTimeZone } from '../rails/time-zone.js';

/** The flags Danbooru shows: its settings, plus `is_verified` (Roster: the email is verified). */
export type SettingFlag = PreferenceFlag | 'is_verified';

/** Every value a Danbooru user record can show, before the viewer's cut (render.ts). */
export interface Profile {
  readonly id: number | null;
  readonly created_at: number;
  readonly updated_at: number | null;
  readonly name: string;
  readonly inviter_id: number | null;
  readonly level: number;
  readonly last_logged_in_at: number | null;
  readonly last_forum_read_at: number | null;
  readonly post_upload_count: number;
  readonly post_update_count: number;
  readonly note_update_count: number;
  readonly favorite_count: number;
  readonly comment_threshold: number;
  readonly default_image_size: string;
  readonly favorite_tags: string | null;
  readonly blacklisted_tags: string;
  readonly time_zone: string;
  readonly per_page: number;
  readonly custom_style: string | null;
  readonly last_ip_addr: string | null;
  readonly theme: string;
  readonly is_deleted: boolean;
  readonly is_banned: boolean;
  /** The settings' flags; absent flags are off. */
  readonly flags: Readonly<Partial<Record<PreferenceFlag, boolean>>>;
  readonly is_verified: boolean;
  /** Absent counts are 0. */
  readonly extras: Readonly<Record<string, number | null>>;
}

export function profileOf(user: User): Profile {
  const { preferences: prefs, counters } = user;
  return {
    id: user.id,
    created_at: user.created_at,
    updated_at: user.updated_at,
    name: user.name,
    inviter_id: user.inviter_id,
    level: user.level,
    last_logged_in_at: user.last_logged_in_at,
    last_forum_read_at: user.last_forum_read_at,
    post_upload_count: counters.post_upload_count,
    post_update_count: counters.post_update_count,
    note_update_count: counters.note_update_count,
    favorite_count: counters.favorite_count,
    comment_threshold: prefs.comment_threshold,
    default_image_size: prefs.default_image_size,
    favorite_tags: prefs.favorite_tags,
    blacklisted_tags: prefs.blacklisted_tags,
    time_zone: prefs.time_zone,
    per_page: prefs.per_page,
    custom_style: prefs.custom_style,
    last_ip_addr: user.last_ip_addr,
    theme: prefs.theme,
    is_deleted: user.is_deleted,
    is_banned: user.ban !== null,
    flags: prefs.flags,
    is_verified: user.email_verified,
    extras: counters,
  };
}

/**
 * user.rb `User.anonymous`: a new, unsaved user, so column defaults apply: `created_at` and
 * `last_logged_in_at` now, `last_forum_read_at` 1960-01-01 in the zone, no tags or style, every
 * flag off but `new_post_navigation_layout`.
 */
export function anonymousProfile(now: number, timeZone: string): Profile {
  const epoch = instantOf({ year: 1960, month: 1, day: 1, hour: 0, minute: 0, second: 0, millisecond: 0 }, resolveTimeZone(timeZone));
  return {
    id: null,
    created_at: now,
    updated_at: null,
    name: 'Anonymous',
    inviter_id: null,
    level: 0,
    last_logged_in_at: now,
    last_forum_read_at: epoch,
    post_upload_count: 0,
    post_update_count: 0,
    note_update_count: 0,
    favorite_count: 0,
    comment_threshold: DEFAULT_PREFERENCES.comment_threshold,
    default_image_size: DEFAULT_PREFERENCES.default_image_size,
    favorite_tags: null,
    blacklisted_tags: DEFAULT_PREFERENCES.blacklisted_tags,
    time_zone: DEFAULT_PREFERENCES.time_zone,
    per_page: DEFAULT_PREFERENCES.per_page,
    custom_style: null,
    last_ip_addr: null,
    theme: DEFAULT_PREFERENCES.theme,
    is_deleted: false,
    is_banned: false,
    flags: { new_post_navigation_layout: true },
    is_verified: false,
    // A new record has no activity: every count reads 0.
    extras: {},
  };
}
