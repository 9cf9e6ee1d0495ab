import type { Kysely } from 'kysely';
import type { Database, SanctionKind, SanctionRow } from '../../db/schema.js';
import { recordAudit, recordUserAudit } from './audit.js';
import type { Core } from '../context.js';
import { conflict, forbidden, notFound } from '../errors.js';
import { can } from '../access/policy.js';
import { ACTION_SCOPES, requireScope } from '../auth/scopes.js';
import { canRead, rowsReadableBy } from '../access/visibility.js';
import { lockUser, requireUser } from '../users/require-user.js';
import { revokeAllSessions } from '../auth/sessions.js';
import type { User } from '../users/user.js';
import { Problems, textProblems } from '../users/user-validation.js';
import type { Viewer } from '../access/viewer.js';

/** A ban or a mute. It applies while it is neither lifted nor expired (`in_force`, computed at read time). */
export interface Sanction {
  readonly id: number;
  readonly kind: SanctionKind;
  readonly user_id: number;
  readonly actor_id: number | null;
  readonly reason: string;
  readonly created_at: number;
  readonly updated_at: number;
  /** Null when permanent. */
  readonly expires_at: number | null;
  readonly lifted_at: number | null;
  readonly lifted_by_id: number | null;
  readonly in_force: boolean;
}

export interface SanctionInput {
  readonly userId: number;
  /** 1 to 10,000 characters; kept trimmed. */
  readonly reason: string;
  /** Null for a permanent sanction, else a positive number of milliseconds. */
  readonly durationMs: number | null;
}

export const REASON_MAX = 10_000;

const ACTIONS = { ban: 'user.ban', mute: 'user.mute' } as const;
/** The API key scope of imposing and of lifting each kind, whichever route does it. */
const IMPOSE_SCOPES = { ban: ACTION_SCOPES.ban, mute: ACTION_SCOPES.mute } as const;
const LIFT_SCOPES = { ban: ACTION_SCOPES.liftBan, mute: ACTION_SCOPES.liftMute } as const;

/**
 * Bans a user: a moderator acts on users below them. The ban revokes every session at once; API
 * keys stay but authenticate nobody while it is in force. It ends by itself at `expires_at`.
 * A user already banned gives `conflict`.
 */
export function banUser(core: Core, viewer: Viewer, input: SanctionInput): Promise<Sanction> {
  return imposeSanction(core, viewer, 'ban', input);
}

/** Mutes a user (Civitai `status: muted`); same rules as `banUser`, sessions are kept. */
export function muteUser(core: Core, viewer: Viewer, input: SanctionInput): Promise<Sanction> {
  return imposeSanction(core, viewer, 'mute', input);
}

async function imposeSanction(core: Core, viewer: Viewer, kind: SanctionKind, input: SanctionInput): Promise<Sanction> {
  const now = core.now();
  const id = await core.db.transaction().execute((trx) => writeSanction(trx, viewer, now, kind, input));
  await core.changes.publish(core.db, { kind: 'user', userId: input.userId });
  return toSanction(await requireSanctionRow(core.db, id), core.now());
}

/** Imposes a ban or mute inside the caller's transaction; returns the sanction's id. */
export async function writeSanction(trx: Kysely<Database>, viewer: Viewer, now: number, kind: SanctionKind, input: SanctionInput): Promise<number> {
  const target = await lockUser(trx, now, input.userId);
  requireScope(viewer, IMPOSE_SCOPES[kind]);
  if (!can(viewer, ACTIONS[kind], target)) throw forbidden();
  const reason = validateSanction(input);
  if (target[kind] !== null) throw conflict(kind, { user_id: [kind === 'ban' ? 'is already banned' : 'is already muted'] });
  const expiresAt = input.durationMs === null ? null : now + input.durationMs;
  const row = await trx
    .insertInto('sanctions')
    .values({ kind, user_id: target.id, actor_id: viewer.id, reason, created_at: now, updated_at: now, expires_at: expiresAt })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (kind === 'ban') await revokeAllSessions(trx, target.id, now);
  await recordAudit(trx, viewer, now, {
    action: ACTIONS[kind],
    subjectType: kind,
    subjectId: row.id,
    targetUserId: target.id,
    details: { reason, expires_at: expiresAt },
  });
  return row.id;
}

function validateSanction(input: SanctionInput): string {
  const problems = new Problems();
  const reason = typeof input.reason === 'string' ? input.reason.trim() : '';
  if (reason === '') problems.add('reason', "can't be blank");
  else problems.add('reason', ...textProblems(reason, REASON_MAX));
  const duration = input.durationMs;
  if (duration !== null && !(Number.isSafeInteger(duration) && duration > 0)) problems.add('duration', 'must be a positive number of milliseconds or null');
  problems.throwIfAny();
  return reason;
}

/**
 * Ends a ban or mute early; the viewer must be allowed to impose it on that user today.
 * Lifting one already lifted gives `conflict`.
 */
export async function liftSanction(core: Core, viewer: Viewer, sanctionId: number): Promise<Sanction> {
  const now = core.now();
  const userId = await core.db.transaction().execute((trx) => writeLift(trx, viewer, now, sanctionId));
  await core.changes.publish(core.db, { kind: 'user', userId });
  return toSanction(await requireSanctionRow(core.db, sanctionId), core.now());
}

/** Lifts a sanction inside the caller's transaction; returns the sanctioned user's id. */
export async function writeLift(trx: Kysely<Database>, viewer: Viewer, now: number, sanctionId: number): Promise<number> {
  const sanction = await requireSanctionRow(trx, sanctionId);
  const target = await lockUser(trx, now, sanction.user_id);
  requireScope(viewer, LIFT_SCOPES[sanction.kind]);
  if (!can(viewer, ACTIONS[sanction.kind], target)) throw forbidden();
  if (sanction.lifted_at !== null) throw conflict(sanction.kind, { lifted_at: ['already lifted'] });
  await trx.updateTable('sanctions').set({ lifted_at: now, lifted_by_id: viewer.id, updated_at: now }).where('id', '=', sanctionId).execute();
  await recordAudit(trx, viewer, now, {
    action: sanction.kind === 'ban' ? 'user.unban' : 'user.unmute',
    subjectType: sanction.kind,
    subjectId: sanctionId,
    targetUserId: sanction.user_id,
  });
  return sanction.user_id;
}

/** Bans are public (Danbooru's ban list); mutes only to moderators and the muted user. */
export async function getSanction(core: Core, viewer: Viewer, sanctionId: number): Promise<Sanction> {
  const row = await requireSanctionRow(core.db, sanctionId);
  if (row.kind === 'mute' && !canRead(viewer, 'users', 'mute', row.user_id)) throw forbidden();
  return toSanction(row, core.now());
}

/** Mutes are not public: moderators (search tier moderator and up) see them all. */
export const canViewMutes = (viewer: Viewer): boolean => rowsReadableBy(viewer, 'mutes').kind === 'all';

/**
 * Stack Auth's restricted-by-administrator state. The reason and private details must be null
 * unless the user is restricted (Stack's rule: 400 otherwise).
 */
export async function restrictUser(
  core: Core,
  viewer: Viewer,
  userId: number,
  input: { restricted: boolean; reason?: string | null; privateDetails?: string | null },
): Promise<User> {
  const now = core.now();
  await core.db.transaction().execute(async (trx) => {
    const target = await lockUser(trx, now, userId);
    if (!can(viewer, 'user.restrict', target)) throw forbidden();
    validateRestriction(input);
    const reason = input.restricted ? (input.reason ?? null) : null;
    const privateDetails = input.restricted ? (input.privateDetails ?? null) : null;
    await trx
      .updateTable('users')
      .set({ restricted_by_admin: input.restricted ? 1 : 0, restricted_by_admin_reason: reason, restricted_by_admin_private_details: privateDetails })
      .where('id', '=', userId)
      .execute();
    await recordUserAudit(trx, viewer, now, userId, input.restricted ? 'user.restrict' : 'user.unrestrict', { reason });
  });
  await core.changes.publish(core.db, { kind: 'user', userId });
  return requireUser(core, userId);
}

function validateRestriction(input: { restricted: boolean; reason?: string | null; privateDetails?: string | null }): void {
  const problems = new Problems();
  if (typeof input.restricted !== 'boolean') problems.add('restricted_by_admin', 'must be true or false');
  const fields = { restricted_by_admin_reason: input.reason, restricted_by_admin_private_details: input.privateDetails };
  for (const [field, value] of Object.entries(fields)) {
    if (value === undefined || value === null) continue;
    if (!input.restricted) problems.add(field, 'must be null unless the user is restricted');
    else problems.add(field, ...textProblems(value, REASON_MAX));
  }
  problems.throwIfAny();
}

async function requireSanctionRow(db: Kysely<Database>, sanctionId: number): Promise<SanctionRow> {
  const row = Number.isSafeInteger(sanctionId) ? await db.selectFrom('sanctions').selectAll().where('id', '=', sanctionId).executeTakeFirst() : undefined;
  if (!row) throw notFound('sanction');
  return row;
}

export function toSanction(row: SanctionRow, now: number): Sanction {
  return Object.freeze({
    id: row.id,
    kind: row.kind,
    user_id: row.user_id,
    actor_id: row.actor_id,
    reason: row.reason,
    created_at: row.created_at,
    updated_at: row.updated_at,
    expires_at: row.expires_at,
    lifted_at: row.lifted_at,
    lifted_by_id: row.lifted_by_id,
    in_force: row.lifted_at === null && (row.expires_at === null || row.expires_at > now),
  });
}
