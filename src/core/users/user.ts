import { COUNTER_NAMES, type Counters, type UserRow } from '../../db/schema.js';

export { COUNTER_NAMES, type CounterName, type Counters } from '../../db/schema.js';
import { parsePreferences, type Preferences } from './preferences.js';

/** A sanction in force (ban or mute), as the rules and dialects need it. */
export interface ActiveSanction {
  readonly id: number;
  readonly reason: string;
  readonly actor_id: number | null;
  readonly created_at: number;
  /** Null when permanent. */
  readonly expires_at: number | null;
}

/** JSON metadata as stored: any JSON value, null when unset. */
export type Metadata = unknown;

/**
 * A user as the core hands it out: the row with JSON parsed, flags as booleans, the password
 * hash replaced by `has_password`, and the sanctions in force at load time.
 */
export interface User {
  readonly id: number;
  readonly uuid: string;
  readonly name: string;
  readonly email: string | null;
  readonly email_verified: boolean;
  readonly has_password: boolean;
  readonly first_name: string;
  readonly last_name: string;
  readonly display_name: string | null;
  readonly profile_image_url: string | null;
  readonly avatar_id: number | null;
  readonly avatar_nsfw: string;
  readonly level: number;
  readonly inviter_id: number | null;
  readonly is_deleted: boolean;
  readonly is_anonymous: boolean;
  readonly restricted_by_admin: boolean;
  readonly restricted_by_admin_reason: string | null;
  readonly restricted_by_admin_private_details: string | null;
  readonly preferences: Preferences;
  readonly client_metadata: Metadata;
  readonly client_read_only_metadata: Metadata;
  readonly server_metadata: Metadata;
  readonly selected_team_id: number | null;
  readonly country_code: string | null;
  readonly risk_scores: Metadata;
  readonly created_at: number;
  readonly updated_at: number;
  readonly last_logged_in_at: number | null;
  readonly last_active_at: number | null;
  readonly last_forum_read_at: number | null;
  readonly last_ip_addr: string | null;
  readonly counters: Readonly<Counters>;
  /** Signed itself up (self-service), as opposed to made by an admin, the CLI or an import. */
  readonly self_signed_up: boolean;
  /** The artist tags the host site lists for the user (e621). */
  readonly artist_tags: readonly string[];
  readonly ban: ActiveSanction | null;
  readonly mute: ActiveSanction | null;
}

export const isBanned = (user: User): boolean => user.ban !== null;
export const isMuted = (user: User): boolean => user.mute !== null;

export function parseJson(text: string | null): Metadata {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** A stored JSON list of strings; anything else reads as empty. */
export const stringList = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);

/** The activity counters of a user row, by name. */
export function countersOf(row: Readonly<Counters>): Counters {
  const counters = {} as Counters;
  for (const name of COUNTER_NAMES) counters[name] = row[name];
  return counters;
}

/**
 * The columns a user is built from: every column but the lower-cased lookup keys and the
 * password hash, of which only its presence is read (`has_password`, selected as an expression).
 */
export const USER_COLUMNS = [
  'id',
  'uuid',
  'name',
  'email',
  'email_verified',
  'first_name',
  'last_name',
  'display_name',
  'profile_image_url',
  'avatar_id',
  'avatar_nsfw',
  'level',
  'inviter_id',
  'is_deleted',
  'is_anonymous',
  'restricted_by_admin',
  'restricted_by_admin_reason',
  'restricted_by_admin_private_details',
  'preferences',
  'client_metadata',
  'client_read_only_metadata',
  'server_metadata',
  'selected_team_id',
  'country_code',
  'risk_scores',
  'created_at',
  'updated_at',
  'last_logged_in_at',
  'last_active_at',
  'last_forum_read_at',
  'last_ip_addr',
  'self_signed_up',
  'artist_tags',
  ...COUNTER_NAMES,
] as const satisfies readonly (keyof UserRow)[];

/** A user row as read for building a user: `USER_COLUMNS` and whether a password is set (0/1 or a boolean). */
export type UserReadRow = Pick<UserRow, (typeof USER_COLUMNS)[number]> & { readonly has_password: number | boolean };

const NO_ARTIST_TAGS: readonly string[] = Object.freeze([]);

type AccountFields =
  | 'first_name'
  | 'last_name'
  | 'display_name'
  | 'profile_image_url'
  | 'avatar_id'
  | 'avatar_nsfw'
  | 'level'
  | 'inviter_id'
  | 'is_deleted'
  | 'is_anonymous'
  | 'restricted_by_admin'
  | 'restricted_by_admin_reason'
  | 'restricted_by_admin_private_details';

/** A row's profile, standing and restriction fields, read as the user and the export line carry them. */
export function accountFieldsOf(row: Pick<UserRow, AccountFields>): Pick<User, AccountFields> {
  return {
    first_name: row.first_name,
    last_name: row.last_name,
    display_name: row.display_name,
    profile_image_url: row.profile_image_url,
    avatar_id: row.avatar_id,
    avatar_nsfw: row.avatar_nsfw,
    level: row.level,
    inviter_id: row.inviter_id,
    is_deleted: row.is_deleted === 1,
    is_anonymous: row.is_anonymous === 1,
    restricted_by_admin: row.restricted_by_admin === 1,
    restricted_by_admin_reason: row.restricted_by_admin_reason,
    restricted_by_admin_private_details: row.restricted_by_admin_private_details,
  };
}

type MetadataFields = 'client_metadata' | 'client_read_only_metadata' | 'server_metadata';

/** A row's three metadata values (Stack Auth), parsed. */
export function metadataOf(row: Pick<UserRow, MetadataFields>): Pick<User, MetadataFields> {
  return {
    client_metadata: parseJson(row.client_metadata),
    client_read_only_metadata: parseJson(row.client_read_only_metadata),
    server_metadata: parseJson(row.server_metadata),
  };
}

/**
 * Builds the domain user from its row and the sanctions in force. Cheap for the common row
 * (a page of other users builds twenty): untouched settings (`{}`) are the shared defaults,
 * other settings documents are parsed once each (preferences.ts), empty JSON fields cost nothing.
 * Plain data properties only: accessors would make every user slower to build than to parse.
 */
export function toUser(row: UserReadRow, sanctions: { ban: ActiveSanction | null; mute: ActiveSanction | null }): User {
  return Object.freeze({
    id: row.id,
    uuid: row.uuid,
    name: row.name,
    email: row.email,
    email_verified: row.email_verified === 1,
    has_password: row.has_password === 1 || row.has_password === true,
    ...accountFieldsOf(row),
    preferences: parsePreferences(row.preferences),
    ...metadataOf(row),
    selected_team_id: row.selected_team_id,
    country_code: row.country_code,
    risk_scores: parseJson(row.risk_scores),
    created_at: row.created_at,
    updated_at: row.updated_at,
    last_logged_in_at: row.last_logged_in_at,
    last_active_at: row.last_active_at,
    last_forum_read_at: row.last_forum_read_at,
    last_ip_addr: row.last_ip_addr,
    counters: Object.freeze(countersOf(row)),
    self_signed_up: row.self_signed_up === 1,
    artist_tags: row.artist_tags === '[]' ? NO_ARTIST_TAGS : Object.freeze(stringList(parseJson(row.artist_tags))),
    ban: sanctions.ban,
    mute: sanctions.mute,
  });
}

/** Text in a user's settings that can be long (the rest are a few short fields). */
const LONG_PREFERENCES = ['favorite_tags', 'blacklisted_tags', 'custom_style', 'profile_about', 'profile_artinfo'] as const;

/**
 * Roughly how many bytes a loaded user holds beyond a small fixed part, for caches that keep
 * users (`Binding.bytes`): its JSON documents as parsed (taken as twenty times their text, as
 * many small objects cost) and its long settings text. Only users that carry documents pay for
 * the estimate (a JSON.stringify of them).
 */
export function approximateUserBytes(
  user: Pick<User, 'client_metadata' | 'client_read_only_metadata' | 'server_metadata' | 'risk_scores' | 'preferences'>,
): number {
  let documents = 0;
  for (const value of [user.client_metadata, user.client_read_only_metadata, user.server_metadata, user.risk_scores]) {
    if (value !== null && value !== undefined) documents += JSON.stringify(value).length;
  }
  let text = 0;
  for (const name of LONG_PREFERENCES) text += user.preferences[name].length;
  return 20 * documents + 2 * text;
}
