import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { Level } from '../../../src/core/access/levels.js';
import { ANONYMOUS, SYSTEM } from '../../../src/core/access/viewer.js';
import { banUser } from '../../../src/core/moderation/moderation.js';
import type { User } from '../../../src/core/users/user.js';
import { createUser, signUp, updateUser } from '../../../src/core/users/users.js';
import type { BuildAppOptions } from '../../../src/app.js';
import type { TestCore } from '../../support/database.js';
import { injectWithKey, openCast, PASSWORD, type Cast, type KeyedRequest } from '../../support/rails-fixture.js';

/** The cast of the e621 HTTP tests: one user per standing, each with an API key. */
export const ROLES = {
  owner: Level.Owner,
  admin: Level.Admin,
  moderator: Level.Moderator,
  approver: Level.Approver,
  contributor: Level.Contributor,
  gold: Level.Gold,
  member: Level.Member,
  restricted: Level.Restricted,
  banned: Level.Member,
  /** Signed up by themselves, email not verified: e621's Unactivated. */
  unactivated: Level.Member,
} as const;
export type Role = keyof typeof ROLES;

/** 2024-05-01T12:00:00.123Z: every record's creation time. */
export const T0 = Date.UTC(2024, 4, 1, 12, 0, 0, 123);
export const T0_EASTERN = '2024-05-01T08:00:00.123-04:00';
export { basic, form, PASSWORD } from '../../support/rails-fixture.js';

/** Basic (default) or `login`+`api_key` in the query. */
export type RequestOptions = Omit<KeyedRequest, 'auth' | 'remoteAddress'> & { readonly auth?: 'basic' | 'query' };

export interface E621Fixture extends Cast<Role> {
  /** Mounted at `/e621` unless the app serves only e621 at its root. */
  readonly prefix: string;
  request(role: Role | null, method: InjectOptions['method'], url: string, options?: RequestOptions): Promise<LightMyRequestResponse>;
}

async function makeUser(core: TestCore, role: Role, password: string | null): Promise<User> {
  const name = `${role}_user`;
  if (role === 'unactivated') return signUp(core, ANONYMOUS, { name, password, email: `${role}@example.org` });
  return createUser(core, SYSTEM, { name, level: ROLES[role], email: `${role}@example.org`, emailVerified: true, password });
}

export async function e621Fixture(options: { app?: BuildAppOptions; env?: Record<string, string>; passwords?: readonly Role[] } = {}): Promise<E621Fixture> {
  const cast = await openCast({
    start: T0,
    roles: Object.keys(ROLES) as Role[],
    // Hashing is deliberately slow: only the roles a test file asks for get a password.
    makeUser: (core, role) => makeUser(core, role, options.passwords?.includes(role) ? PASSWORD : null),
    prepare: async (core, users) => {
      await banUser(core, SYSTEM, { userId: users.banned.id, reason: 'spam', durationMs: null });
      users.member = await updateUser(core, SYSTEM, users.member.id, {
        avatarId: 77,
        artistTags: ['member_art', 'second_tag'],
        counters: {
          post_upload_count: 1,
          post_deleted_count: 2,
          post_update_count: 3,
          favorite_count: 4,
          wiki_page_version_count: 5,
          forum_post_count: 6,
          note_update_count: 7,
          comment_count: 8,
          blip_count: 9,
          set_count: 10,
          pool_version_count: 11,
          positive_feedback_count: 12,
          neutral_feedback_count: 13,
          negative_feedback_count: 14,
        },
      });
    },
    ...(options.app ? { app: options.app } : {}),
    ...(options.env ? { env: options.env } : {}),
  });
  const prefix = options.app?.only === 'e621' ? '' : '/e621';
  return {
    ...cast,
    prefix,
    request: (role, method, url, request = {}) =>
      injectWithKey(cast.app, role === null ? null : { name: cast.users[role].name, key: cast.keys[role] }, method, `${prefix}${url}`, {
        ...request,
        defaultHeaders: { 'user-agent': 'roster-tests/1.0 (e621 dialect)' },
      }),
  };
}
