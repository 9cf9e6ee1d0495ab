import type { Counters, User } from '../../core/users/user.js';
import type { RailsRecord } from '../rails/record.js';
import { formatTimestamp } from '../rails/time-zone.js';
import { e621Level, UNACTIVATED } from './levels.js';

/**
 * A user in the shape of seeds/e621-legacy-users-api.txt: `name, id, level, created_at,
 * avatar_id, stats{…}, artist_tags`, every value read from the core. The legacy stats are the
 * core counters under their old names (specs part B4, "Legacy stats → current fields").
 */
export const LEGACY_STATS = [
  ['post_count', 'post_upload_count'],
  ['del_post_count', 'post_deleted_count'],
  ['edit_count', 'post_update_count'],
  ['favorite_count', 'favorite_count'],
  ['wiki_count', 'wiki_page_version_count'],
  ['forum_post_count', 'forum_post_count'],
  ['note_count', 'note_update_count'],
  ['comment_count', 'comment_count'],
  ['blip_count', 'blip_count'],
  ['set_count', 'set_count'],
  ['pool_update_count', 'pool_version_count'],
  ['pos_user_records', 'positive_feedback_count'],
  ['neutral_user_records', 'neutral_feedback_count'],
  ['neg_user_records', 'negative_feedback_count'],
] as const;

function statsOf(counters: Readonly<Counters>): Record<string, number> {
  const stats: Record<string, number> = {};
  for (const [legacy, counter] of LEGACY_STATS) stats[legacy] = counters[counter];
  return stats;
}

export function renderLegacyUser(user: User, timeZone: string): RailsRecord {
  return {
    name: user.name,
    id: user.id,
    level: e621Level(user, 'legacy'),
    created_at: formatTimestamp(user.created_at, timeZone),
    avatar_id: user.avatar_id,
    stats: statsOf(user.counters),
    // Frozen with the user: shared, not copied.
    artist_tags: user.artist_tags,
  };
}

/** Who-am-I without credentials: e621's anonymous user (id null, level 0, nothing counted). */
export function renderLegacyAnonymous(now: number, timeZone: string): RailsRecord {
  return {
    name: 'Anonymous',
    id: null,
    level: UNACTIVATED,
    created_at: formatTimestamp(now, timeZone),
    avatar_id: null,
    stats: Object.fromEntries(LEGACY_STATS.map(([legacy]) => [legacy, 0])),
    artist_tags: [],
  };
}
