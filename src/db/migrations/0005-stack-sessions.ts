import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { MigrationContext } from '../migrate.js';

/**
 * Stack Auth sessions and images: a session may belong to a Stack project (its token is then a
 * Stack refresh token, usable only there), each project signs its access tokens with its own
 * key, and profile images uploaded as `data:` URLs are kept by Roster.
 */
export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('stack_project_id', 'text').execute();
  await db.schema.alterTable('stack_projects').addColumn('access_token_key', 'text').execute();
  // Projects created before this migration get their signing key now.
  const projects = (await db
    .selectFrom('stack_projects' as never)
    .select('id' as never)
    .execute()) as { id: string }[];
  for (const project of projects) {
    await db
      .updateTable('stack_projects' as never)
      .set({ access_token_key: randomBytes(32).toString('base64url') } as never)
      .where('id' as never, '=', project.id as never)
      .execute();
  }
  await db.schema
    .createTable('stack_images')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('content_type', 'text', (c) => c.notNull())
    /** The image bytes, base64: one column type on both engines. */
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}
