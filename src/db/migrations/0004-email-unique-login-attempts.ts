import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from '../migrate.js';

/**
 * 1. Email addresses become unique ignoring case (`users.email_lower`), as sign-in by email and
 *    the Stack Auth dialect (USER_EMAIL_ALREADY_EXISTS) need.
 *
 *    EXISTING DUPLICATES: for each address held by more than one account, the address stays on
 *    one account — a live one before a deleted one, a verified one before an unverified one,
 *    then the oldest (lowest id) — and is removed (email, email_lower and email_verified
 *    cleared) from every other account. Nothing else about those accounts changes; they can
 *    still sign in by name. Each removal is written to the audit log (action
 *    `user.email_deduplicated`, the address and the id of the account that kept it in
 *    `details`), so an admin can find the accounts and contact their owners.
 *
 * 2. `login_attempts`: every sign-in attempt, successful or not, for admins to read.
 */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  await removeDuplicateEmails(db as unknown as Kysely<Tables>);
  await db.schema.dropIndex('users_email_lower_idx').execute();
  await db.schema.createIndex('users_email_lower_unique_idx').on('users').column('email_lower').unique().execute();

  const id =
    ctx.engine === 'sqlite'
      ? db.schema.createTable('login_attempts').addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      : db.schema.createTable('login_attempts').addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity());
  await id
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    // No foreign key: the record outlives what it names, and a deleted account stays an id.
    .addColumn('user_id', 'integer')
    .addColumn('login', 'text', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('success', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('login_attempts_created_idx').on('login_attempts').column('created_at').execute();
  await db.schema.createIndex('login_attempts_user_idx').on('login_attempts').columns(['user_id', 'id']).execute();
  await db.schema.createIndex('login_attempts_ip_idx').on('login_attempts').columns(['ip', 'id']).execute();
}

/** The columns this migration touches, as they are at this point of the schema's history. */
interface Tables {
  users: { id: number; email: string | null; email_lower: string | null; email_verified: number };
  audit_log: {
    actor_id: number | null;
    action: string;
    subject_type: string;
    subject_id: number | null;
    target_user_id: number | null;
    details: string;
    ip: string | null;
    created_at: number;
  };
}

async function removeDuplicateEmails(db: Kysely<Tables>): Promise<void> {
  const { rows } = await sql<{ id: number; email: string | null; kept_by: number }>`
    select id, email, kept_by from (
      select id, email,
        first_value(id) over (partition by email_lower order by is_deleted, email_verified desc, id) as kept_by,
        row_number() over (partition by email_lower order by is_deleted, email_verified desc, id) as rank
      from users where email_lower is not null
    ) ranked where rank > 1`.execute(db);
  const now = Date.now();
  for (let start = 0; start < rows.length; start += 500) {
    const chunk = rows.slice(start, start + 500);
    await db
      .insertInto('audit_log')
      .values(
        chunk.map((row) => ({
          actor_id: null,
          action: 'user.email_deduplicated',
          subject_type: 'user',
          subject_id: Number(row.id),
          target_user_id: Number(row.id),
          details: JSON.stringify({ email: row.email, kept_by_user_id: Number(row.kept_by) }),
          ip: null,
          created_at: now,
        })),
      )
      .execute();
    await db
      .updateTable('users')
      .set({ email: null, email_lower: null, email_verified: 0 })
      .where(
        'id',
        'in',
        chunk.map((row) => Number(row.id)),
      )
      .execute();
  }
}
