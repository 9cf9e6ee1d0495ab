import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp, type BuildAppOptions } from '../../../src/app.js';
import { createApiKey } from '../../../src/core/auth/api-keys.js';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import type { User } from '../../../src/core/users/user.js';
import { createUser } from '../../../src/core/users/users.js';
import { createTestCore, type TestCore } from '../../support/database.js';

/** 2024-05-01T16:00:00.123Z: the core's clock at the start of every test; tests may move it. */
export const T0 = Date.UTC(2024, 4, 1, 16, 0, 0, 123);

/** The origins the fixture allows for credentialed CORS (the first is the default). */
export const ALLOWED_ORIGINS = ['https://civitai.example', 'https://developer.civitai.example'] as const;

export interface CivitaiFixture {
  readonly core: TestCore;
  readonly app: FastifyInstance;
  readonly clock: { now: number };
  /** Where the dialect is mounted: `/civitai`, or `''` on its own port. */
  readonly base: string;
  /** Creates a user (no password) with one API key. */
  user(name: string, options?: { level?: number }): Promise<{ user: User; key: string }>;
  request(method: InjectOptions['method'], path: string, headers?: Readonly<Record<string, string>>): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function civitaiFixture(
  options: { app?: BuildAppOptions; origins?: readonly string[]; env?: Record<string, string> } = {},
): Promise<CivitaiFixture> {
  const clock = { now: T0 };
  const origins = options.origins ?? ALLOWED_ORIGINS;
  const core = await createTestCore({ now: () => clock.now, env: { ROSTER_CIVITAI_CORS_ORIGINS: origins.join(','), ...options.env } });
  const app = buildApp(core, options.app ?? {});
  await app.ready();
  const base = options.app?.only === 'civitai' ? '' : '/civitai';
  return {
    core,
    app,
    clock,
    base,
    async user(name, userOptions = {}) {
      const user = await createUser(core, SYSTEM, {
        name,
        password: null,
        email: null,
        ...(userOptions.level === undefined ? {} : { level: userOptions.level }),
      });
      const key = (await createApiKey(core, SYSTEM, user.id, { name: 'test' })).secret;
      return { user, key };
    },
    request(method, path, headers = {}) {
      return app.inject({ method, url: `${base}${path}`, headers: { ...headers } });
    },
    async close() {
      await app.close();
      await core.dispose();
    },
  };
}

/** A response's headers without the ones that differ for every response (`date`, `x-request-id`). */
export function stableHeaders(response: LightMyRequestResponse): Record<string, unknown> {
  const { date: _date, 'x-request-id': _requestId, ...rest } = response.headers;
  return rest;
}
