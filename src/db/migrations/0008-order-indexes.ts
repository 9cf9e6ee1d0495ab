import type { Kysely } from 'kysely';
import type { MigrationContext } from '../migrate.js';

/** The users columns with an index of their own (0001) that a search may order by. */
export const ORDERED_USER_COLUMNS = [
  'level',
  'created_at',
  'inviter_id',
  'post_upload_count',
  'post_update_count',
  'note_update_count',
  'favorite_count',
] as const;

/**
 * Every search order ends with the unique `id` (query/sort.ts). A SQLite index already orders
 * equal keys by rowid, which is `id`, so a page ordered by `created_at desc, id desc` walks the
 * index with nothing to sort; a PostgreSQL B-tree orders them by their place in the heap, so it
 * had to sort each run of equal keys (an incremental sort). On PostgreSQL each of these indexes
 * becomes `(column, id)`, which serves everything the old one did; SQLite needs nothing.
 */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  if (ctx.engine !== 'postgres') return;
  for (const column of ORDERED_USER_COLUMNS) {
    await db.schema.createIndex(`users_${column}_id_idx`).on('users').columns([column, 'id']).execute();
    await db.schema.dropIndex(`users_${column}_idx`).execute();
  }
}
