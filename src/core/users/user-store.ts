import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { Database, SanctionRow } from '../../db/schema.js';
import { fixedQuery, type FixedQueryArgs } from '../../db/fixed-query.js';
import type { Core } from '../context.js';
import { nameKey } from './names.js';
import { toUser, USER_COLUMNS, type ActiveSanction, type User, type UserReadRow } from './user.js';

type Reader = Pick<Core, 'now'> & { readonly db: Kysely<Database> };

type UserReadArgs = [now: number, ids: readonly number[]] | [now: number, id: number];

/** `users.id` is an integer column; PostgreSQL would type a bare parameter like it, and fail above 2^31-1. */
const oneId = (args: FixedQueryArgs): RawBuilder<SqlBool> =>
  args.engine === 'postgres' ? sql<SqlBool>`users.id = cast(${args.value<number>(1)} as bigint)` : sql<SqlBool>`users.id = ${args.value<number>(1)}`;

/**
 * Rows of users: every column a user is built from but the password hash, of which only its
 * presence is read, and whether a sanction is in force: a scalar subquery, one index probe per
 * row on both engines (PostgreSQL would hash the whole sanctions table for an `exists`). Ids are
 * either a list bound as one parameter, or one id compared directly (most reads are of one
 * user, and `json_each` costs SQLite a third of the lookup).
 */
const userRows = (byOneId: boolean) =>
  fixedQuery<UserReadArgs, UserReadRow & { sanctioned: unknown }>((db, args) =>
    db
      .selectFrom('users')
      .select(USER_COLUMNS.map((column) => `users.${column}` as const))
      .select(sql<boolean>`users.password_hash is not null`.as('has_password'))
      .select((eb) =>
        eb
          .selectFrom('sanctions')
          .select(sql.lit(1).as('one'))
          .whereRef('sanctions.user_id', '=', 'users.id')
          .where('sanctions.lifted_at', 'is', null)
          .where((inner) => inner.or([inner('sanctions.expires_at', 'is', null), inner('sanctions.expires_at', '>', args.value<number>(0))]))
          .limit(1)
          .as('sanctioned'),
      )
      .where(byOneId ? oneId(args) : args.idIn('users.id', 1)),
  );
const usersById = userRows(false);
const userByOneId = userRows(true);

/** The sanctions in force of these users (only those that have one), in no order. */
const sanctionsInForce = fixedQuery<
  [now: number, userIds: readonly number[]],
  Pick<SanctionRow, 'id' | 'kind' | 'user_id' | 'reason' | 'actor_id' | 'created_at' | 'expires_at'>
>((db, args) =>
  db
    .selectFrom('sanctions')
    .select(['id', 'kind', 'user_id', 'reason', 'actor_id', 'created_at', 'expires_at'])
    .where(args.idIn('sanctions.user_id', 1))
    .where('lifted_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', args.value<number>(0))])),
);

/** Whether sanction `a` is newer than `b` (later, or as late with a higher id). */
const newer = (a: { created_at: number; id: number }, b: { created_at: number; id: number }): boolean =>
  a.created_at > b.created_at || (a.created_at === b.created_at && a.id > b.id);

/**
 * Loads users by id with their sanctions in force, in two queries whatever the count (no N+1).
 * Missing ids are skipped; the order follows `ids`.
 */
export async function loadUsers(core: Reader, ids: readonly number[]): Promise<User[]> {
  if (ids.length === 0) return [];
  const unique = [...new Set(ids)];
  const now = core.now();
  const rows = unique.length === 1 ? await userByOneId(core.db, now, unique[0]!) : await usersById(core.db, now, unique);
  const sanctioned = rows.flatMap((row) => (row.sanctioned === null ? [] : [row.id]));
  const sanctions = sanctioned.length === 0 ? [] : await sanctionsInForce(core.db, now, sanctioned);
  const inForce = new Map<number, { ban: ActiveSanction | null; mute: ActiveSanction | null }>();
  for (const s of sanctions) {
    const entry = inForce.get(s.user_id) ?? { ban: null, mute: null };
    const sanction: ActiveSanction = Object.freeze({
      id: s.id,
      reason: s.reason,
      actor_id: s.actor_id,
      created_at: s.created_at,
      expires_at: s.expires_at,
    });
    // The newest sanction of each kind is the one shown; any one in force makes the user banned/muted.
    if (s.kind === 'ban' && (!entry.ban || newer(sanction, entry.ban))) entry.ban = sanction;
    if (s.kind === 'mute' && (!entry.mute || newer(sanction, entry.mute))) entry.mute = sanction;
    inForce.set(s.user_id, entry);
  }
  const byId = new Map(rows.map((row) => [row.id, toUser(row, inForce.get(row.id) ?? { ban: null, mute: null })]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export async function loadUser(core: Reader, id: number): Promise<User | null> {
  if (!Number.isSafeInteger(id)) return null;
  return (await loadUsers(core, [id]))[0] ?? null;
}

const idByName = fixedQuery<[nameLower: string], { id: number }>((db, args) =>
  db.selectFrom('users').select('id').where('name_lower', '=', args.value<string>(0)),
);

const idByUuid = fixedQuery<[uuid: string], { id: number }>((db, args) => db.selectFrom('users').select('id').where('uuid', '=', args.value<string>(0)));

/** The user currently holding `name` (ignoring case), or null. */
export async function loadUserByName(core: Reader, name: string): Promise<User | null> {
  const [row] = await idByName(core.db, nameKey(name));
  return row ? loadUser(core, row.id) : null;
}

export async function loadUserByUuid(core: Reader, uuid: string): Promise<User | null> {
  const [row] = await idByUuid(core.db, uuid.toLowerCase());
  return row ? loadUser(core, row.id) : null;
}
