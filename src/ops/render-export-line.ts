import { type NameChangeRow, type SanctionRow, type SubscriptionRow, type UserRow } from '../db/schema.js';
import type { UserLine } from './transfer-format.js';
import { accountFieldsOf, countersOf, metadataOf, parseJson, stringList } from '../core/users/user.js';

const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

export interface ExportLineOptions {
  /** Default true. False leaves `password_hash` out (the native API's export: no response carries a hash). */
  readonly passwordHashes?: boolean;
}

/** Renders a user and what belongs to them as one line of the transfer format (see transfer-format.ts), without the newline. */
export function renderExportLine(
  user: UserRow,
  related: { nameChanges: readonly NameChangeRow[]; sanctions: readonly SanctionRow[]; subscriptions: readonly SubscriptionRow[] },
  options: ExportLineOptions = {},
): string {
  const line: UserLine = {
    id: user.id,
    uuid: user.uuid,
    name: user.name,
    email: user.email,
    email_verified: user.email_verified === 1,
    password_hash: user.password_hash,
    ...accountFieldsOf(user),
    preferences: storedObject(user.preferences),
    ...metadataOf(user),
    country_code: user.country_code,
    risk_scores: parseJson(user.risk_scores),
    created_at: iso(user.created_at),
    updated_at: iso(user.updated_at),
    last_logged_in_at: isoOrNull(user.last_logged_in_at),
    last_active_at: isoOrNull(user.last_active_at),
    last_forum_read_at: isoOrNull(user.last_forum_read_at),
    last_ip_addr: user.last_ip_addr,
    counters: countersOf(user),
    self_signed_up: user.self_signed_up === 1,
    artist_tags: stringList(parseJson(user.artist_tags)),
    name_changes: related.nameChanges.map((c) => ({
      old_name: c.old_name,
      new_name: c.new_name,
      actor_id: c.actor_id,
      created_at: iso(c.created_at),
      updated_at: iso(c.updated_at),
    })),
    sanctions: related.sanctions.map((s) => ({
      kind: s.kind,
      actor_id: s.actor_id,
      reason: s.reason,
      created_at: iso(s.created_at),
      updated_at: iso(s.updated_at),
      expires_at: isoOrNull(s.expires_at),
      lifted_at: isoOrNull(s.lifted_at),
      lifted_by_id: s.lifted_by_id,
    })),
    subscriptions: related.subscriptions.map((s) => ({
      product: s.product,
      tier: s.tier,
      created_at: iso(s.created_at),
      expires_at: isoOrNull(s.expires_at),
      canceled_at: isoOrNull(s.canceled_at),
    })),
  };
  if (options.passwordHashes === false) delete (line as Partial<UserLine>).password_hash;
  return JSON.stringify(line);
}

/** The stored preferences document as it is (not merged with defaults), so a round trip keeps it. */
function storedObject(text: string): Record<string, unknown> {
  const value = parseJson(text);
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
