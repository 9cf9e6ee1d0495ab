import type { FastifyInstance } from 'fastify';
import { SYSTEM } from '../../src/core/access/viewer.js';
import { createApiKey } from '../../src/core/auth/api-keys.js';
import type { User } from '../../src/core/users/user.js';
import { buildApp, type BuildAppOptions } from '../../src/app.js';
import { createTestCore, type TestCore } from './database.js';

/** The password test users are given where one is needed. */
export const PASSWORD = 'correct horse battery';

export interface TestApp {
  readonly core: TestCore;
  readonly app: FastifyInstance;
  /** Closes the app, then the core, and drops its database. */
  readonly close: () => Promise<void>;
}

/**
 * A migrated core on a fresh database and the app on it (every dialect unless `options` says
 * otherwise), ready for `inject`; `extend` may add routes before it is made ready.
 */
export async function openTestApp(options: BuildAppOptions = {}, extend?: (app: FastifyInstance) => void): Promise<TestApp> {
  return serveCore(await createTestCore(), options, extend);
}

/** The app on `core` (see {@link openTestApp}), made ready; closing it disposes of the core too. */
export async function serveCore(core: TestCore, options: BuildAppOptions = {}, extend?: (app: FastifyInstance) => void): Promise<TestApp> {
  const app = buildApp(core, options);
  extend?.(app);
  await app.ready();
  return {
    core,
    app,
    close: async () => {
      await app.close();
      await core.dispose();
    },
  };
}

/** Runs `use` on a fresh test app (see {@link openTestApp}) and closes it whatever happens. */
export async function withTestApp(
  options: BuildAppOptions,
  use: (app: FastifyInstance) => Promise<void>,
  extend?: (app: FastifyInstance) => void,
): Promise<void> {
  const served = await openTestApp(options, extend);
  try {
    await use(served.app);
  } finally {
    await served.close();
  }
}

/** One user per role (made by `makeUser`), each given an API key named `test`. */
export async function castWithKeys<Role extends string>(
  core: TestCore,
  roles: readonly Role[],
  makeUser: (role: Role) => Promise<User>,
): Promise<{ users: Record<Role, User>; keys: Record<Role, string> }> {
  const users = {} as Record<Role, User>;
  const keys = {} as Record<Role, string>;
  for (const role of roles) {
    users[role] = await makeUser(role);
    keys[role] = (await createApiKey(core, SYSTEM, users[role].id, { name: 'test' })).secret;
  }
  return { users, keys };
}
