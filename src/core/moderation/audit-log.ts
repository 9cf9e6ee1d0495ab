import type { Core } from '../context.js';
import { forbidden } from '../errors.js';
import { can } from '../access/policy.js';
import { parseJson } from '../users/user.js';
import type { Viewer } from '../access/viewer.js';
import { checkBeforeIdPage, pageBeforeId, withinTimeRange, type BeforeIdPage, type BeforeIdRequest, type TimeRange } from '../paginator.js';

/** One audited change, as admins read it. `details` never holds a secret (see audit.ts). */
export interface AuditLogEntry {
  readonly id: number;
  readonly actor_id: number | null;
  readonly action: string;
  readonly subject_type: string;
  readonly subject_id: number | null;
  readonly target_user_id: number | null;
  readonly details: Readonly<Record<string, unknown>>;
  readonly ip: string | null;
  readonly created_at: number;
}

/** `limit` from 1 to {@link AUDIT_LOG_MAX_LIMIT}; `beforeId`: entries older than it; `since`/`until`: their time range. */
export interface AuditLogQuery extends BeforeIdRequest, TimeRange {
  readonly targetUserId?: number;
  readonly actorId?: number;
  /** Exactly this action (`user.ban`). */
  readonly action?: string;
}

export type AuditLogPage = BeforeIdPage<AuditLogEntry>;

export const AUDIT_LOG_MAX_LIMIT = 1000;

function asDetails(text: string): Readonly<Record<string, unknown>> {
  const value = parseJson(text);
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/**
 * Reads the audit log, newest first, optionally narrowed to a target user, an actor, an action and a time range. Paged
 * by id (the indexes are `(target_user_id, id)` and `(actor_id, id)`), so deep pages stay cheap.
 * Admins only (`audit.view`).
 *
 * @throws CoreError `forbidden` for anyone else; `invalid_param` for a bad limit or id.
 */
export async function listAuditLog(core: Core, viewer: Viewer, query: AuditLogQuery): Promise<AuditLogPage> {
  if (!can(viewer, 'audit.view')) throw forbidden();
  checkBeforeIdPage(query.limit, AUDIT_LOG_MAX_LIMIT, [
    ['target_user_id', query.targetUserId],
    ['actor_id', query.actorId],
    ['cursor', query.beforeId],
  ]);
  let select = core.db.selectFrom('audit_log').selectAll();
  if (query.targetUserId !== undefined) select = select.where('target_user_id', '=', query.targetUserId);
  if (query.actorId !== undefined) select = select.where('actor_id', '=', query.actorId);
  if (query.action !== undefined) select = select.where('action', '=', query.action);
  const page = await pageBeforeId(withinTimeRange(select, query), query);
  const items = page.items.map((row): AuditLogEntry =>
    Object.freeze({
      id: row.id,
      actor_id: row.actor_id,
      action: row.action,
      subject_type: row.subject_type,
      subject_id: row.subject_id,
      target_user_id: row.target_user_id,
      details: asDetails(row.details),
      ip: row.ip,
      created_at: row.created_at,
    }),
  );
  return { items, nextBeforeId: page.nextBeforeId };
}
