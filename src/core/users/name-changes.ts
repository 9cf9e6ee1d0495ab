import type { Kysely } from 'kysely';
import type { Database, NameChangeRow } from '../../db/schema.js';
import { nameKey } from './names.js';

/** One rename: Danbooru's user_name_change_request. `actor_id` is who renamed (the user, staff, or null for the system). */
export interface NameChange {
  readonly id: number;
  readonly user_id: number;
  readonly old_name: string;
  readonly new_name: string;
  readonly actor_id: number | null;
  readonly created_at: number;
  readonly updated_at: number;
}

/** Writes the history row of a rename; call it in the transaction that renames. */
export async function insertNameChange(
  trx: Kysely<Database>,
  change: { userId: number; oldName: string; newName: string; actorId: number | null; now: number },
): Promise<void> {
  await trx
    .insertInto('name_changes')
    .values({
      user_id: change.userId,
      old_name: change.oldName,
      old_name_lower: nameKey(change.oldName),
      new_name: change.newName,
      new_name_lower: nameKey(change.newName),
      actor_id: change.actorId,
      created_at: change.now,
      updated_at: change.now,
    })
    .execute();
}

/** Renames a user made of their own accord since `since` (the weekly limit). */
export async function countSelfRenamesSince(trx: Kysely<Database>, userId: number, since: number): Promise<number> {
  const row = await trx
    .selectFrom('name_changes')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('user_id', '=', userId)
    .where('actor_id', '=', userId)
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export function toNameChange(row: NameChangeRow): NameChange {
  return Object.freeze({
    id: row.id,
    user_id: row.user_id,
    old_name: row.old_name,
    new_name: row.new_name,
    actor_id: row.actor_id,
    created_at: row.created_at,
    updated_at: row.updated_at,
  });
}
