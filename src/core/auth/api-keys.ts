import type { ApiKeyRow } from '../../db/schema.js';
import { recordAudit } from '../moderation/audit.js';
import type { Core } from '../context.js';
import { flushCredentialUse } from './credential-cache.js';
import { forbidden, notFound, validationFailed } from '../errors.js';
import { ipRangesProblems } from './ip-ranges.js';
import { assertNotWiderThanCaller, isScope } from './scopes.js';
import { can } from '../access/policy.js';
import { generateSecret, hashSecret, secretHint } from './secrets.js';
import type { User } from '../users/user.js';
import { loadUser } from '../users/user-store.js';
import type { Viewer } from '../access/viewer.js';

/** An API key as the core hands it out: never its secret nor the secret's hash. */
export interface ApiKey {
  readonly id: number;
  readonly user_id: number;
  readonly name: string;
  readonly token_hint: string;
  readonly scopes: readonly string[];
  readonly permitted_ips: readonly string[];
  readonly expires_at: number | null;
  readonly created_at: number;
  readonly updated_at: number;
  readonly last_used_at: number | null;
  readonly last_ip: string | null;
  readonly uses: number;
  readonly revoked_at: number | null;
}

export interface NewApiKey {
  readonly name?: string;
  readonly scopes?: readonly string[];
  readonly permittedIps?: readonly string[];
  readonly expiresAt?: number | null;
}

/** Danbooru: at most 20 keys per user. */
export const MAX_API_KEYS_PER_USER = 20;
export const DEFAULT_API_KEY_NAME = 'API key';
const MAX_NAME_LENGTH = 100;
const MAX_SCOPES = 100;

export function parseStringList(text: string): readonly string[] {
  try {
    const value: unknown = JSON.parse(text);
    return Object.freeze(Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);
  } catch {
    return Object.freeze([]);
  }
}

function toApiKey(row: ApiKeyRow): ApiKey {
  return Object.freeze({
    id: row.id,
    user_id: row.user_id,
    name: row.name,
    token_hint: row.token_hint,
    scopes: parseStringList(row.scopes),
    permitted_ips: parseStringList(row.permitted_ips),
    expires_at: row.expires_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
    last_used_at: row.last_used_at,
    last_ip: row.last_ip,
    uses: row.uses,
    revoked_at: row.revoked_at,
  });
}

/**
 * Who may reach a user's credentials: `user.manage_credentials` (the owner alone, as Danbooru's
 * key routes have it) or `user.oversee_credentials` (also an admin above them, as the native API
 * and its console have it: list and revoke, never create).
 */
export type CredentialReach = 'user.manage_credentials' | 'user.oversee_credentials';

/** The user whose credentials `viewer` wants to reach: themself, an admin's inferior when overseeing, or anyone for the system. */
export async function loadCredentialOwner(core: Core, viewer: Viewer, userId: number, reach: CredentialReach = 'user.manage_credentials'): Promise<User> {
  const owner = await loadUser(core, userId);
  if (!owner) throw notFound('user');
  if (!can(viewer, reach, owner)) throw forbidden();
  return owner;
}

interface ValidKey {
  readonly name: string;
  readonly scopes: readonly string[];
  readonly permittedIps: readonly string[];
  readonly expiresAt: number | null;
}

function validateNewKey(input: NewApiKey, now: number): ValidKey {
  const name = input.name?.trim() || DEFAULT_API_KEY_NAME;
  const scopes = [...new Set((input.scopes ?? []).map((s) => s.trim()))];
  const permittedIps = [...new Set((input.permittedIps ?? []).map((ip) => ip.trim()))];
  const expiresAt = input.expiresAt ?? null;
  const errors: Record<string, string[]> = {};
  const add = (field: string, messages: string[]) => {
    if (messages.length > 0) errors[field] = messages;
  };
  add('name', [...name].length > MAX_NAME_LENGTH ? [`is too long (maximum is ${MAX_NAME_LENGTH} characters)`] : []);
  add('scopes', [
    ...(scopes.length > MAX_SCOPES ? [`can have at most ${MAX_SCOPES} entries`] : []),
    // One vocabulary for every dialect (scopes.ts); Danbooru also refuses names it does not know.
    ...scopes.filter((s) => !isScope(s)).map((s) => `"${s.slice(0, 64)}" is not an action like users:index`),
  ]);
  add('permitted_ips', ipRangesProblems(permittedIps));
  add('expires_at', expiresAt !== null && (!Number.isSafeInteger(expiresAt) || expiresAt <= now) ? ['must be in the future'] : []);
  if (Object.keys(errors).length > 0) throw validationFailed(errors);
  return { name, scopes, permittedIps, expiresAt };
}

/**
 * Creates an API key for `userId` (the user themself, or the system). The secret is returned
 * here and never again; only its SHA-256 is stored. Writes an audit row.
 */
export async function createApiKey(core: Core, viewer: Viewer, userId: number, input: NewApiKey): Promise<{ apiKey: ApiKey; secret: string }> {
  await loadCredentialOwner(core, viewer, userId);
  const now = core.now();
  const key = validateNewKey(input, now);
  assertNotWiderThanCaller(viewer, key);
  const secret = generateSecret();
  const row = await core.db.transaction().execute(async (trx) => {
    const { count } = await trx
      .selectFrom('api_keys')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .executeTakeFirstOrThrow();
    if (Number(count) >= MAX_API_KEYS_PER_USER) throw validationFailed({ base: [`cannot have more than ${MAX_API_KEYS_PER_USER} API keys`] });
    const inserted = await trx
      .insertInto('api_keys')
      .values({
        user_id: userId,
        name: key.name,
        token_hash: hashSecret(secret),
        token_hint: secretHint(secret),
        scopes: JSON.stringify(key.scopes),
        permitted_ips: JSON.stringify(key.permittedIps),
        expires_at: key.expiresAt,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, viewer, now, {
      action: 'api_key.create',
      subjectType: 'api_key',
      subjectId: inserted.id,
      targetUserId: userId,
      details: { name: key.name, scopes: key.scopes, permitted_ips: key.permittedIps, expires_at: key.expiresAt },
    });
    return inserted;
  });
  return { apiKey: toApiKey(row), secret };
}

/** The user's keys that are not revoked (expired ones included), newest first. */
export async function listApiKeys(core: Core, viewer: Viewer, userId: number, reach?: CredentialReach): Promise<ApiKey[]> {
  await loadCredentialOwner(core, viewer, userId, reach);
  await flushCredentialUse(core);
  const rows = await core.db.selectFrom('api_keys').selectAll().where('user_id', '=', userId).where('revoked_at', 'is', null).orderBy('id', 'desc').execute();
  return rows.map(toApiKey);
}

/**
 * Revokes a key; every instance refuses it from the next request on. Someone else's key is
 * `not_found`, as Danbooru scopes keys to their owner. Revoking twice returns the key unchanged.
 */
export async function revokeApiKey(core: Core, viewer: Viewer, apiKeyId: number, reach: CredentialReach = 'user.manage_credentials'): Promise<ApiKey> {
  const row = Number.isSafeInteger(apiKeyId) ? await core.db.selectFrom('api_keys').selectAll().where('id', '=', apiKeyId).executeTakeFirst() : undefined;
  const owner = row ? await loadUser(core, row.user_id) : null;
  if (!row || !owner || !can(viewer, reach, owner)) throw notFound('api_key');
  if (row.revoked_at !== null) return toApiKey(row);
  const now = core.now();
  const revoked = await core.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('api_keys')
      .set({ revoked_at: now, updated_at: now })
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, viewer, now, {
      action: 'api_key.revoke',
      subjectType: 'api_key',
      subjectId: row.id,
      targetUserId: row.user_id,
      details: { name: row.name },
    });
    await core.changes.publish(trx, { kind: 'credential', tokenHash: row.token_hash });
    return updated;
  });
  return toApiKey(revoked);
}
