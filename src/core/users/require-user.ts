import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { notFound } from '../errors.js';
import type { User } from './user.js';
import { loadUser } from './user-store.js';

export interface UserReader {
  readonly db: Kysely<Database>;
  readonly now: () => number;
}

/** The user with this id; CoreError not_found otherwise. */
export async function requireUser(reader: UserReader, userId: number): Promise<User> {
  const user = await loadUser(reader, userId);
  if (!user) throw notFound('user');
  return user;
}

/**
 * Inside a write transaction: bumps the user's `updated_at` first, which takes the row lock on
 * PostgreSQL and the write lock on SQLite, so that concurrent writers to one user queue instead
 * of losing updates; then loads the user.
 */
export async function lockUser(trx: Kysely<Database>, now: number, userId: number): Promise<User> {
  if (!Number.isSafeInteger(userId)) throw notFound('user');
  const touched = await trx.updateTable('users').set({ updated_at: now }).where('id', '=', userId).returning('id').executeTakeFirst();
  if (!touched) throw notFound('user');
  return requireUser({ db: trx, now: () => now }, userId);
}
