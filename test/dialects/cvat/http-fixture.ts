import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { createApiKey } from '../../../src/core/auth/api-keys.js';
import { Level } from '../../../src/core/access/levels.js';
import { addMembership, type AddMembershipInput } from '../../../src/core/orgs/memberships.js';
import { createOrganization, type Organization } from '../../../src/core/orgs/organizations.js';
import type { User } from '../../../src/core/users/user.js';
import { createUser } from '../../../src/core/users/users.js';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import { buildApp, type BuildAppOptions } from '../../../src/app.js';
import { createTestCore, type TestCore } from '../../support/database.js';

/**
 * The cast of the CVAT HTTP tests: an admin, the members of `my-team` in each role, a
 * non-member, each with an API key (sent as `Token`, or `Bearer` when asked).
 */
export const CAST = ['admin', 'owner', 'maintainer', 'supervisor', 'worker', 'outsider'] as const;
export type Role = (typeof CAST)[number];

export const T0 = Date.UTC(2024, 4, 1, 16, 0, 0, 123);
export const T0_CVAT = '2024-05-01T16:00:00.123000Z';
export const PASSWORD = 'correct horse battery';
export const ORG_SLUG = 'my-team';

export interface RequestOptions {
  readonly payload?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly scheme?: 'Token' | 'Bearer';
}

export interface CvatFixture {
  readonly core: TestCore;
  readonly app: FastifyInstance;
  readonly users: Readonly<Record<Role, User>>;
  readonly keys: Readonly<Record<Role, string>>;
  readonly org: Organization;
  readonly clock: { now: number };
  /** `/cvat` on the main port; `''` when the fixture serves the dialect at the root. */
  readonly prefix: string;
  request(role: Role | null, method: InjectOptions['method'], path: string, options?: RequestOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

const MEMBER_ROLES: Readonly<Partial<Record<Role, AddMembershipInput['role']>>> = { maintainer: 'maintainer', supervisor: 'supervisor', worker: 'worker' };

export async function cvatFixture(options: { app?: BuildAppOptions; passwords?: readonly Role[]; env?: Record<string, string> } = {}): Promise<CvatFixture> {
  const clock = { now: T0 };
  const core = await createTestCore({ now: () => clock.now, ...(options.env && { env: options.env }) });
  const users = {} as Record<Role, User>;
  const keys = {} as Record<Role, string>;
  for (const role of CAST) {
    const password = options.passwords?.includes(role) ? PASSWORD : null;
    users[role] = await createUser(core, SYSTEM, {
      name: `${role}_user`,
      level: role === 'admin' ? Level.Admin : Level.Member,
      email: `${role}@example.org`,
      password,
    });
    keys[role] = (await createApiKey(core, SYSTEM, users[role].id, { name: 'test' })).secret;
  }
  const org = await createOrganization(core, SYSTEM, { slug: ORG_SLUG, name: 'My Team', ownerId: users.owner.id });
  for (const [role, membership] of Object.entries(MEMBER_ROLES) as [Role, AddMembershipInput['role']][]) {
    await addMembership(core, SYSTEM, { organizationId: org.id, userId: users[role].id, role: membership });
  }
  const app = buildApp(core, options.app ?? {});
  await app.ready();
  const prefix = options.app?.only === 'cvat' ? '' : '/cvat';
  return {
    core,
    app,
    users,
    keys,
    org,
    clock,
    prefix,
    request(role, method, path, request = {}) {
      const headers: Record<string, string> = { ...(request.headers ?? {}) };
      if (role !== null) headers.authorization = `${request.scheme ?? 'Token'} ${keys[role]}`;
      return app.inject({
        method,
        url: `${prefix}${path}`,
        headers,
        ...(request.payload === undefined ? {} : { payload: request.payload as InjectOptions['payload'] }),
      });
    },
    async close() {
      await app.close();
      await core.dispose();
    },
  };
}

/** The absolute URL root the app answers with under inject (`http://localhost:80/cvat`). */
export const root = (fixture: CvatFixture): string => `http://localhost:80${fixture.prefix}`;
