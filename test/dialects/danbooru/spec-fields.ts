/**
 * The field groups of part A1 (specs/danbooru-e621.md), in Danbooru's key order: the oracle
 * the dialect's tests compare against, written once.
 */
export const BASE_KEYS = [
  'id',
  'created_at',
  'name',
  'inviter_id',
  'level',
  'post_upload_count',
  'post_update_count',
  'note_update_count',
  'is_deleted',
  'level_string',
  'is_banned',
];
export const FLAG_KEYS = [
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
export const LIMIT_KEYS = ['statement_timeout', 'favorite_group_limit', 'tag_query_limit', 'max_saved_searches'];
export const EXTRA_KEYS = [
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
];
