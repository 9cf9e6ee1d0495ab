import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Viewer } from '../access/viewer.js';

/** What an audit row records; `details` must never contain a secret. */
export interface AuditEntry {
  readonly action: string;
  readonly subjectType: 'user' | 'ban' | 'mute' | 'api_key' | 'session' | 'organization' | 'membership' | 'invitation' | 'stack_project' | 'subscription';
  readonly subjectId: number | null;
  readonly targetUserId: number | null;
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * Records a change made by `viewer`. Call it inside the transaction that makes the change, so
 * that the change and its audit row commit together.
 */
export async function recordAudit(db: Kysely<Database>, viewer: Viewer, now: number, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      actor_id: viewer.id,
      action: entry.action,
      subject_type: entry.subjectType,
      subject_id: entry.subjectId,
      target_user_id: entry.targetUserId,
      details: JSON.stringify(entry.details ?? {}),
      ip: viewer.ip,
      created_at: now,
    })
    .execute();
}

/** Records a change to one user account: the user is both the subject and the target. */
export async function recordUserAudit(
  db: Kysely<Database>,
  viewer: Viewer,
  now: number,
  userId: number,
  action: string,
  details?: Readonly<Record<string, unknown>>,
): Promise<void> {
  await recordAudit(db, viewer, now, { action, subjectType: 'user', subjectId: userId, targetUserId: userId, ...(details === undefined ? {} : { details }) });
}
