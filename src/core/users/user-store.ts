import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Core } from '../context.js';
import { nameKey } from './names.js';
import { toUser, USER_COLUMNS, type ActiveSanction, type User, type UserReadRow } from './user.js';

/**
 * The select list of a user read as one fragment: built by Kysely column by column, 53
 * references cost more to build and compile (~35 µs) than the read itself.
 */
const USER_SELECT_LIST = sql.raw(`${USER_COLUMNS.join(', ')}, password_hash is not null as has_password`);

type Reader = Pick<Core, 'now'> & { readonly db: Kysely<Database> };

/**
 * Loads users by id with their sanctions in force, in two queries whatever the count (no N+1).
 * Missing ids are skipped; the order follows `ids`.
 */
export async function loadUsers(core: Reader, ids: readonly number[]): Promise<User[]> {
  if (ids.length === 0) return [];
  const unique = [...new Set(ids)];
  const now = core.now();
  const [rows, sanctions] = await Promise.all([
    sql<UserReadRow>`select ${USER_SELECT_LIST} from users where id in (${sql.join(unique)})`.execute(core.db).then((result) => result.rows),
    core.db
      .selectFrom('sanctions')
      .select(['id', 'kind', 'user_id', 'reason', 'actor_id', 'created_at', 'expires_at'])
      .where('user_id', 'in', unique)
      .where('lifted_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute(),
  ]);
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
    if (s.kind === 'ban' && !entry.ban) entry.ban = sanction;
    if (s.kind === 'mute' && !entry.mute) entry.mute = sanction;
    inForce.set(s.user_id, entry);
  }
  const byId = new Map(rows.map((row) => [row.id, toUser(row, inForce.get(row.id) ?? { ban: null, mute: null })]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export async function loadUser(core: Reader, id: number): Promise<User | null> {
  if (!Number.isSafeInteger(id)) return null;
  return (await loadUsers(core, [id]))[0] ?? null;
}

/** The user currently holding `name` (ignoring case), or null. */
export async function loadUserByName(core: Reader, name: string): Promise<User | null> {
  const row = await core.db.selectFrom('users').select('id').where('name_lower', '=', nameKey(name)).executeTakeFirst();
  return row ? loadUser(core, row.id) : null;
}

export async function loadUserByUuid(core: Reader, uuid: string): Promise<User | null> {
  const row = await core.db.selectFrom('users').select('id').where('uuid', '=', uuid.toLowerCase()).executeTakeFirst();
  return row ? loadUser(core, row.id) : null;
}
