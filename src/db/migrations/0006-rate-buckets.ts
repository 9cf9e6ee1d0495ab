import type { Kysely } from 'kysely';
import type { MigrationContext } from '../migrate.js';

/**
 * Token buckets shared by every instance on one database (Danbooru keeps its rate limits in its
 * database too): one row per action and key, written only by one UPSERT per charge.
 */
export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  await db.schema
    .createTable('rate_buckets')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('points', 'double precision', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    // When the bucket will be full again: rows past it read as full and are swept away.
    .addColumn('full_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rate_buckets_full_at_idx').on('rate_buckets').column('full_at').execute();
}
