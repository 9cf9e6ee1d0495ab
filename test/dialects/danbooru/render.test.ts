import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiKey } from '../../../src/core/auth/api-keys.js';
import type { NameChange } from '../../../src/core/users/name-changes.js';
import { DEFAULT_PREFERENCES } from '../../../src/core/users/preferences.js';
import type { User } from '../../../src/core/users/user.js';
import { ANONYMOUS, viewerFor } from '../../../src/core/access/viewer.js';
import { COUNTER_NAMES, type Counters } from '../../../src/db/schema.js';
import {
  activeBanOf,
  danbooruViewer,
  FOREVER_SECONDS,
  levelLimits,
  renderAnonymousUser,
  renderApiKey,
  renderBan,
  renderNameChange,
  renderUser,
  type DanbooruViewer,
} from '../../../src/dialects/danbooru/render.js';
import { BASE_KEYS, EXTRA_KEYS, FLAG_KEYS, LIMIT_KEYS } from './spec-fields.js';

const T = Date.parse('2024-05-01T16:00:00.123Z');
const EASTERN = 'Eastern Time (US & Canada)';

function makeUser(overrides: Partial<User> = {}): User {
  const counters = Object.fromEntries(COUNTER_NAMES.map((name, index) => [name, index + 1])) as Counters;
  return {
    id: 5,
    uuid: '00000000-0000-4000-8000-000000000005',
    name: 'alice',
    email: 'alice@example.com',
    email_verified: true,
    has_password: true,
    first_name: '',
    last_name: '',
    display_name: null,
    profile_image_url: null,
    avatar_id: null,
    avatar_nsfw: 'None',
    level: 20,
    inviter_id: 2,
    is_deleted: false,
    is_anonymous: false,
    restricted_by_admin: false,
    restricted_by_admin_reason: null,
    restricted_by_admin_private_details: null,
    preferences: { ...DEFAULT_PREFERENCES, time_zone: 'Tokyo', favorite_tags: 'touhou' },
    client_metadata: null,
    client_read_only_metadata: null,
    server_metadata: null,
    selected_team_id: null,
    country_code: null,
    risk_scores: null,
    created_at: T,
    updated_at: T + 1000,
    last_logged_in_at: null,
    last_active_at: null,
    last_forum_read_at: T,
    last_ip_addr: '10.0.0.1',
    counters,
    ban: null,
    mute: null,
    ...overrides,
  };
}

/** A core viewer of that id and level (anonymous for a null id), with that time zone setting. */
function viewer(id: number | null, level: number, timeZone = EASTERN): DanbooruViewer {
  if (id === null) return { ...danbooruViewer(ANONYMOUS), timeZone };
  const user = makeUser({ id, level, preferences: { ...DEFAULT_PREFERENCES, time_zone: timeZone } });
  return danbooruViewer(viewerFor(user, { kind: 'session', id: 1 }, null));
}

const selfColumns = (ip: boolean): string[] => [
  'id', 'created_at', 'updated_at', 'name', 'inviter_id', 'level', 'last_logged_in_at', 'last_forum_read_at',
  'post_upload_count', 'post_update_count', 'note_update_count', 'favorite_count', 'comment_threshold', 'default_image_size',
  'favorite_tags', 'blacklisted_tags', 'time_zone', 'per_page', 'custom_style', ...(ip ? ['last_ip_addr'] : []), 'theme', 'is_deleted',
];

test('who sees which keys, in Danbooru’s order', () => {
  const user = makeUser();
  const cases: readonly (readonly [string, DanbooruViewer, boolean, string[]])[] = [
    ['anonymous', viewer(null, 0), false, BASE_KEYS],
    ['another member', viewer(9, 20), false, BASE_KEYS],
    ['an admin gains only the IP', viewer(9, 50), false, [...BASE_KEYS.slice(0, 8), 'last_ip_addr', ...BASE_KEYS.slice(8)]],
    ['a moderator, on show', viewer(9, 40), true, [...BASE_KEYS.slice(0, 8), 'last_ip_addr', ...BASE_KEYS.slice(8), ...EXTRA_KEYS]],
    ['self', viewer(5, 20), false, [...selfColumns(false), 'level_string', 'is_banned', ...FLAG_KEYS, ...LIMIT_KEYS]],
    ['self on show', viewer(5, 20), true, [...selfColumns(false), 'level_string', 'is_banned', ...FLAG_KEYS, ...LIMIT_KEYS, ...EXTRA_KEYS]],
    ['self as moderator', viewer(5, 40), false, [...selfColumns(true), 'level_string', 'is_banned', ...FLAG_KEYS, ...LIMIT_KEYS]],
  ];
  for (const [label, who, extras, keys] of cases) assert.deepEqual(Object.keys(renderUser(user, who, { extras })), keys, label);
});

test('a user as another member sees it', () => {
  assert.deepEqual(renderUser(makeUser({ ban: { id: 1, reason: 'spam', actor_id: 3, created_at: T, expires_at: null } }), viewer(9, 20)), {
    id: 5,
    created_at: '2024-05-01T12:00:00.123-04:00',
    name: 'alice',
    inviter_id: 2,
    level: 20,
    post_upload_count: 1,
    post_update_count: 2,
    note_update_count: 3,
    is_deleted: false,
    level_string: 'Member',
    is_banned: true,
  });
});

test('a user as they see themselves, in their own zone', () => {
  const record = renderUser(makeUser(), viewer(5, 20, 'Tokyo'), { extras: true });
  assert.deepEqual(
    { ...record },
    {
      id: 5,
      created_at: '2024-05-02T01:00:00.123+09:00',
      updated_at: '2024-05-02T01:00:01.123+09:00',
      name: 'alice',
      inviter_id: 2,
      level: 20,
      last_logged_in_at: null,
      last_forum_read_at: '2024-05-02T01:00:00.123+09:00',
      post_upload_count: 1,
      post_update_count: 2,
      note_update_count: 3,
      favorite_count: 4,
      comment_threshold: -8,
      default_image_size: 'large',
      favorite_tags: 'touhou',
      blacklisted_tags: 'guro\nscat\nfurry -rating:g',
      time_zone: 'Tokyo',
      per_page: 20,
      custom_style: '',
      theme: 'auto',
      is_deleted: false,
      level_string: 'Member',
      is_banned: false,
      receive_email_notifications: true,
      new_post_navigation_layout: true,
      enable_private_favorites: false,
      show_deleted_children: false,
      disable_categorized_saved_searches: false,
      disable_tagged_filenames: false,
      disable_mobile_gestures: false,
      enable_safe_mode: false,
      enable_desktop_mode: false,
      disable_post_tooltips: false,
      requires_verification: false,
      is_verified: true,
      show_deleted_posts: false,
      statement_timeout: 3000,
      favorite_group_limit: 10,
      tag_query_limit: 2,
      max_saved_searches: 250,
      wiki_page_version_count: 7,
      artist_version_count: 8,
      artist_commentary_version_count: 9,
      pool_version_count: 10,
      forum_post_count: 6,
      comment_count: 5,
      favorite_group_count: 11,
      appeal_count: 12,
      flag_count: 13,
      positive_feedback_count: 14,
      neutral_feedback_count: 15,
      negative_feedback_count: 16,
    },
  );
  for (const hidden of ['bit_prefs', 'unread_dmail_count', 'upload_points', 'email']) assert.ok(!(hidden in record), hidden);
});

test('limits per level; infinite ones are null', () => {
  const cases: readonly (readonly [number, unknown])[] = [
    [0, { statement_timeout: 3000, favorite_group_limit: 10, tag_query_limit: 2, max_saved_searches: 250 }],
    [20, { statement_timeout: 3000, favorite_group_limit: 10, tag_query_limit: 2, max_saved_searches: 250 }],
    [30, { statement_timeout: 6000, favorite_group_limit: null, tag_query_limit: 6, max_saved_searches: 1000 }],
    [31, { statement_timeout: 9000, favorite_group_limit: null, tag_query_limit: null, max_saved_searches: 1000 }],
    [32, { statement_timeout: 9000, favorite_group_limit: null, tag_query_limit: null, max_saved_searches: null }],
    [60, { statement_timeout: 9000, favorite_group_limit: null, tag_query_limit: null, max_saved_searches: null }],
  ];
  for (const [level, expected] of cases) assert.deepEqual(levelLimits(level), expected, String(level));
});

test('the anonymous pseudo-user of /profile.json', () => {
  const anonymous = danbooruViewer(ANONYMOUS);
  assert.deepEqual(anonymous, { id: null, level: 0, timeZone: EASTERN, viewer: ANONYMOUS });
  assert.deepEqual(
    { ...renderAnonymousUser(anonymous, T) },
    {
      id: null,
      created_at: '2024-05-01T12:00:00.123-04:00',
      updated_at: null,
      name: 'Anonymous',
      inviter_id: null,
      level: 0,
      last_logged_in_at: '2024-05-01T12:00:00.123-04:00',
      last_forum_read_at: '1960-01-01T00:00:00.000-05:00',
      post_upload_count: 0,
      post_update_count: 0,
      note_update_count: 0,
      favorite_count: 0,
      comment_threshold: -8,
      default_image_size: 'large',
      favorite_tags: null,
      blacklisted_tags: 'guro\nscat\nfurry -rating:g',
      time_zone: EASTERN,
      per_page: 20,
      custom_style: null,
      theme: 'auto',
      is_deleted: false,
      level_string: null,
      is_banned: false,
      ...Object.fromEntries(FLAG_KEYS.map((flag) => [flag, flag === 'new_post_navigation_layout'])),
      statement_timeout: 3000,
      favorite_group_limit: 10,
      tag_query_limit: 2,
      max_saved_searches: 250,
      ...Object.fromEntries(EXTRA_KEYS.map((key) => [key, 0])),
    },
  );
});

test('bans, name changes and API keys', () => {
  const who = viewer(1, 40);
  const ban = { id: 3, user_id: 5, reason: 'spam', actor_id: 1, created_at: T, updated_at: T + 5, expires_at: T + 86_400_000 };
  assert.deepEqual(renderBan(ban, who), {
    id: 3,
    user_id: 5,
    reason: 'spam',
    banner_id: 1,
    duration: 86_400,
    created_at: '2024-05-01T12:00:00.123-04:00',
    updated_at: '2024-05-01T12:00:00.128-04:00',
  });
  assert.equal(renderBan({ ...ban, expires_at: null }, who).duration, FOREVER_SECONDS);
  assert.equal(FOREVER_SECONDS, 3_155_695_200);
  assert.deepEqual(activeBanOf(makeUser({ ban: { id: 3, reason: 'spam', actor_id: 1, created_at: T, expires_at: null } })), {
    id: 3,
    user_id: 5,
    reason: 'spam',
    actor_id: 1,
    created_at: T,
    updated_at: T,
    expires_at: null,
  });
  assert.equal(activeBanOf(makeUser()), null);
  const change: NameChange = { id: 4, user_id: 5, old_name: 'bob', new_name: 'alice', actor_id: 5, created_at: T, updated_at: T };
  assert.deepEqual(renderNameChange(change, viewer(5, 20, 'UTC')), {
    id: 4,
    user_id: 5,
    original_name: 'bob',
    desired_name: 'alice',
    created_at: '2024-05-01T16:00:00.123Z',
    updated_at: '2024-05-01T16:00:00.123Z',
  });
  const apiKey: ApiKey = {
    id: 8,
    user_id: 5,
    name: 'bot',
    token_hint: 'abcd',
    scopes: ['users:index'],
    permitted_ips: ['1.2.3.0/24'],
    expires_at: null,
    created_at: T,
    updated_at: T,
    last_used_at: null,
    last_ip: null,
    uses: 2,
    revoked_at: null,
  };
  const rendered = renderApiKey(apiKey, viewer(5, 20, 'UTC'));
  assert.deepEqual(Object.keys(rendered), ['id', 'user_id', 'created_at', 'updated_at', 'name', 'permissions', 'permitted_ip_addresses', 'uses', 'last_used_at', 'last_ip_address']);
  assert.deepEqual(rendered.permissions, ['users:index']);
  assert.equal(rendered.last_used_at, null);
  assert.deepEqual(Object.keys(renderApiKey(apiKey, viewer(5, 20), 'secret')).slice(0, 3), ['id', 'user_id', 'key']);
});
