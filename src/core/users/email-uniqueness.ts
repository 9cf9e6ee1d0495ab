import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { emailTaken } from '../errors.js';

/**
 * Emails are unique among live accounts, ignoring case (Stack Auth `USER_EMAIL_ALREADY_EXISTS`).
 * Checked inside the writing transaction; without a unique index two concurrent writes of one
 * address on PostgreSQL can still both pass (a unique index is the follow-up).
 */
export async function assertEmailAvailable(db: Kysely<Database>, email: string | null, exceptUserId: number | null): Promise<void> {
  if (email === null || email === '') return;
  let query = db.selectFrom('users').select('id').where('email_lower', '=', email.toLowerCase()).where('is_deleted', '=', 0);
  if (exceptUserId !== null) query = query.where('id', '!=', exceptUserId);
  const taken = await query.limit(1).executeTakeFirst();
  if (taken) throw emailTaken();
}
