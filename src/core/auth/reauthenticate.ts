import type { Core } from '../context.js';
import { validationFailed } from '../errors.js';
import { verifyPassword } from './passwords.js';
import { isSystem, type Viewer } from '../access/viewer.js';

/**
 * How recent a sign-in must be to change one's password or email without giving the current
 * password again (OWASP ASVS 6.2.3 / 7.5.1 ask for re-authentication before such changes).
 */
export const RECENT_SIGN_IN_MS = 5 * 60_000;

/** What a caller offers as proof that they are the account's owner, not a thief of its token. */
export interface Reauthentication {
  readonly currentPassword?: string;
}

/**
 * Requires proof of the current password before a user changes their own password or email
 * (Danbooru asks for `old_password` / the password on its password and email routes; Stack
 * Auth for `old_password`): the current password, or a session opened less than
 * `RECENT_SIGN_IN_MS` ago. An API key is never proof on its own. Accounts without a password
 * have nothing to prove against. The system and staff acting on others are not asked.
 *
 * @throws CoreError `validation_failed` on `current_password` when the proof is missing or wrong.
 */
export async function requireReauthentication(core: Core, viewer: Viewer, userId: number, proof: Reauthentication): Promise<void> {
  if (isSystem(viewer) || viewer.id !== userId) return;
  const row = await core.db.selectFrom('users').select('password_hash').where('id', '=', userId).executeTakeFirst();
  if (!row?.password_hash) return;
  if (proof.currentPassword !== undefined) {
    if ((await verifyPassword(row.password_hash, proof.currentPassword)).ok) return;
    throw validationFailed({ current_password: ['is incorrect'] });
  }
  const credential = viewer.credential;
  if (credential.kind === 'session' && credential.createdAt !== undefined && core.now() - credential.createdAt < RECENT_SIGN_IN_MS) return;
  throw validationFailed({ current_password: ['is required to change your password or email'] });
}
