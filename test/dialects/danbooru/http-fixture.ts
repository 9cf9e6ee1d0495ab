import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { Level } from '../../../src/core/access/levels.js';
import { createUser } from '../../../src/core/users/users.js';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import type { BuildAppOptions } from '../../../src/app.js';
import { injectWithKey, openCast, PASSWORD, type Cast, type KeyedRequest } from '../../support/rails-fixture.js';

/** The cast of the Danbooru HTTP tests: one user per standing, each with an API key. */
export const ROLES = {
  owner: Level.Owner,
  admin: Level.Admin,
  moderator: Level.Moderator,
  gold: Level.Gold,
  member: Level.Member,
  other: Level.Member,
} as const;
export type Role = keyof typeof ROLES;

/** 2024-05-01T12:00:00.123 in US Eastern (EDT, -04:00): every record's creation time. */
export const T0 = Date.UTC(2024, 4, 1, 16, 0, 0, 123);
export const T0_EASTERN = '2024-05-01T12:00:00.123-04:00';

export { basic, form, PASSWORD, type AuthStyle, type KeyedRequest as RequestOptions } from '../../support/rails-fixture.js';

export interface DanbooruFixture extends Cast<Role> {
  request(role: Role | null, method: InjectOptions['method'], url: string, options?: KeyedRequest): Promise<LightMyRequestResponse>;
}

/** A migrated core with the cast, and the app mounted as `options` says (default: every dialect). */
export async function danbooruFixture(
  options: { app?: BuildAppOptions; env?: Record<string, string>; passwords?: readonly Role[] } = {},
): Promise<DanbooruFixture> {
  const cast = await openCast({
    start: T0,
    roles: Object.keys(ROLES) as Role[],
    // Hashing is deliberately slow: only the roles a test file asks for get a password.
    makeUser: (core, role) => {
      const level = ROLES[role];
      const password = options.passwords?.includes(role) ? PASSWORD : null;
      return createUser(core, SYSTEM, { name: `${role}_user`, level, email: `${role}@example.org`, password, ip: `203.0.113.${level}` });
    },
    ...(options.app ? { app: options.app } : {}),
    ...(options.env ? { env: options.env } : {}),
  });
  return {
    ...cast,
    request: (role, method, url, request = {}) =>
      injectWithKey(cast.app, role === null ? null : { name: cast.users[role].name, key: cast.keys[role] }, method, url, request),
  };
}

/** The Danbooru error body, checked for its shape; returns it. */
export function danbooruError(response: LightMyRequestResponse): { error: string; message: string; backtrace: unknown } {
  const body = response.json() as { success?: unknown; error?: unknown; message?: unknown; backtrace?: unknown };
  if (body.success !== false || typeof body.error !== 'string' || typeof body.message !== 'string') {
    throw new Error(`not Danbooru's error shape: ${response.body}`);
  }
  return { error: body.error, message: body.message, backtrace: body.backtrace };
}
