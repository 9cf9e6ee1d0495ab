import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import { createStackProject, type CreatedStackProject, type StackProjectConfig } from '../../../src/core/orgs/stack-projects.js';
import { buildApp, type BuildAppOptions } from '../../../src/app.js';
import { createTestCore, type TestCore } from '../../support/database.js';

export const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);
export const PASSWORD = 'correct horse battery';

export type Access = 'client' | 'server' | 'admin' | 'none';

export interface StackRequest {
  readonly access: Access;
  readonly method?: InjectOptions['method'];
  readonly url: string;
  readonly body?: unknown;
  /** An access token, sent as `x-stack-access-token`. */
  readonly token?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly project?: CreatedStackProject;
}

export interface StackFixture {
  readonly core: TestCore;
  readonly app: FastifyInstance;
  readonly project: CreatedStackProject;
  readonly clock: { now: number };
  /** Headers for one access type of `project` (default: the fixture's project). */
  headers(access: Access, project?: CreatedStackProject): Record<string, string>;
  request(request: StackRequest): Promise<LightMyRequestResponse>;
  /** A new project with these settings. */
  newProject(config?: Partial<StackProjectConfig>): Promise<CreatedStackProject>;
  /** Signs a new user up with a password through the API; returns its tokens and id. */
  signUp(email: string, project?: CreatedStackProject): Promise<{ access_token: string; refresh_token: string; user_id: string }>;
  close(): Promise<void>;
}

export async function stackFixture(options: { config?: Partial<StackProjectConfig>; app?: BuildAppOptions; prefix?: string } = {}): Promise<StackFixture> {
  const clock = { now: T0 };
  const core = await createTestCore({ now: () => clock.now });
  const project = await createStackProject(core, SYSTEM, { displayName: 'Test project', ...(options.config ? { config: options.config } : {}) });
  const app = buildApp(core, options.app ?? {});
  await app.ready();
  const prefix = options.prefix ?? (options.app?.only ? '' : '/stack');
  const headers = (access: Access, p: CreatedStackProject = project): Record<string, string> => {
    if (access === 'none') return {};
    const base = { 'x-stack-project-id': p.project.id, 'x-stack-access-type': access };
    if (access === 'client') return { ...base, 'x-stack-publishable-client-key': p.publishableClientKey };
    if (access === 'server') return { ...base, 'x-stack-secret-server-key': p.secretServerKey };
    return { ...base, 'x-stack-super-secret-admin-key': p.superSecretAdminKey };
  };
  const request = (r: StackRequest): Promise<LightMyRequestResponse> =>
    app.inject({
      method: r.method ?? 'GET',
      url: `${prefix}${r.url}`,
      headers: {
        ...headers(r.access, r.project),
        ...(r.token ? { 'x-stack-access-token': r.token } : {}),
        ...(r.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...r.headers,
      },
      ...(r.body === undefined ? {} : { payload: JSON.stringify(r.body) }),
    });
  return {
    core,
    app,
    project,
    clock,
    headers,
    request,
    newProject: (config) => createStackProject(core, SYSTEM, { displayName: 'Other project', ...(config ? { config } : {}) }),
    async signUp(email, p = project) {
      const response = await request({
        access: 'client',
        project: p,
        method: 'POST',
        url: '/api/v1/auth/password/sign-up',
        body: { email, password: PASSWORD },
      });
      if (response.statusCode !== 200) throw new Error(`sign-up failed: ${response.statusCode} ${response.body}`);
      return response.json();
    },
    async close() {
      await app.close();
      await core.dispose();
    },
  };
}

/** A KnownError response, checked for Stack's shape; returns `{code, details, error}`. */
export function knownError(response: LightMyRequestResponse): { code: string; details?: Record<string, unknown>; error: string } {
  const body = JSON.parse(response.body) as { code: string; details?: Record<string, unknown>; error: string };
  if (response.headers['x-stack-known-error'] !== body.code)
    throw new Error(`X-Stack-Known-Error ${String(response.headers['x-stack-known-error'])} != ${body.code}`);
  if (response.body !== JSON.stringify(body, null, 2)) throw new Error('known errors are pretty-printed with two spaces');
  if (!String(response.headers['content-type']).startsWith('application/json')) throw new Error('known errors are JSON');
  return body;
}
