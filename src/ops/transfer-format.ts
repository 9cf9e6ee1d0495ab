import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { COUNTER_NAMES, type CounterName, type NameChangeRow, type SanctionRow, type SubscriptionRow, type UserRow } from '../db/schema.js';
import { isUserLevel, Level } from '../core/access/levels.js';
import { nameKey, nameProblems, normalizeName } from '../core/users/names.js';
import { isSupportedPasswordHash } from '../core/auth/passwords.js';
import { emailProblems, metadataProblems, Problems } from '../core/users/user-validation.js';
import { findNulCharacter, findUnstorableCharacter } from '../core/text.js';

/**
 * The transfer format (`roster export` / `roster import`): JSON Lines, one user per line, with
 * everything that belongs to the user: the password hash (any supported format, so people keep
 * their passwords), name history, bans and mutes, subscriptions, counters, preferences and the
 * three metadata documents. Times are ISO 8601 strings in UTC with milliseconds (an integer of
 * milliseconds is accepted on import). Other users are referred to by their `id` in the same file.
 * Not carried: API keys, sessions, organizations and memberships.
 *
 * On import every field but `name` may be left out (defaults as for a new account), so other
 * systems' users can be brought in by writing lines of this shape.
 */
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Time = Type.Union([Type.String({ maxLength: 40 }), Type.Integer({ minimum: 0 })]);
const UserRef = Nullable(Type.Integer({ minimum: 1 }));

const NameChangeLine = Type.Object(
  {
    old_name: Type.String({ minLength: 1, maxLength: 200 }),
    new_name: Type.String({ minLength: 1, maxLength: 200 }),
    actor_id: Type.Optional(UserRef),
    created_at: Time,
    updated_at: Type.Optional(Time),
  },
  { additionalProperties: false },
);

const SanctionLine = Type.Object(
  {
    kind: Type.Union([Type.Literal('ban'), Type.Literal('mute')]),
    actor_id: Type.Optional(UserRef),
    reason: Type.String({ maxLength: 10_000 }),
    created_at: Time,
    updated_at: Type.Optional(Time),
    expires_at: Type.Optional(Nullable(Time)),
    lifted_at: Type.Optional(Nullable(Time)),
    lifted_by_id: Type.Optional(UserRef),
  },
  { additionalProperties: false },
);

const SubscriptionLine = Type.Object(
  {
    product: Type.String({ minLength: 1, maxLength: 200 }),
    tier: Type.String({ minLength: 1, maxLength: 200 }),
    created_at: Time,
    expires_at: Type.Optional(Nullable(Time)),
    canceled_at: Type.Optional(Nullable(Time)),
  },
  { additionalProperties: false },
);

const Counters = Type.Object(Object.fromEntries(COUNTER_NAMES.map((name) => [name, Type.Optional(Type.Integer())])), { additionalProperties: false });
const Text = (max: number) => Type.String({ maxLength: max });

const USER_FIELDS = {
  id: Type.Integer({ minimum: 1 }),
  uuid: Type.String({ pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' }),
  email: Nullable(Text(254)),
  email_verified: Type.Boolean(),
  password_hash: Nullable(Text(1000)),
  first_name: Text(150),
  last_name: Text(150),
  display_name: Nullable(Text(256)),
  profile_image_url: Nullable(Text(1_000_000)),
  avatar_id: Nullable(Type.Integer()),
  avatar_nsfw: Text(40),
  level: Type.Integer(),
  inviter_id: UserRef,
  is_deleted: Type.Boolean(),
  is_anonymous: Type.Boolean(),
  restricted_by_admin: Type.Boolean(),
  restricted_by_admin_reason: Nullable(Text(10_000)),
  restricted_by_admin_private_details: Nullable(Text(10_000)),
  preferences: Type.Record(Type.String(), Type.Unknown()),
  client_metadata: Type.Unknown(),
  client_read_only_metadata: Type.Unknown(),
  server_metadata: Type.Unknown(),
  country_code: Nullable(Text(8)),
  risk_scores: Type.Unknown(),
  created_at: Time,
  updated_at: Time,
  last_logged_in_at: Nullable(Time),
  last_active_at: Nullable(Time),
  last_forum_read_at: Nullable(Time),
  last_ip_addr: Nullable(Text(64)),
  counters: Counters,
  self_signed_up: Type.Boolean(),
  artist_tags: Type.Array(Text(200), { maxItems: 10_000 }),
  name_changes: Type.Array(NameChangeLine, { maxItems: 10_000 }),
  sanctions: Type.Array(SanctionLine, { maxItems: 10_000 }),
  subscriptions: Type.Array(SubscriptionLine, { maxItems: 10_000 }),
};

const ImportLine = Type.Composite([Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }) }), Type.Partial(Type.Object(USER_FIELDS))], {
  additionalProperties: false,
});

export type ImportLineValue = Static<typeof ImportLine>;

// Compiled once: checking a million lines with the interpreting checker costs seconds.
const importLineCheck = TypeCompiler.Compile(ImportLine);

/** A line as `roster export` writes it. */
export type UserLine = { name: string } & { [K in keyof typeof USER_FIELDS]: Static<(typeof USER_FIELDS)[K]> };

/** A user read from a line, checked and converted to column values; ids are still the file's. */
export interface ImportRecord {
  readonly line: number;
  readonly sourceId: number | null;
  readonly uuid: string | null;
  readonly name: string;
  readonly nameLower: string;
  readonly inviterSourceId: number | null;
  /**
   * The users row, filled in place when written: `id`, `uuid` and `inviter_id` start as
   * placeholders (one object per user rather than a copy: a million copies cost seconds).
   */
  readonly row: Omit<UserRow, 'selected_team_id'>;
  readonly nameChanges: readonly (Omit<NameChangeRow, 'id' | 'user_id' | 'actor_id'> & { actorSourceId: number | null })[];
  readonly sanctions: readonly (Omit<SanctionRow, 'id' | 'user_id' | 'actor_id' | 'lifted_by_id'> & {
    actorSourceId: number | null;
    liftedBySourceId: number | null;
  })[];
  readonly subscriptions: readonly Omit<SubscriptionRow, 'id' | 'user_id'>[];
}

/** A line that could not be read, with the reason. */
export class LineError extends Error {
  override readonly name = 'LineError';
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;

function toMs(value: string | number, field: string): number {
  if (typeof value === 'number') return value;
  const ms = ISO_TIME.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms) || ms < 0) throw new LineError(`${field}: not an ISO 8601 time`);
  return ms;
}

const toMsOrNull = (value: string | number | null | undefined, field: string): number | null =>
  value === null || value === undefined ? null : toMs(value, field);

/** Parses and checks one line; throws `LineError` with the first problem found. */
export function parseImportLine(text: string, line: number, now: number): ImportRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new LineError('not valid JSON');
  }
  // As every request is (http/nul-guard.ts): PostgreSQL refuses NUL and lone surrogates, and
  // SQLite would store them, or bytes that are not UTF-8.
  const unstorable = findNulCharacter(parsed) ?? findUnstorableCharacter(parsed);
  if (unstorable !== null)
    throw new LineError(`${unstorable || 'line'}: holds a character no stored text may hold (NUL, a control character, a lone surrogate)`);
  if (!importLineCheck.Check(parsed)) {
    const first = importLineCheck.Errors(parsed).First();
    throw new LineError(`${first?.path.slice(1).replaceAll('/', '.') || 'line'}: ${first?.message ?? 'invalid'}`);
  }
  const value = parsed;
  checkDomain(value);
  return toRecord(value, line, now);
}

function checkDomain(value: ImportLineValue): void {
  const problems = new Problems();
  const name = normalizeName(value.name);
  problems.add('name', ...nameProblems(name, { allowDeletedPattern: value.is_deleted === true }));
  if (value.email !== undefined && value.email !== null) problems.add('email', ...emailProblems(value.email));
  if (value.level !== undefined && !isUserLevel(value.level)) problems.add('level', 'is not a level on the ladder');
  if (value.password_hash !== undefined && value.password_hash !== null && !isSupportedPasswordHash(value.password_hash)) {
    problems.add('password_hash', 'is not in a supported format');
  }
  for (const key of ['client_metadata', 'client_read_only_metadata', 'server_metadata', 'risk_scores'] as const) {
    if (value[key] !== undefined) problems.add(key, ...metadataProblems(value[key]));
  }
  try {
    problems.throwIfAny();
  } catch (error) {
    throw new LineError(error instanceof Error ? error.message : String(error));
  }
}

const json = (value: unknown): string | null => (value === undefined || value === null ? null : JSON.stringify(value));

function toRecord(value: ImportLineValue, line: number, now: number): ImportRecord {
  const row = toUserRow(value, now);
  return {
    line,
    sourceId: value.id ?? null,
    uuid: value.uuid?.toLowerCase() ?? null,
    name: row.name,
    nameLower: row.name_lower,
    inviterSourceId: value.inviter_id ?? null,
    row,
    nameChanges: (value.name_changes ?? []).map((change, index) => {
      const at = toMs(change.created_at, `name_changes.${index}.created_at`);
      return {
        old_name: change.old_name,
        old_name_lower: nameKey(change.old_name),
        new_name: change.new_name,
        new_name_lower: nameKey(change.new_name),
        actorSourceId: change.actor_id ?? null,
        created_at: at,
        updated_at: toMsOrNull(change.updated_at, `name_changes.${index}.updated_at`) ?? at,
      };
    }),
    sanctions: (value.sanctions ?? []).map(toSanction),
    subscriptions: (value.subscriptions ?? []).map((subscription, index) => ({
      product: subscription.product,
      tier: subscription.tier,
      created_at: toMs(subscription.created_at, `subscriptions.${index}.created_at`),
      expires_at: toMsOrNull(subscription.expires_at, `subscriptions.${index}.expires_at`),
      canceled_at: toMsOrNull(subscription.canceled_at, `subscriptions.${index}.canceled_at`),
    })),
  };
}

function toSanction(sanction: NonNullable<ImportLineValue['sanctions']>[number], index: number): ImportRecord['sanctions'][number] {
  const at = toMs(sanction.created_at, `sanctions.${index}.created_at`);
  return {
    kind: sanction.kind,
    reason: sanction.reason,
    actorSourceId: sanction.actor_id ?? null,
    liftedBySourceId: sanction.lifted_by_id ?? null,
    created_at: at,
    updated_at: toMsOrNull(sanction.updated_at, `sanctions.${index}.updated_at`) ?? at,
    expires_at: toMsOrNull(sanction.expires_at, `sanctions.${index}.expires_at`),
    lifted_at: toMsOrNull(sanction.lifted_at, `sanctions.${index}.lifted_at`),
  };
}

function toUserRow(value: ImportLineValue, now: number): ImportRecord['row'] {
  const name = normalizeName(value.name);
  const createdAt = toMsOrNull(value.created_at, 'created_at') ?? now;
  const counters = Object.fromEntries(COUNTER_NAMES.map((counter) => [counter, value.counters?.[counter] ?? 0])) as Record<CounterName, number>;
  return {
    id: 0,
    uuid: '',
    inviter_id: null,
    name,
    name_lower: nameKey(name),
    email: value.email ?? null,
    email_lower: value.email?.toLowerCase() ?? null,
    email_verified: value.email_verified ? 1 : 0,
    password_hash: value.password_hash ?? null,
    first_name: value.first_name ?? '',
    last_name: value.last_name ?? '',
    display_name: value.display_name ?? null,
    profile_image_url: value.profile_image_url ?? null,
    avatar_id: value.avatar_id ?? null,
    avatar_nsfw: value.avatar_nsfw ?? 'None',
    level: value.level ?? Level.Member,
    is_deleted: value.is_deleted ? 1 : 0,
    is_anonymous: value.is_anonymous ? 1 : 0,
    restricted_by_admin: value.restricted_by_admin ? 1 : 0,
    restricted_by_admin_reason: value.restricted_by_admin_reason ?? null,
    restricted_by_admin_private_details: value.restricted_by_admin_private_details ?? null,
    preferences: JSON.stringify(value.preferences ?? {}),
    client_metadata: json(value.client_metadata),
    client_read_only_metadata: json(value.client_read_only_metadata),
    server_metadata: json(value.server_metadata),
    country_code: value.country_code ?? null,
    risk_scores: json(value.risk_scores),
    created_at: createdAt,
    updated_at: toMsOrNull(value.updated_at, 'updated_at') ?? createdAt,
    last_logged_in_at: toMsOrNull(value.last_logged_in_at, 'last_logged_in_at'),
    last_active_at: toMsOrNull(value.last_active_at, 'last_active_at'),
    last_forum_read_at: toMsOrNull(value.last_forum_read_at, 'last_forum_read_at'),
    last_ip_addr: value.last_ip_addr ?? null,
    self_signed_up: value.self_signed_up ? 1 : 0,
    artist_tags: JSON.stringify(value.artist_tags ?? []),
    ...counters,
  };
}
