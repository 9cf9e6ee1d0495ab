import type { User } from '../../core/users/user.js';

/** Civitai's `status` (seed: "One of active, muted, banned"): a ban outranks a mute. */
export type CivitaiStatus = 'active' | 'muted' | 'banned';

export function civitaiStatus(user: User): CivitaiStatus {
  if (user.ban !== null) return 'banned';
  return user.mute !== null ? 'muted' : 'active';
}
