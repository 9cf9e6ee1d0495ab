import { sql, type ColumnDefinitionBuilder, type CreateTableBuilder, type Kysely } from 'kysely';
import { COUNTER_NAMES } from '../schema.js';
import type { MigrationContext } from '../migrate.js';

type Table = CreateTableBuilder<string, never>;

/** The initial schema: users and everything hanging off them. */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  const id = (t: Table): Table =>
    ctx.engine === 'sqlite'
      ? t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      : t.addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity());
  const ms = 'bigint' as const;
  const flag = (c: ColumnDefinitionBuilder) => c.notNull().defaultTo(0);

  let users = id(db.schema.createTable('users'))
    .addColumn('uuid', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_lower', 'text', (c) => c.notNull().unique())
    .addColumn('email', 'text')
    .addColumn('email_lower', 'text')
    .addColumn('email_verified', 'integer', flag)
    .addColumn('password_hash', 'text')
    .addColumn('first_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('last_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('display_name', 'text')
    .addColumn('profile_image_url', 'text')
    .addColumn('avatar_id', 'integer')
    .addColumn('avatar_nsfw', 'text', (c) => c.notNull().defaultTo('None'))
    .addColumn('level', 'integer', (c) => c.notNull())
    .addColumn('inviter_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('is_deleted', 'integer', flag)
    .addColumn('is_anonymous', 'integer', flag)
    .addColumn('restricted_by_admin', 'integer', flag)
    .addColumn('restricted_by_admin_reason', 'text')
    .addColumn('restricted_by_admin_private_details', 'text')
    .addColumn('preferences', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('client_metadata', 'text')
    .addColumn('client_read_only_metadata', 'text')
    .addColumn('server_metadata', 'text')
    .addColumn('selected_team_id', 'integer')
    .addColumn('country_code', 'text')
    .addColumn('risk_scores', 'text')
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addColumn('last_logged_in_at', ms)
    .addColumn('last_active_at', ms)
    .addColumn('last_forum_read_at', ms)
    .addColumn('last_ip_addr', 'text');
  for (const counter of COUNTER_NAMES) users = users.addColumn(counter, 'integer', flag);
  await users.execute();

  // name_lower is unique (also serving prefix ranges); these back the other declared sorts and filters.
  for (const column of ['level', 'created_at', 'inviter_id', 'email_lower', 'post_upload_count', 'post_update_count', 'note_update_count', 'favorite_count']) {
    await db.schema.createIndex(`users_${column}_idx`).on('users').column(column).execute();
  }

  await id(db.schema.createTable('name_changes'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('old_name', 'text', (c) => c.notNull())
    .addColumn('old_name_lower', 'text', (c) => c.notNull())
    .addColumn('new_name', 'text', (c) => c.notNull())
    .addColumn('new_name_lower', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('name_changes_user_idx').on('name_changes').columns(['user_id', 'created_at']).execute();
  await db.schema.createIndex('name_changes_old_name_idx').on('name_changes').column('old_name_lower').execute();

  await id(db.schema.createTable('sanctions'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('ban', 'mute')`))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('actor_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addColumn('expires_at', ms)
    .addColumn('lifted_at', ms)
    .addColumn('lifted_by_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .execute();
  await db.schema.createIndex('sanctions_user_idx').on('sanctions').columns(['user_id', 'kind']).execute();

  await id(db.schema.createTable('organizations'))
    .addColumn('uuid', 'text', (c) => c.notNull().unique())
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('slug_lower', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('contact', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('owner_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('profile_image_url', 'text')
    .addColumn('client_metadata', 'text')
    .addColumn('client_read_only_metadata', 'text')
    .addColumn('server_metadata', 'text')
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();

  await id(db.schema.createTable('memberships'))
    .addColumn('organization_id', 'integer', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('owner', 'maintainer', 'supervisor', 'worker')`))
    .addColumn('is_active', 'integer', flag)
    .addColumn('joined_at', ms)
    .addColumn('invitation_id', 'integer')
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addUniqueConstraint('memberships_org_user_unique', ['organization_id', 'user_id'])
    .execute();
  await db.schema.createIndex('memberships_user_idx').on('memberships').column('user_id').execute();

  await id(db.schema.createTable('invitations'))
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('organization_id', 'integer', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('inviter_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('expires_at', ms, (c) => c.notNull())
    .addColumn('accepted_at', ms)
    .addColumn('declined_at', ms)
    .execute();

  await id(db.schema.createTable('api_keys'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('token_hint', 'text', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('permitted_ips', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('expires_at', ms)
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addColumn('last_used_at', ms)
    .addColumn('last_ip', 'text')
    .addColumn('uses', 'integer', flag)
    .addColumn('revoked_at', ms)
    .execute();
  await db.schema.createIndex('api_keys_user_idx').on('api_keys').column('user_id').execute();

  await id(db.schema.createTable('sessions'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('expires_at', ms, (c) => c.notNull())
    .addColumn('last_seen_at', ms)
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('revoked_at', ms)
    .execute();
  await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('stack_projects')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('publishable_client_key_hash', 'text', (c) => c.notNull())
    .addColumn('secret_server_key_hash', 'text', (c) => c.notNull())
    .addColumn('super_secret_admin_key_hash', 'text', (c) => c.notNull())
    .addColumn('config', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();

  await id(db.schema.createTable('subscriptions'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('tier', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('expires_at', ms)
    .addColumn('canceled_at', ms)
    .execute();
  await db.schema.createIndex('subscriptions_user_idx').on('subscriptions').column('user_id').execute();

  await id(db.schema.createTable('audit_log'))
    .addColumn('actor_id', 'integer')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('subject_type', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'integer')
    .addColumn('target_user_id', 'integer')
    .addColumn('details', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('ip', 'text')
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_log_target_idx').on('audit_log').columns(['target_user_id', 'id']).execute();
  await db.schema.createIndex('audit_log_actor_idx').on('audit_log').columns(['actor_id', 'id']).execute();

  await db.schema
    .createTable('auth_throttle')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('window_started_at', ms, (c) => c.notNull())
    .addColumn('blocked_until', ms)
    .execute();

  await createSubstringIndexes(db, ctx);
}

/** Substring search: FTS5 trigram on SQLite, pg_trgm GIN indexes on PostgreSQL. */
async function createSubstringIndexes(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  if (ctx.engine === 'postgres') {
    await sql`create extension if not exists pg_trgm`.execute(db);
    await sql`create index users_name_trgm_idx on users using gin (name_lower gin_trgm_ops)`.execute(db);
    await sql`create index users_email_trgm_idx on users using gin (email_lower gin_trgm_ops)`.execute(db);
    await sql`create index users_first_name_trgm_idx on users using gin (lower(first_name) gin_trgm_ops)`.execute(db);
    await sql`create index users_last_name_trgm_idx on users using gin (lower(last_name) gin_trgm_ops)`.execute(db);
    await sql`create index users_display_name_trgm_idx on users using gin (lower(display_name) gin_trgm_ops)`.execute(db);
    // Prefix ranges on name_lower need byte order, whatever the database's collation.
    await sql`create index users_name_prefix_idx on users (name_lower text_pattern_ops)`.execute(db);
    return;
  }
  // External-content FTS5 table kept in step by triggers; the trigram tokenizer folds case.
  await sql`create virtual table users_fts using fts5(
    name_lower, email_lower, first_name, last_name, display_name,
    content='users', content_rowid='id', tokenize='trigram')`.execute(db);
  for (const trigger of USERS_FTS_TRIGGERS) await sql.raw(trigger.sql).execute(db);
}

const FTS_COLUMNS = 'name_lower, email_lower, first_name, last_name, display_name';
const OLD_ROW = 'old.id, old.name_lower, old.email_lower, old.first_name, old.last_name, old.display_name';
const NEW_ROW = 'new.id, new.name_lower, new.email_lower, new.first_name, new.last_name, new.display_name';

/** The triggers keeping SQLite's `users_fts` in step with `users` (bulk loads pause them). */
export const USERS_FTS_TRIGGERS: readonly { readonly name: string; readonly sql: string }[] = Object.freeze([
  {
    name: 'users_fts_insert',
    sql: `create trigger users_fts_insert after insert on users begin
    insert into users_fts(rowid, ${FTS_COLUMNS}) values (${NEW_ROW});
  end`,
  },
  {
    name: 'users_fts_delete',
    sql: `create trigger users_fts_delete after delete on users begin
    insert into users_fts(users_fts, rowid, ${FTS_COLUMNS}) values ('delete', ${OLD_ROW});
  end`,
  },
  {
    name: 'users_fts_update',
    sql: `create trigger users_fts_update after update of ${FTS_COLUMNS} on users begin
    insert into users_fts(users_fts, rowid, ${FTS_COLUMNS}) values ('delete', ${OLD_ROW});
    insert into users_fts(rowid, ${FTS_COLUMNS}) values (${NEW_ROW});
  end`,
  },
]);
