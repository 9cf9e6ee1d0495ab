import type { FastifyInstance, RouteOptions } from 'fastify';
import { buildApp, DIALECTS } from '../../src/app.js';
import { Level } from '../../src/core/access/levels.js';
import { SYSTEM } from '../../src/core/access/viewer.js';
import { createApiKey } from '../../src/core/auth/api-keys.js';
import { banUser } from '../../src/core/moderation/moderation.js';
import { createUser } from '../../src/core/users/users.js';
import { createTestCore, type TestCore } from '../support/database.js';
import type { FuzzCredentials, FuzzRoute } from './hostile-requests.js';

/** The name of the target holding the routes outside every dialect. */
export const ROOT_TARGET = 'root';

export interface FuzzTarget {
  readonly dialect: string;
  readonly prefix: string;
  /** Every route Fastify registered under the prefix (HEAD included); empty for a dialect with none yet. */
  readonly routes: readonly FuzzRoute[];
}

export interface FuzzFixture {
  readonly core: TestCore;
  readonly app: FastifyInstance;
  readonly targets: readonly FuzzTarget[];
  readonly credentials: FuzzCredentials;
  close(): Promise<void>;
}

const basic = (name: string, key: string): string => `Basic ${Buffer.from(`${name}:${key}`).toString('base64')}`;

/** Property names of a TypeBox/JSON schema object, when it is one. */
function propertyNames(schema: unknown): string[] {
  if (schema === null || typeof schema !== 'object') return [];
  const properties = (schema as { properties?: unknown }).properties;
  return properties !== null && typeof properties === 'object' ? Object.keys(properties) : [];
}

/**
 * A test core with a few users of each standing (the first ones are the ones path ids hit, so the
 * callers' own accounts last longer), and the whole app, every route recorded as Fastify
 * registers it: a dialect added later is fuzzed without touching this file.
 */
export async function fuzzFixture(): Promise<FuzzFixture> {
  const core = await createTestCore();
  const victims = [];
  for (const [name, level] of [
    ['victim_member', Level.Member],
    ['victim_gold', Level.Gold],
    ['victim_builder', Level.Builder],
  ] as const) {
    victims.push(await createUser(core, SYSTEM, { name, level, email: `${name}@example.org` }));
  }
  const victimKey = await createApiKey(core, SYSTEM, victims[0]!.id, { name: 'victim' });
  const ban = await banUser(core, SYSTEM, { userId: victims[1]!.id, reason: 'fuzz', durationMs: 86_400_000 });
  const valid: string[] = [];
  for (const [name, level] of [
    ['fuzz_owner', Level.Owner],
    ['fuzz_admin', Level.Admin],
    ['fuzz_member', Level.Member],
  ] as const) {
    const user = await createUser(core, SYSTEM, { name, level, email: `${name}@example.org`, password: 'correct horse battery' });
    const { secret } = await createApiKey(core, SYSTEM, user.id, { name: 'fuzz' });
    valid.push(`Bearer ${secret}`, basic(name, secret));
  }
  const app = buildApp(core);
  const seen: FuzzRoute[] = [];
  app.addHook('onRoute', (route: RouteOptions) => {
    const names = [...propertyNames(route.schema?.querystring), ...propertyNames(route.schema?.body)];
    const schemas = { querySchema: route.schema?.querystring, bodySchema: route.schema?.body };
    for (const method of [route.method].flat()) seen.push({ method, url: route.url, names, ...schemas });
  });
  await app.ready();
  // The OpenAPI document is built on its first request, as JSON and as YAML (a one-off ~2 s of
  // blocked event loop for the YAML, cached after): warmed here, reported as a finding instead.
  for (const url of ['/docs/json', '/docs/yaml']) await app.inject({ method: 'GET', url });
  const under = (prefix: string, url: string) => url === prefix || url.startsWith(`${prefix}/`) || url.startsWith(`${prefix}.`);
  const targets: FuzzTarget[] = DIALECTS.map((dialect) => ({
    dialect: dialect.name,
    prefix: dialect.prefix,
    routes: seen.filter(({ url }) => under(dialect.prefix, url)),
  }));
  // Routes outside every dialect (health, metrics, docs) are fuzzed as one more target.
  targets.push({ dialect: ROOT_TARGET, prefix: '', routes: seen.filter(({ url }) => !DIALECTS.some((dialect) => under(dialect.prefix, url))) });
  const ids = [...victims.map((user) => String(user.id)), String(victimKey.apiKey.id), String(ban.id), String(victims[0]!.name)];
  return {
    core,
    app,
    targets,
    credentials: { valid, ids },
    async close() {
      await app.close();
      await core.dispose();
    },
  };
}
