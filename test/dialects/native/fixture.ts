import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { Level } from '../../../src/core/access/levels.js';
import type { User } from '../../../src/core/users/user.js';
import { createUser } from '../../../src/core/users/users.js';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import { castWithKeys, PASSWORD, serveCore } from '../../support/app.js';
import { createTestCore, type TestCore } from '../../support/database.js';

/** The cast of every native API test: one user per standing, each with an API key. */
export const ROLES = {
  owner: Level.Owner,
  admin: Level.Admin,
  moderator: Level.Moderator,
  builder: Level.Builder,
  member: Level.Member,
  other: Level.Member,
} as const;
export type Role = keyof typeof ROLES;

export interface NativeFixture {
  readonly core: TestCore;
  readonly app: FastifyInstance;
  readonly users: Readonly<Record<Role, User>>;
  readonly keys: Readonly<Record<Role, string>>;
  /** Sends a request as `role` (or anonymously with null); `body` is sent as JSON. */
  request(role: Role | null, method: InjectOptions['method'], url: string, body?: unknown): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export { PASSWORD };

export async function nativeFixture(options: { now?: () => number; env?: Record<string, string> } = {}): Promise<NativeFixture> {
  const core = await createTestCore({ ...(options.now ? { now: options.now } : {}), ...(options.env ? { env: options.env } : {}) });
  const { users, keys } = await castWithKeys(core, Object.keys(ROLES) as Role[], (role) =>
    // Only the member gets a password: hashing is deliberately slow.
    createUser(core, SYSTEM, { name: `${role}_user`, level: ROLES[role], email: `${role}@example.org`, password: role === 'member' ? PASSWORD : null }),
  );
  const { app, close } = await serveCore(core);
  return {
    core,
    app,
    users,
    keys,
    close,
    request(role, method, url, body) {
      return app.inject({
        method,
        url,
        headers: role === null ? {} : { authorization: `Bearer ${keys[role]}` },
        ...(body === undefined ? {} : { payload: body as InjectOptions['payload'] }),
      });
    },
  };
}

/** Asserts the native error shape and returns its code. */
export function errorCode(response: LightMyRequestResponse): string {
  const body = response.json() as { error?: { code?: unknown; message?: unknown; details?: unknown } };
  if (!body.error || typeof body.error.code !== 'string' || typeof body.error.message !== 'string' || typeof body.error.details !== 'object') {
    throw new Error(`not the native error shape: ${response.body}`);
  }
  return body.error.code;
}
