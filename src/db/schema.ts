import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * Table types shared by SQLite and PostgreSQL. Conventions that hold on both engines:
 * timestamps are integer milliseconds since the epoch, booleans are 0/1 integers and JSON
 * documents are text. Lower-cased copies (`*_lower`) are computed in JavaScript so that
 * case-insensitive matching gives the same rows on both engines.
 */
export interface Database {
  users: UsersTable;
  name_changes: NameChangesTable;
  sanctions: SanctionsTable;
  organizations: OrganizationsTable;
  memberships: MembershipsTable;
  invitations: InvitationsTable;
  api_keys: ApiKeysTable;
  sessions: SessionsTable;
  stack_projects: StackProjectsTable;
  stack_images: StackImagesTable;
  subscriptions: SubscriptionsTable;
  audit_log: AuditLogTable;
  auth_throttle: AuthThrottleTable;
  login_attempts: LoginAttemptsTable;
  rate_buckets: RateBucketsTable;
}

/** Activity counters kept per user, written by the host site through the native API. */
export const COUNTER_NAMES = [
  'post_upload_count',
  'post_update_count',
  'note_update_count',
  'favorite_count',
  'comment_count',
  'forum_post_count',
  'wiki_page_version_count',
  'artist_version_count',
  'artist_commentary_version_count',
  'pool_version_count',
  'favorite_group_count',
  'appeal_count',
  'flag_count',
  'positive_feedback_count',
  'neutral_feedback_count',
  'negative_feedback_count',
  'post_deleted_count',
  'blip_count',
  'set_count',
  'upload_points',
  'unread_dmail_count',
] as const;
export type CounterName = (typeof COUNTER_NAMES)[number];
export type Counters = Record<CounterName, number>;

export interface UsersTable extends Record<CounterName, Generated<number>> {
  id: Generated<number>;
  uuid: string;
  name: string;
  name_lower: string;
  email: string | null;
  email_lower: string | null;
  email_verified: Generated<number>;
  password_hash: string | null;
  first_name: Generated<string>;
  last_name: Generated<string>;
  display_name: string | null;
  profile_image_url: string | null;
  avatar_id: number | null;
  avatar_nsfw: Generated<string>;
  level: number;
  inviter_id: number | null;
  is_deleted: Generated<number>;
  is_anonymous: Generated<number>;
  restricted_by_admin: Generated<number>;
  restricted_by_admin_reason: string | null;
  restricted_by_admin_private_details: string | null;
  /** JSON object of preference settings and flags (see core/preferences.ts). */
  preferences: Generated<string>;
  client_metadata: string | null;
  client_read_only_metadata: string | null;
  server_metadata: string | null;
  selected_team_id: number | null;
  country_code: string | null;
  /** JSON `{sign_up:{bot, free_trial_abuse}}`. */
  risk_scores: string | null;
  created_at: number;
  updated_at: number;
  last_logged_in_at: number | null;
  last_active_at: number | null;
  last_forum_read_at: number | null;
  last_ip_addr: string | null;
  /** 1 when the account signed itself up (rather than being made by an admin, the CLI or an import). */
  self_signed_up: Generated<number>;
  /** JSON array of strings (e621's `artist_tags`), written by the host site. */
  artist_tags: Generated<string>;
}

export interface NameChangesTable {
  id: Generated<number>;
  user_id: number;
  old_name: string;
  old_name_lower: string;
  new_name: string;
  new_name_lower: string;
  actor_id: number | null;
  created_at: number;
  updated_at: number;
}

export type SanctionKind = 'ban' | 'mute';

export interface SanctionsTable {
  id: Generated<number>;
  kind: SanctionKind;
  user_id: number;
  actor_id: number | null;
  reason: string;
  created_at: number;
  updated_at: number;
  /** Null means permanent. A sanction applies while `expires_at > now` and it is not lifted. */
  expires_at: number | null;
  lifted_at: number | null;
  lifted_by_id: number | null;
}

export interface OrganizationsTable {
  id: Generated<number>;
  uuid: string;
  slug: string;
  slug_lower: string;
  name: string;
  description: Generated<string>;
  /** JSON object. */
  contact: Generated<string>;
  owner_id: number | null;
  profile_image_url: string | null;
  client_metadata: string | null;
  client_read_only_metadata: string | null;
  server_metadata: string | null;
  created_at: number;
  updated_at: number;
}

export type MembershipRole = 'owner' | 'maintainer' | 'supervisor' | 'worker';

export interface MembershipsTable {
  id: Generated<number>;
  organization_id: number;
  user_id: number;
  role: MembershipRole;
  is_active: number;
  joined_at: number | null;
  invitation_id: number | null;
  created_at: number;
  updated_at: number;
}

export interface InvitationsTable {
  id: Generated<number>;
  key: string;
  organization_id: number;
  inviter_id: number | null;
  user_id: number;
  email: string;
  role: MembershipRole;
  created_at: number;
  expires_at: number;
  accepted_at: number | null;
  declined_at: number | null;
}

export interface ApiKeysTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  /** SHA-256 of the secret, hex. The secret itself is shown once and never stored. */
  token_hash: string;
  /** The last four characters of the secret, so that a user can tell keys apart. */
  token_hint: string;
  /** JSON array of action names (e.g. `users:index`); empty means every action. */
  scopes: Generated<string>;
  /** JSON array of CIDRs or addresses; empty means any address. */
  permitted_ips: Generated<string>;
  expires_at: number | null;
  created_at: number;
  updated_at: number;
  last_used_at: number | null;
  last_ip: string | null;
  uses: Generated<number>;
  revoked_at: number | null;
}

export interface SessionsTable {
  id: Generated<number>;
  user_id: number;
  token_hash: string;
  created_at: number;
  expires_at: number;
  last_seen_at: number | null;
  ip: string | null;
  user_agent: string | null;
  revoked_at: number | null;
  /** Set when the session is a Stack Auth refresh token of that project; usable only there. */
  stack_project_id: string | null;
}

export interface StackProjectsTable {
  id: string;
  display_name: string;
  publishable_client_key_hash: string;
  secret_server_key_hash: string;
  super_secret_admin_key_hash: string;
  /** JSON project settings (e.g. `require_email_verification`, `allow_client_user_deletion`). */
  config: Generated<string>;
  /** HMAC key (base64url) signing the project's access tokens; never leaves the core. */
  access_token_key: string | null;
  created_at: number;
}

export interface StackImagesTable {
  /** A uuid; the image is served at `/api/v1/profile-images/<id>`. */
  id: string;
  content_type: string;
  /** Base64 of the bytes. */
  data: string;
  created_at: number;
}

export interface SubscriptionsTable {
  id: Generated<number>;
  user_id: number;
  product: string;
  tier: string;
  created_at: number;
  expires_at: number | null;
  canceled_at: number | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  actor_id: number | null;
  action: string;
  subject_type: string;
  subject_id: number | null;
  target_user_id: number | null;
  /** JSON object; never holds a secret. */
  details: Generated<string>;
  ip: string | null;
  created_at: number;
}

export interface AuthThrottleTable {
  key: string;
  failures: number;
  window_started_at: number;
  blocked_until: number | null;
}

export interface LoginAttemptsTable {
  id: Generated<number>;
  created_at: number;
  /** The account the login named, when one was found. */
  user_id: number | null;
  /** The name or email as typed (trimmed, at most 320 characters). */
  login: string;
  ip: string | null;
  success: number;
  /** `success`, or why it was refused (`wrong_password`, `unknown_login`, `rate_limited`, …). */
  reason: string;
}

/** A token bucket: `<action> <key>`, its points at `updated_at` (ms), full again at `full_at`. */
export interface RateBucketsTable {
  key: string;
  points: number;
  updated_at: number;
  full_at: number;
}

export type UserRow = Selectable<UsersTable>;
export type NewUserRow = Insertable<UsersTable>;
export type UserRowUpdate = Updateable<UsersTable>;
export type SanctionRow = Selectable<SanctionsTable>;
export type NameChangeRow = Selectable<NameChangesTable>;
export type OrganizationRow = Selectable<OrganizationsTable>;
export type MembershipRow = Selectable<MembershipsTable>;
export type InvitationRow = Selectable<InvitationsTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type SessionRow = Selectable<SessionsTable>;
export type StackProjectRow = Selectable<StackProjectsTable>;
export type StackImageRow = Selectable<StackImagesTable>;
export type SubscriptionRow = Selectable<SubscriptionsTable>;
export type AuditLogRow = Selectable<AuditLogTable>;
export type LoginAttemptRow = Selectable<LoginAttemptsTable>;
