import { Level } from './levels.js';
import type { User } from '../users/user.js';

/** How the viewer proved who they are. */
export type Credential =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'system' }
  | { readonly kind: 'session'; readonly id: number }
  /** A name and password checked on this request alone (HTTP Basic, CVAT). */
  | { readonly kind: 'password' }
  | {
      readonly kind: 'api_key';
      readonly id: number;
      /** Actions the key may perform (`users:index`); empty means all. */
      readonly scopes: readonly string[];
      /** Addresses and CIDR ranges the key may be used from; empty means any. */
      readonly permittedIps: readonly string[];
    };

/**
 * Who is asking. Every core call takes the viewer first; there is no ambient current user.
 * `level` is the ladder level the rules use: 0 for anonymous, `Level.System` for the CLI.
 */
export interface Viewer {
  readonly id: number | null;
  readonly user: User | null;
  readonly level: number;
  readonly credential: Credential;
  readonly ip: string | null;
}

export const ANONYMOUS: Viewer = Object.freeze({
  id: null,
  user: null,
  level: Level.Anonymous,
  credential: Object.freeze({ kind: 'anonymous' }),
  ip: null,
});

/** The CLI and internal jobs: above every person, bound by no level rule. */
export const SYSTEM: Viewer = Object.freeze({
  id: null,
  user: null,
  level: Level.System,
  credential: Object.freeze({ kind: 'system' }),
  ip: null,
});

export function viewerFor(user: User, credential: Credential, ip: string | null): Viewer {
  return Object.freeze({ id: user.id, user, level: user.level, credential, ip });
}

export function anonymousFrom(ip: string | null): Viewer {
  return ip === null ? ANONYMOUS : Object.freeze({ ...ANONYMOUS, ip });
}

export const isSystem = (viewer: Viewer): boolean => viewer.credential.kind === 'system';
export const isSignedIn = (viewer: Viewer): viewer is Viewer & { id: number; user: User } => viewer.user !== null;
