import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { Level } from '../../../src/core/access/levels.js';
import { ANONYMOUS, SYSTEM } from '../../../src/core/access/viewer.js';
import { createApiKey } from '../../../src/core/auth/api-keys.js';
import { banUser } from '../../../src/core/moderation/moderation.js';
import type { User } from '../../../src/core/users/user.js';
import { createUser, signUp, updateUser } from '../../../src/core/users/users.js';
import { buildApp, type BuildAppOptions } from '../../../src/app.js';
import { createTestCore, type TestCore } from '../../support/database.js';

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
export const PASSWORD = 'correct horse battery';

export interface RequestOptions {
  readonly payload?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Basic (default) or `login`+`api_key` in the query. */
  readonly auth?: 'basic' | 'query';
}

export interface E621Fixture {
  readonly core: TestCore;
  readonly app: FastifyInstance;
  readonly users: Readonly<Record<Role, User>>;
  readonly keys: Readonly<Record<Role, string>>;
  readonly clock: { now: number };
  /** Mounted at `/e621` unless the app serves only e621 at its root. */
  readonly prefix: string;
  request(role: Role | null, method: InjectOptions['method'], url: string, options?: RequestOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export const basic = (name: string, key: string): string => `Basic ${Buffer.from(`${name}:${key}`).toString('base64')}`;

async function makeUser(core: TestCore, role: Role, password: string | null): Promise<User> {
  const name = `${role}_user`;
  if (role === 'unactivated') return signUp(core, ANONYMOUS, { name, password, email: `${role}@example.org` });
  return createUser(core, SYSTEM, { name, level: ROLES[role], email: `${role}@example.org`, emailVerified: true, password });
}

export async function e621Fixture(options: { app?: BuildAppOptions; env?: Record<string, string>; passwords?: readonly Role[] } = {}): Promise<E621Fixture> {
  const clock = { now: T0 };
  const core = await createTestCore({ now: () => clock.now, ...(options.env ? { env: options.env } : {}) });
  const users = {} as Record<Role, User>;
  const keys = {} as Record<Role, string>;
  for (const role of Object.keys(ROLES) as Role[]) {
    // Hashing is deliberately slow: only the roles a test file asks for get a password.
    users[role] = await makeUser(core, role, options.passwords?.includes(role) ? PASSWORD : null);
    keys[role] = (await createApiKey(core, SYSTEM, users[role].id, { name: 'test' })).secret;
  }
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
  const app = buildApp(core, options.app ?? {});
  await app.ready();
  const prefix = options.app?.only === 'e621' ? '' : '/e621';
  return {
    core,
    app,
    users,
    keys,
    clock,
    prefix,
    request(role, method, url, request = {}) {
      const headers: Record<string, string> = { 'user-agent': 'roster-tests/1.0 (e621 dialect)', ...(request.headers ?? {}) };
      let target = `${prefix}${url}`;
      if (role !== null && request.auth === 'query') {
        target = `${target}${target.includes('?') ? '&' : '?'}login=${encodeURIComponent(users[role].name)}&api_key=${encodeURIComponent(keys[role])}`;
      } else if (role !== null) headers.authorization = basic(users[role].name, keys[role]);
      return app.inject({ method, url: target, headers, ...(request.payload === undefined ? {} : { payload: request.payload as InjectOptions['payload'] }) });
    },
    async close() {
      await app.close();
      await core.dispose();
    },
  };
}

/** A form body (`user[name]=x&…`), as the e621 client sends it. */
export function form(fields: Readonly<Record<string, string>>): { payload: string; headers: Record<string, string> } {
  return { payload: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } };
}
