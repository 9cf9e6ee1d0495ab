import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from '../migrate.js';

/**
 * "Shortest names first" among the names starting with a prefix (Civitai's `query`): the index
 * is ordered by name length, then name, over live accounts only, so that one length at a time
 * is an index seek (`length = n and name_lower in [prefix, prefix + U+10FFFF)`) returning rows
 * already in order. PostgreSQL orders the name bytewise (`collate "C"`) so that the prefix
 * range and the order are the same on both engines.
 */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  const name = ctx.engine === 'postgres' ? sql`name_lower collate "C"` : sql`name_lower`;
  await sql`create index users_name_length_idx on users (length(name_lower), ${name}) where is_deleted = 0`.execute(db);
}
