import type { ApiUser } from './types.js';

/** `banned, muted` or `active`: what stands against an account, in a word or two. */
export function statusOf(user: ApiUser): string {
  const marks = [user.is_deleted && 'deleted', user.is_banned && 'banned', user.is_muted && 'muted', user.restricted_by_admin && 'restricted'];
  return marks.filter(Boolean).join(', ') || 'active';
}
