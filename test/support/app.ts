import type { FastifyInstance } from 'fastify';
import { buildApp, type BuildAppOptions } from '../../src/app.js';
import { createTestCore, type TestCore } from './database.js';

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
  const core = await createTestCore();
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
