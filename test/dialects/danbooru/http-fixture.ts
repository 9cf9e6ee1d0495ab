import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { createApiKey } from '../../../src/core/auth/api-keys.js';
import { Level } from '../../../src/core/access/levels.js';
import type { User } from '../../../src/core/users/user.js';
import { createUser } from '../../../src/core/users/users.js';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import { buildApp, type BuildAppOptions } from '../../../src/app.js';
import { createTestCore, type TestCore } from '../../support/database.js';

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

export const PASSWORD = 'correct horse battery';

/** How a request presents its key: Basic (the default), another scheme word, or `login`+`api_key` in the query. */
export type AuthStyle = 'basic' | 'token-scheme' | 'query';

export interface RequestOptions {
  readonly payload?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly auth?: AuthStyle;
  readonly remoteAddress?: string;
}

export interface DanbooruFixture {
  readonly core: TestCore;
  readonly app: FastifyInstance;
  readonly users: Readonly<Record<Role, User>>;
  readonly keys: Readonly<Record<Role, string>>;
  /** The core's clock, in ms; tests may move it forward. */
  readonly clock: { now: number };
  request(role: Role | null, method: InjectOptions['method'], url: string, options?: RequestOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export const basic = (name: string, key: string, scheme = 'Basic'): string => `${scheme} ${Buffer.from(`${name}:${key}`).toString('base64')}`;

function withAuth(url: string, headers: Record<string, string>, name: string, key: string, style: AuthStyle): string {
  if (style === 'query') return `${url}${url.includes('?') ? '&' : '?'}login=${encodeURIComponent(name)}&api_key=${encodeURIComponent(key)}`;
  headers.authorization = basic(name, key, style === 'basic' ? 'Basic' : 'Token');
  return url;
}

/** A migrated core with the cast, and the app mounted as `options` says (default: every dialect). */
export async function danbooruFixture(
  options: { app?: BuildAppOptions; env?: Record<string, string>; passwords?: readonly Role[] } = {},
): Promise<DanbooruFixture> {
  const clock = { now: T0 };
  const core = await createTestCore({ now: () => clock.now, ...(options.env ? { env: options.env } : {}) });
  const users = {} as Record<Role, User>;
  const keys = {} as Record<Role, string>;
  for (const [role, level] of Object.entries(ROLES) as [Role, number][]) {
    // Hashing is deliberately slow: only the roles a test file asks for get a password.
    const password = options.passwords?.includes(role) ? PASSWORD : null;
    const ip = `203.0.113.${level}`;
    users[role] = await createUser(core, SYSTEM, { name: `${role}_user`, level, email: `${role}@example.org`, password, ip });
    keys[role] = (await createApiKey(core, SYSTEM, users[role].id, { name: 'test' })).secret;
  }
  const app = buildApp(core, options.app ?? {});
  await app.ready();
  return {
    core,
    app,
    users,
    keys,
    clock,
    request(role, method, url, request = {}) {
      const headers: Record<string, string> = { ...(request.headers ?? {}) };
      const target = role === null ? url : withAuth(url, headers, users[role].name, keys[role], request.auth ?? 'basic');
      return app.inject({
        method,
        url: target,
        headers,
        ...(request.remoteAddress === undefined ? {} : { remoteAddress: request.remoteAddress }),
        ...(request.payload === undefined ? {} : { payload: request.payload as InjectOptions['payload'] }),
      });
    },
    async close() {
      await app.close();
      await core.dispose();
    },
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

/** A form body, as Danbooru clients send it (`user[name]=x&…`). */
export function form(fields: Readonly<Record<string, string>>): { payload: string; headers: Record<string, string> } {
  return {
    payload: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  };
}
