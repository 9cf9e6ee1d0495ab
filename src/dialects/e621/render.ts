import { Level } from '../../core/access/levels.js';
import type { Viewer } from '../../core/access/viewer.js';
import type { PreferenceFlag } from '../../core/users/preferences.js';
import type { User } from '../../core/users/user.js';
import type { RailsRecord, RailsValue } from '../rails/record.js';
import { DEFAULT_TIME_ZONE, formatTimestamp, isKnownTimeZone } from '../rails/time-zone.js';
import { e621Level, e621LevelString, isUnactivated } from './levels.js';

/**
 * Core → e621ng user JSON (user.rb `method_attributes` / `full_attributes`, specs part B4): the
 * public fields for everyone, the show extras before them on show and `/users/me`, the settings
 * to the user alone, and `last_logged_in_at` to an admin looking at someone else. Never the IP.
 */

/** user.rb flags serialized for the user alone, in its order. */
export const SELF_FLAGS: readonly PreferenceFlag[] = [
  'blacklist_users',
  'description_collapsed_initially',
  'hide_comments',
  'show_hidden_comments',
  'show_post_statistics',
  'receive_email_notifications',
  'enable_keyboard_navigation',
  'enable_privacy_mode',
  'enable_auto_complete',
  'enable_safe_mode',
  'disable_responsive_mode',
  'no_flagging',
  'disable_user_dmails',
  'enable_compact_uploader',
  'replacements_beta',
  'forum_notification_dot',
];

/** e621's upload allowance, which Roster does not track: every account has the base one. */
const BASE_UPLOAD_LIMIT = 10;

/** The zone timestamps are written in: `?time_zone=`, else the viewer's setting, else Eastern (anonymous). */
export function e621TimeZone(viewer: Viewer, requested: unknown): string {
  if (typeof requested === 'string' && isKnownTimeZone(requested)) return requested;
  return viewer.user?.preferences.time_zone ?? DEFAULT_TIME_ZONE;
}

const time = (value: number | null, zone: string): string | null => (value === null ? null : formatTimestamp(value, zone));

function publicFields(user: User, zone: string): Record<string, RailsValue> {
  return {
    id: user.id,
    created_at: formatTimestamp(user.created_at, zone),
    name: user.name,
    level: e621Level(user, 'current'),
    base_upload_limit: BASE_UPLOAD_LIMIT,
    upload_karma: 0,
    upload_karma_free: false,
    post_upload_count: user.counters.post_upload_count,
    post_update_count: user.counters.post_update_count,
    note_update_count: user.counters.note_update_count,
    is_banned: user.ban !== null,
    can_approve_posts: user.preferences.flags.can_approve_posts || user.level >= Level.Approver,
    can_upload_free: user.preferences.flags.can_upload_free || user.level >= Level.Contributor,
    level_string: e621LevelString(user),
    avatar_id: user.avatar_id,
    is_verified: !isUnactivated(user),
    has_cropped_avatar: false,
  };
}

function showExtras(user: User): Record<string, RailsValue> {
  const c = user.counters;
  return {
    wiki_page_version_count: c.wiki_page_version_count,
    artist_version_count: c.artist_version_count,
    pool_version_count: c.pool_version_count,
    forum_post_count: c.forum_post_count,
    comment_count: c.comment_count,
    flag_count: c.flag_count,
    favorite_count: c.favorite_count,
    positive_feedback_count: c.positive_feedback_count,
    neutral_feedback_count: c.neutral_feedback_count,
    negative_feedback_count: c.negative_feedback_count,
    upload_slots: BASE_UPLOAD_LIMIT,
    profile_about: user.preferences.profile_about,
    profile_artinfo: user.preferences.profile_artinfo,
  };
}

function selfFields(user: User, zone: string): Record<string, RailsValue> {
  const p = user.preferences;
  const flags: Record<string, RailsValue> = {};
  for (const flag of SELF_FLAGS) flags[flag] = p.flags[flag];
  return Object.assign(flags, {
    updated_at: formatTimestamp(user.updated_at, zone),
    email: user.email ?? '',
    last_logged_in_at: time(user.last_logged_in_at, zone),
    last_forum_read_at: time(user.last_forum_read_at, zone),
    recent_tags: '',
    comment_threshold: p.comment_threshold,
    default_image_size: p.default_image_size,
    favorite_tags: p.favorite_tags,
    blacklisted_tags: p.blacklisted_tags,
    time_zone: p.time_zone,
    per_page: p.per_page,
    custom_style: p.custom_style,
    favorite_count: user.counters.favorite_count,
    api_regen_multiplier: 1,
    api_burst_limit: 60,
    remaining_api_limit: 60,
    statement_timeout: 3000,
    favorite_limit: 80_000,
    tag_query_limit: 40,
    has_mail: user.counters.unread_dmail_count > 0,
    unread_dmail_count: user.counters.unread_dmail_count,
  });
}

/** A user as `viewer` sees it; `full` for show and `/users/me`. */
export function renderE621User(user: User, viewer: Viewer, zone: string, full: boolean): RailsRecord {
  // The show extras come first: assigned onto them, the public fields follow in their order.
  const record = full ? Object.assign(showExtras(user), publicFields(user, zone)) : publicFields(user, zone);
  if (viewer.id === user.id) Object.assign(record, selfFields(user, zone));
  else if (viewer.level >= Level.Admin) record.last_logged_in_at = time(user.last_logged_in_at, zone);
  return record;
}

/** `/users/me.json` without credentials: the anonymous user (id null, level 0). */
export function renderE621Anonymous(now: number, zone: string): RailsRecord {
  return {
    id: null,
    created_at: formatTimestamp(now, zone),
    name: 'Anonymous',
    level: 0,
    base_upload_limit: BASE_UPLOAD_LIMIT,
    upload_karma: 0,
    upload_karma_free: false,
    post_upload_count: 0,
    post_update_count: 0,
    note_update_count: 0,
    is_banned: false,
    can_approve_posts: false,
    can_upload_free: false,
    level_string: 'Anonymous',
    avatar_id: null,
    is_verified: false,
    has_cropped_avatar: false,
  };
}
