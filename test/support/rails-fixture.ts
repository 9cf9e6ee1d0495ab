import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { User } from '../../src/core/users/user.js';
import type { BuildAppOptions } from '../../src/app.js';
import { castWithKeys, serveCore } from './app.js';
import { createTestCore, type TestCore } from './database.js';

/**
 * What the Danbooru and e621 HTTP fixtures share: a cast of users with an API key each on a core
 * whose clock the tests move, the app, and requests that present a key the Rails-family ways.
 */

export { PASSWORD } from './app.js';

/** How a request presents its key: Basic (the default), another scheme word, or `login`+`api_key` in the query. */
export type AuthStyle = 'basic' | 'token-scheme' | 'query';

export interface KeyedRequest {
  readonly payload?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly auth?: AuthStyle;
  readonly remoteAddress?: string;
}

export interface Cast<Role extends string> {
  readonly core: TestCore;
  readonly app: FastifyInstance;
  readonly users: Record<Role, User>;
  readonly keys: Readonly<Record<Role, string>>;
  /** The core's clock, in ms; tests may move it forward. */
  readonly clock: { now: number };
  close(): Promise<void>;
}

export const basic = (name: string, key: string, scheme = 'Basic'): string => `${scheme} ${Buffer.from(`${name}:${key}`).toString('base64')}`;

/**
 * A migrated core starting at `start` with one user per role (made by `makeUser`, each given an
 * API key), `prepare` run on them, then the app mounted as `app` says (default: every dialect).
 */
export async function openCast<Role extends string>(options: {
  readonly start: number;
  readonly roles: readonly Role[];
  readonly makeUser: (core: TestCore, role: Role) => Promise<User>;
  readonly prepare?: (core: TestCore, users: Record<Role, User>) => Promise<void>;
  readonly app?: BuildAppOptions;
  readonly env?: Record<string, string>;
}): Promise<Cast<Role>> {
  const clock = { now: options.start };
  const core = await createTestCore({ now: () => clock.now, ...(options.env ? { env: options.env } : {}) });
  const { users, keys } = await castWithKeys(core, options.roles, (role) => options.makeUser(core, role));
  await options.prepare?.(core, users);
  const { app, close } = await serveCore(core, options.app);
  return { core, app, users, keys, clock, close };
}

/** Injects a request presenting `user`'s key (none when `user` is null) as `request.auth` says. */
export function injectWithKey(
  app: FastifyInstance,
  user: { readonly name: string; readonly key: string } | null,
  method: InjectOptions['method'],
  url: string,
  request: KeyedRequest & { readonly defaultHeaders?: Readonly<Record<string, string>> } = {},
): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { ...(request.defaultHeaders ?? {}), ...(request.headers ?? {}) };
  let target = url;
  const style = request.auth ?? 'basic';
  if (user !== null && style === 'query') {
    target = `${url}${url.includes('?') ? '&' : '?'}login=${encodeURIComponent(user.name)}&api_key=${encodeURIComponent(user.key)}`;
  } else if (user !== null) headers.authorization = basic(user.name, user.key, style === 'basic' ? 'Basic' : 'Token');
  return app.inject({
    method,
    url: target,
    headers,
    ...(request.remoteAddress === undefined ? {} : { remoteAddress: request.remoteAddress }),
    ...(request.payload === undefined ? {} : { payload: request.payload as InjectOptions['payload'] }),
  });
}

/** A form body, as Rails clients send it (`user[name]=x&…`). */
export function form(fields: Readonly<Record<string, string>>): { payload: string; headers: Record<string, string> } {
  return { payload: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } };
}
