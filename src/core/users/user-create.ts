import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database, NewUserRow } from '../../db/schema.js';
import { recordUserAudit } from '../moderation/audit.js';
import type { Core } from '../context.js';
import { forbidden, validationFailed } from '../errors.js';
import { generateUserName } from './generated-names.js';
import { isUserLevel, Level } from '../access/levels.js';
import { nameKey, nameProblems, normalizeName } from './names.js';
import { commonPasswordProblems } from '../auth/common-passwords.js';
import { hashPassword, isSupportedPasswordHash, passwordProblems } from '../auth/passwords.js';
import { can, outranks } from '../access/policy.js';
import { requireUser } from './require-user.js';
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

export interface CreateUserInput {
  /** Normalized (spaces become `_`); when absent a readable one is generated (see generated-names.ts). */
  readonly name?: string | null;
  readonly password?: string | null;
  /** An existing hash in a supported format (imports); privileged. */
  readonly passwordHash?: string | null;
  readonly email?: string | null;
  readonly emailVerified?: boolean;
  /** Default Member. Levels above Member are privileged and must be below the viewer's own. */
  readonly level?: number;
  /** Danbooru: the first account becomes Owner. */
  readonly firstUserBecomesOwner?: boolean;
  readonly inviterId?: number | null;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly displayName?: string | null;
  readonly profileImageUrl?: string | null;
  readonly isAnonymous?: boolean;
  readonly clientMetadata?: unknown;
  readonly clientReadOnlyMetadata?: unknown;
  readonly serverMetadata?: unknown;
  /** Stack Auth server fields (privileged): ISO 3166-1 alpha-2, sign-up risk scores, an admin restriction. */
  readonly countryCode?: string | null;
  readonly riskScores?: unknown;
  readonly restrictedByAdmin?: boolean;
  readonly restrictedByAdminReason?: string | null;
  readonly restrictedByAdminPrivateDetails?: string | null;
  /** The signup address, kept as the last IP. */
  readonly ip?: string | null;
  /** Imports only (privileged). */
  readonly createdAt?: number;
  readonly uuid?: string;
}

/**
 * Self-service signup: the caller creates their own account, so they must not be signed in
 * (an admin creating an account for someone else uses {@link createUser}).
 */
export async function signUp(core: Core, viewer: Viewer, input: CreateUserInput): Promise<User> {
  if (!can(viewer, 'user.sign_up')) throw forbidden();
  return insertAccount(core, viewer, input, true);
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Creates an account. Anonymous viewers (signup) and admins may create; anything beyond a plain
 * account (a level above Member, server-side metadata, a verified email, an imported hash, uuid
 * or creation time, someone else as inviter) needs `user.create_privileged`. Names are unique
 * ignoring case: the unique index decides, so concurrent signups for one name give one account
 * and one `conflict`.
 */
export async function createUser(core: Core, viewer: Viewer, input: CreateUserInput): Promise<User> {
  return insertAccount(core, viewer, input, false);
}

/** `selfSignedUp`: made through {@link signUp} (e621 shows such accounts as Unactivated until their email is verified). */
async function insertAccount(core: Core, viewer: Viewer, input: CreateUserInput, selfSignedUp: boolean): Promise<User> {
  if (!can(viewer, 'user.create')) throw forbidden();
  if (viewer.user === null && viewer.credential.kind === 'anonymous' && !core.config.signupsOpen) throw forbidden('Signups are closed');
  if (needsPrivilege(viewer, input) && !can(viewer, 'user.create_privileged')) throw forbidden();
  const common = input.password != null ? await commonPasswordProblems(core.config, input.password) : [];
  const name = validateCreate(core, input, common);
  if (input.level !== undefined && input.level > Level.Member && !outranks(viewer, input.level)) throw forbidden();
  const passwordHash = input.password != null ? await hashPassword(input.password) : (input.passwordHash ?? null);
  const now = core.now();
  let id: number;
  try {
    id = await core.db.transaction().execute(async (trx) => {
      if (input.inviterId != null) await requireInviter(trx, input.inviterId);
      const row = {
        ...buildRow(input, now, passwordHash, name ?? (await generateUserName(trx)), await chooseLevel(core, trx, input)),
        self_signed_up: selfSignedUp ? 1 : 0,
      };
      const inserted = await trx.insertInto('users').values(row).returning('id').executeTakeFirstOrThrow();
      if (viewer.credential.kind !== 'anonymous') {
        await recordUserAudit(trx, viewer, now, inserted.id, 'user.create', { name: row.name, level: row.level });
      }
      return inserted.id;
    });
  } catch (error) {
    throw userConflict(error);
  }
  return requireUser(core, id);
}

function needsPrivilege(viewer: Viewer, input: CreateUserInput): boolean {
  return (
    (input.level !== undefined && input.level > Level.Member) ||
    input.emailVerified === true ||
    (input.clientReadOnlyMetadata !== undefined && input.clientReadOnlyMetadata !== null) ||
    (input.serverMetadata !== undefined && input.serverMetadata !== null) ||
    input.passwordHash != null ||
    input.countryCode != null ||
    input.riskScores != null ||
    input.restrictedByAdmin === true ||
    input.uuid !== undefined ||
    input.createdAt !== undefined ||
    (input.inviterId != null && input.inviterId !== viewer.id)
  );
}

/** Checks every field at once; returns the normalized name, or null when one is to be generated. */
function validateCreate(core: Core, input: CreateUserInput, commonPassword: readonly string[]): string | null {
  const problems = new Problems();
  const name = input.name != null ? normalizeName(input.name) : null;
  if (name !== null) problems.add('name', ...nameProblems(name));
  if (input.password != null && input.passwordHash != null) problems.add('password', "can't be given together with a password hash");
  if (input.password != null) problems.add('password', ...passwordProblems(core.config, input.password), ...commonPassword);
  if (input.passwordHash != null && !isSupportedPasswordHash(input.passwordHash)) problems.add('password_hash', 'is not a supported hash format');
  if (input.email != null && input.email !== '') problems.add('email', ...emailProblems(input.email));
  if (input.level !== undefined && !isUserLevel(input.level)) problems.add('level', 'is not a valid level');
  addProfileProblems(problems, input);
  addMetadataProblems(problems, input);
  if (input.countryCode != null && !/^[A-Za-z]{2}$/.test(input.countryCode)) problems.add('country_code', 'is not a country code');
  problems.add('risk_scores', ...metadataProblems(input.riskScores ?? null));
  addRestrictionTextProblems(problems, input, input.restrictedByAdmin ?? false);
  if (input.uuid !== undefined && !UUID_PATTERN.test(input.uuid)) problems.add('uuid', 'is not a UUID');
  if (input.createdAt !== undefined && !isSafeTimestamp(input.createdAt)) problems.add('created_at', 'is not a timestamp');
  if (input.inviterId != null && !Number.isSafeInteger(input.inviterId)) problems.add('inviter_id', 'is not an id');
  problems.throwIfAny();
  return name;
}

async function requireInviter(trx: Kysely<Database>, inviterId: number): Promise<void> {
  const inviter = await trx.selectFrom('users').select('id').where('id', '=', inviterId).executeTakeFirst();
  if (!inviter) throw validationFailed({ inviter_id: ['does not exist'] });
}

/** Owner for the very first account when asked; two concurrent first signups must not both win. */
async function chooseLevel(core: Core, trx: Kysely<Database>, input: CreateUserInput): Promise<number> {
  if (input.level !== undefined) return input.level;
  if (!input.firstUserBecomesOwner) return Level.Member;
  // SQLite transactions on one file are serialized already; PostgreSQL's read committed needs a lock.
  if (core.caps.concurrentWriters) await sql`select pg_advisory_xact_lock(hashtext('roster.first_user'))`.execute(trx);
  const existing = await trx.selectFrom('users').select('id').limit(1).executeTakeFirst();
  return existing ? Level.Member : Level.Owner;
}

function buildRow(input: CreateUserInput, now: number, passwordHash: string | null, name: string, level: number): NewUserRow {
  const email = input.email != null && input.email !== '' ? input.email : null;
  return {
    uuid: (input.uuid ?? randomUUID()).toLowerCase(),
    name,
    name_lower: nameKey(name),
    email,
    email_lower: email?.toLowerCase() ?? null,
    email_verified: input.emailVerified ? 1 : 0,
    password_hash: passwordHash,
    first_name: input.firstName ?? '',
    last_name: input.lastName ?? '',
    // Stack Auth: an empty display name means none.
    display_name: input.displayName ? input.displayName : null,
    profile_image_url: input.profileImageUrl ?? null,
    level,
    inviter_id: input.inviterId ?? null,
    is_anonymous: input.isAnonymous ? 1 : 0,
    client_metadata: serializeMetadata(input.clientMetadata ?? null),
    client_read_only_metadata: serializeMetadata(input.clientReadOnlyMetadata ?? null),
    server_metadata: serializeMetadata(input.serverMetadata ?? null),
    country_code: input.countryCode?.toUpperCase() ?? null,
    risk_scores: serializeMetadata(input.riskScores ?? null),
    restricted_by_admin: input.restrictedByAdmin ? 1 : 0,
    restricted_by_admin_reason: input.restrictedByAdminReason ?? null,
    restricted_by_admin_private_details: input.restrictedByAdminPrivateDetails ?? null,
    created_at: input.createdAt ?? now,
    updated_at: now,
    last_ip_addr: input.ip ?? null,
  };
}
