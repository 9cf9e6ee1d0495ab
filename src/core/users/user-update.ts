import type { Kysely } from 'kysely';
import { COUNTER_NAMES, type Counters, type Database, type UserRowUpdate } from '../../db/schema.js';
import { recordUserAudit } from '../moderation/audit.js';
import type { Core } from '../context.js';
import { forbidden, notFound, validationFailed } from '../errors.js';
import { commonPasswordProblems } from '../auth/common-passwords.js';
import { hashPassword, isSupportedPasswordHash, passwordProblems } from '../auth/passwords.js';
import { can, type UserAction } from '../access/policy.js';
import { addPreferencesProblems, mergePreferences, type PreferencesPatch } from './preferences-patch.js';
import { avatarNsfwProblems, type AvatarNsfw } from './avatar-nsfw.js';
import { lockUser, requireUser } from './require-user.js';
import { requireReauthentication, type Reauthentication } from '../auth/reauthenticate.js';
import { ACTION_SCOPES, requireScope } from '../auth/scopes.js';
import { revokeAllSessions } from '../auth/sessions.js';
import { userConflict } from '../unique-violation.js';
import type { User } from './user.js';
import {
  Problems,
  addMetadataProblems,
  addProfileProblems,
  addRestrictionTextProblems,
  emailProblems,
  isSafeTimestamp,
  metadataProblems,
  serializeMetadata,
} from './user-validation.js';
import type { Viewer } from '../access/viewer.js';

export type { PreferencesPatch } from './preferences-patch.js';

/** A partial update of a user; absent keys are left alone, `null` clears where allowed. */
export interface UserPatch {
  readonly preferences?: PreferencesPatch;
  readonly firstName?: string;
  readonly lastName?: string;
  /** `""` clears it (Stack Auth). */
  readonly displayName?: string | null;
  readonly profileImageUrl?: string | null;
  readonly avatarId?: number | null;
  /** The avatar's browsing level (Civitai `avatarNsfw`): the site's rating of the image. */
  readonly avatarNsfw?: AvatarNsfw;
  /** `""` or null clears it; a new address is unverified unless `emailVerified` says otherwise. */
  readonly email?: string | null;
  readonly emailVerified?: boolean;
  /** Null removes the password; any change revokes the user's sessions. */
  readonly password?: string | null;
  readonly clientMetadata?: unknown;
  readonly clientReadOnlyMetadata?: unknown;
  readonly serverMetadata?: unknown;
  /** An organization the user is an active member of; otherwise not_found `team_membership`. */
  readonly selectedTeamId?: number | null;
  readonly counters?: Partial<Counters>;
  /** e621's `artist_tags`, written by the host site. */
  readonly artistTags?: readonly string[];
  /** Stack Auth: anonymous users can be upgraded, never downgraded. */
  readonly isAnonymous?: false;
  /** ISO 3166-1 alpha-2, stored upper-case. */
  readonly countryCode?: string | null;
  readonly riskScores?: unknown;
  readonly lastForumReadAt?: number | null;
  /** An existing hash in a supported format, instead of a password; revokes sessions like one. */
  readonly passwordHash?: string | null;
  /** Stack Auth: the reason and private details must be null unless the user is restricted. */
  readonly restrictedByAdmin?: boolean;
  readonly restrictedByAdminReason?: string | null;
  readonly restrictedByAdminPrivateDetails?: string | null;
}

/** The policy action each key of a patch needs; one refused key refuses the whole patch. */
const PATCH_ACTIONS: Readonly<Record<keyof UserPatch, UserAction>> = Object.freeze({
  preferences: 'user.update_preferences',
  firstName: 'user.update_profile',
  lastName: 'user.update_profile',
  displayName: 'user.update_profile',
  profileImageUrl: 'user.update_profile',
  avatarId: 'user.update_profile',
  clientMetadata: 'user.update_profile',
  selectedTeamId: 'user.update_profile',
  lastForumReadAt: 'user.update_profile',
  password: 'user.update_profile',
  isAnonymous: 'user.update_profile',
  email: 'user.change_email',
  emailVerified: 'user.write_server_data',
  clientReadOnlyMetadata: 'user.write_server_data',
  serverMetadata: 'user.write_server_data',
  counters: 'user.write_server_data',
  artistTags: 'user.write_server_data',
  avatarNsfw: 'user.write_server_data',
  countryCode: 'user.write_server_data',
  riskScores: 'user.write_server_data',
  passwordHash: 'user.write_server_data',
  restrictedByAdmin: 'user.restrict',
  restrictedByAdminReason: 'user.restrict',
  restrictedByAdminPrivateDetails: 'user.restrict',
});

/** Keys that are security changes: audited even when users make them themselves. */
const SECURITY_KEYS: ReadonlySet<keyof UserPatch> = new Set(['password', 'passwordHash', 'email']);

/**
 * Applies `patch` to a user, all or nothing: every key must be allowed (else forbidden, nothing
 * written) and valid (else validation_failed listing every problem). A password change revokes
 * the user's sessions. Audited when the viewer is not the user, and for password or email changes.
 * Changing one's own password or email needs `proof` (reauthenticate.ts).
 */
export async function updateUser(core: Core, viewer: Viewer, userId: number, patch: UserPatch, proof: Reauthentication = {}): Promise<User> {
  const prepared = await prepareUserPatch(core, viewer, userId, patch, proof);
  const now = core.now();
  try {
    await core.db.transaction().execute((trx) => writeUserPatch(trx, viewer, now, prepared));
  } catch (error) {
    // Email addresses are unique ignoring case: another account's gives `email_taken`.
    throw userConflict(error);
  }
  await core.changes.publish(core.db, { kind: 'user', userId });
  return requireUser(core, userId);
}

/** A patch checked against the user as read before writing, with its password hashed. */
export interface PreparedUserPatch {
  readonly userId: number;
  readonly patch: UserPatch;
  readonly keys: readonly (keyof UserPatch)[];
  readonly passwordHash: string | null | undefined;
}

/**
 * What `updateUser` does before its transaction: authorizes and validates every key, checks the
 * proof a password or email change needs, and hashes a new password (slow, so never inside a
 * transaction). Callers writing several things at once (core/users/account-update.ts) use it too.
 */
export async function prepareUserPatch(core: Core, viewer: Viewer, userId: number, patch: UserPatch, proof: Reauthentication = {}): Promise<PreparedUserPatch> {
  const keys = patchKeys(patch);
  const target = await requireUser(core, userId);
  authorizePatch(viewer, target, keys);
  // A new address or password needs the scope of the dedicated route (Danbooru's), whichever route carries it.
  if (patch.email !== undefined && (patch.email || null) !== target.email) requireScope(viewer, ACTION_SCOPES.changeEmail);
  if (patch.password !== undefined || patch.passwordHash !== undefined) requireScope(viewer, ACTION_SCOPES.changePassword);
  const common = typeof patch.password === 'string' ? await commonPasswordProblems(core.config, patch.password) : [];
  validatePatch(core, patch, target, common);
  if (patch.password !== undefined || patch.email !== undefined) await requireReauthentication(core, viewer, userId, proof);
  const passwordHash =
    typeof patch.password === 'string' ? await hashPassword(patch.password) : patch.password !== undefined ? patch.password : patch.passwordHash;
  return { userId, patch, keys, passwordHash };
}

/**
 * Writes a prepared patch inside the caller's transaction: locks the user and authorizes again
 * against the row as locked. An address another account holds fails on the unique index of
 * `email_lower`; callers map that with `userConflict`.
 */
export async function writeUserPatch(trx: Kysely<Database>, viewer: Viewer, now: number, prepared: PreparedUserPatch): Promise<void> {
  const { userId, patch, keys, passwordHash } = prepared;
  const locked = await lockUser(trx, now, userId);
  authorizePatch(viewer, locked, keys);
  if (patch.selectedTeamId != null) await requireActiveMembership(trx, userId, patch.selectedTeamId);
  const stored = patch.preferences ? await storedPreferences(trx, userId) : '{}';
  await trx
    .updateTable('users')
    .set(patchRow(patch, locked, passwordHash, stored, now))
    .where('id', '=', userId)
    .execute();
  if (patch.password !== undefined || patch.passwordHash !== undefined) await revokeAllSessions(trx, userId, now);
  if (viewer.id !== userId || keys.some((key) => SECURITY_KEYS.has(key))) {
    await recordUserAudit(trx, viewer, now, userId, 'user.update', { fields: keys });
  }
}

function patchKeys(patch: UserPatch): (keyof UserPatch)[] {
  const keys = Object.keys(patch).filter((key) => (patch as Record<string, unknown>)[key] !== undefined);
  const unknown = keys.filter((key) => !Object.hasOwn(PATCH_ACTIONS, key));
  if (unknown.length > 0) throw validationFailed(Object.fromEntries(unknown.map((key) => [key, ['is not a field']])));
  return keys as (keyof UserPatch)[];
}

function authorizePatch(viewer: Viewer, target: User, keys: readonly (keyof UserPatch)[]): void {
  const refused = keys.filter((key) => !can(viewer, PATCH_ACTIONS[key], target));
  if (refused.length > 0) throw forbidden(`Not allowed to change ${refused.join(', ')}`);
}

function validatePatch(core: Core, patch: UserPatch, target: User, commonPassword: readonly string[]): void {
  const problems = new Problems();
  const nullable = (field: string, value: unknown, check: (v: unknown) => string[]): void => {
    if (value !== undefined && value !== null) problems.add(field, ...check(value));
  };
  addProfileProblems(problems, patch);
  nullable('avatar_id', patch.avatarId, (v) => (Number.isSafeInteger(v) ? [] : ['is not an id']));
  if (patch.avatarNsfw !== undefined) problems.add('avatar_nsfw', ...avatarNsfwProblems(patch.avatarNsfw));
  nullable('email', patch.email === '' ? null : patch.email, emailProblems);
  if (patch.emailVerified !== undefined && typeof patch.emailVerified !== 'boolean') problems.add('email_verified', 'must be true or false');
  nullable('password', patch.password, (v) => (typeof v === 'string' ? [...passwordProblems(core.config, v), ...commonPassword] : ['must be a string']));
  addMetadataProblems(problems, patch);
  if (patch.riskScores !== undefined) problems.add('risk_scores', ...metadataProblems(patch.riskScores));
  nullable('selected_team_id', patch.selectedTeamId, (v) => (Number.isSafeInteger(v) ? [] : ['is not an id']));
  if (patch.isAnonymous !== undefined && patch.isAnonymous !== false) problems.add('is_anonymous', 'can only be set to false');
  nullable('country_code', patch.countryCode, (v) => (typeof v === 'string' && /^[A-Za-z]{2}$/.test(v) ? [] : ['is not a country code']));
  nullable('last_forum_read_at', patch.lastForumReadAt, (v) => (isSafeTimestamp(v) ? [] : ['is not a timestamp']));
  if (patch.counters !== undefined) addCounterProblems(problems, patch.counters);
  if (patch.artistTags !== undefined) addArtistTagProblems(problems, patch.artistTags);
  if (patch.password !== undefined && patch.passwordHash !== undefined) problems.add('password', "can't be given together with a password hash");
  nullable('password_hash', patch.passwordHash, (v) => (typeof v === 'string' && isSupportedPasswordHash(v) ? [] : ['is not a supported hash format']));
  addRestrictionProblems(problems, patch, target);
  if (patch.preferences !== undefined) {
    if (patch.preferences === null || typeof patch.preferences !== 'object') problems.add('preferences', 'must be an object');
    else addPreferencesProblems(problems, patch.preferences, target.level);
  }
  problems.throwIfAny();
}

const ARTIST_TAGS_MAX = 1000;
const ARTIST_TAG_LENGTH_MAX = 200;

function addArtistTagProblems(problems: Problems, tags: readonly string[]): void {
  if (!Array.isArray(tags) || tags.some((tag) => typeof tag !== 'string')) return problems.add('artist_tags', 'must be a list of strings');
  if (tags.length > ARTIST_TAGS_MAX) problems.add('artist_tags', `is too long (maximum is ${ARTIST_TAGS_MAX} tags)`);
  if (tags.some((tag: string) => tag.length === 0 || tag.length > ARTIST_TAG_LENGTH_MAX))
    problems.add('artist_tags', `has a tag that is empty or longer than ${ARTIST_TAG_LENGTH_MAX} characters`);
}

function addRestrictionProblems(problems: Problems, patch: UserPatch, target: User): void {
  if (patch.restrictedByAdmin !== undefined && typeof patch.restrictedByAdmin !== 'boolean') problems.add('restricted_by_admin', 'must be true or false');
  addRestrictionTextProblems(problems, patch, patch.restrictedByAdmin ?? target.restricted_by_admin);
}

function addCounterProblems(problems: Problems, counters: Partial<Counters>): void {
  if (counters === null || typeof counters !== 'object') return problems.add('counters', 'must be an object');
  const known: ReadonlySet<string> = new Set(COUNTER_NAMES);
  for (const [name, value] of Object.entries(counters)) {
    if (!known.has(name)) problems.add(name, 'is not a counter');
    else if (!isSafeTimestamp(value)) problems.add(name, 'must be a non-negative integer');
  }
}

async function requireActiveMembership(trx: Kysely<Database>, userId: number, organizationId: number): Promise<void> {
  const membership = await trx
    .selectFrom('memberships')
    .select('id')
    .where('organization_id', '=', organizationId)
    .where('user_id', '=', userId)
    .where('is_active', '=', 1)
    .executeTakeFirst();
  if (!membership) throw notFound('team_membership');
}

async function storedPreferences(trx: Kysely<Database>, userId: number): Promise<string> {
  const row = await trx.selectFrom('users').select('preferences').where('id', '=', userId).executeTakeFirstOrThrow();
  return row.preferences;
}

function patchRow(patch: UserPatch, target: User, passwordHash: string | null | undefined, storedPrefs: string, now: number): UserRowUpdate {
  const row: UserRowUpdate = { updated_at: now };
  if (patch.preferences) row.preferences = mergePreferences(storedPrefs, patch.preferences);
  if (patch.firstName !== undefined) row.first_name = patch.firstName;
  if (patch.lastName !== undefined) row.last_name = patch.lastName;
  if (patch.displayName !== undefined) row.display_name = patch.displayName || null;
  if (patch.profileImageUrl !== undefined) row.profile_image_url = patch.profileImageUrl;
  if (patch.avatarId !== undefined) row.avatar_id = patch.avatarId;
  if (patch.avatarNsfw !== undefined) row.avatar_nsfw = patch.avatarNsfw;
  if (patch.email !== undefined) {
    const email = patch.email || null;
    row.email = email;
    row.email_lower = email?.toLowerCase() ?? null;
    if (email?.toLowerCase() !== target.email?.toLowerCase()) row.email_verified = 0;
  }
  if (patch.emailVerified !== undefined) row.email_verified = patch.emailVerified ? 1 : 0;
  if (passwordHash !== undefined) row.password_hash = passwordHash;
  if (patch.clientMetadata !== undefined) row.client_metadata = serializeMetadata(patch.clientMetadata);
  if (patch.clientReadOnlyMetadata !== undefined) row.client_read_only_metadata = serializeMetadata(patch.clientReadOnlyMetadata);
  if (patch.serverMetadata !== undefined) row.server_metadata = serializeMetadata(patch.serverMetadata);
  if (patch.riskScores !== undefined) row.risk_scores = serializeMetadata(patch.riskScores);
  if (patch.selectedTeamId !== undefined) row.selected_team_id = patch.selectedTeamId;
  if (patch.countryCode !== undefined) row.country_code = patch.countryCode?.toUpperCase() ?? null;
  if (patch.lastForumReadAt !== undefined) row.last_forum_read_at = patch.lastForumReadAt;
  if (patch.artistTags !== undefined) row.artist_tags = JSON.stringify(patch.artistTags);
  if (patch.restrictedByAdmin !== undefined) row.restricted_by_admin = patch.restrictedByAdmin ? 1 : 0;
  // Lifting a restriction clears its reasons (Stack Auth keeps them null unless restricted).
  if (patch.restrictedByAdmin === false) {
    row.restricted_by_admin_reason = null;
    row.restricted_by_admin_private_details = null;
  }
  if (patch.restrictedByAdminReason !== undefined) row.restricted_by_admin_reason = patch.restrictedByAdminReason;
  if (patch.restrictedByAdminPrivateDetails !== undefined) row.restricted_by_admin_private_details = patch.restrictedByAdminPrivateDetails;
  for (const [name, value] of Object.entries(patch.counters ?? {}) as [keyof Counters, number][]) row[name] = value;
  // Stack Auth: upgrading an anonymous user sets its sign-up time.
  if (patch.isAnonymous === false && target.is_anonymous) {
    row.is_anonymous = 0;
    row.created_at = now;
  }
  return row;
}
