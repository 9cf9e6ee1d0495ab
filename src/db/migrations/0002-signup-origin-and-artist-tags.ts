import type { Kysely } from 'kysely';

/**
 * e621's legacy users API (seeds/e621-legacy-users-api.txt) needs two facts the initial schema
 * lacks: whether an account signed itself up (e621's level 0, Unactivated, is a self-service
 * account whose email is not verified yet; accounts made by an admin or the CLI are activated)
 * and the user's `artist_tags`, a list the host site writes through the native API.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('self_signed_up', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // A JSON array of strings.
  await db.schema
    .alterTable('users')
    .addColumn('artist_tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
}
