import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Core } from '../../core/context.js';
import { loadSelectedTeams } from '../../core/orgs/stack-users.js';
import { storeStackImage } from '../../core/orgs/stack-images.js';
import type { User } from '../../core/users/user.js';
import type { StackAccess } from './access.js';
import { renderClientUser, renderServerUser } from './render.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The path and method as Stack's messages name them (`/api/v1/users/me`). */
    stackPath?: string;
  }
}

/** What every route handler is given. */
export interface StackRoutes {
  readonly core: Core;
  /** Where the dialect is mounted: `/stack`, or `` on its own port. */
  readonly prefix: string;
}

/** The path without the mount prefix or query, as Stack names it in messages. */
export function stackPath(request: FastifyRequest, prefix: string): string {
  const path = request.url.split('?')[0] ?? '';
  return prefix !== '' && path.startsWith(prefix) ? path.slice(prefix.length) : path;
}

/** Users in the shape of the access type: the client read, or the server read. */
export async function renderUsers(core: Core, access: StackAccess, users: readonly User[]): Promise<Record<string, unknown>[]> {
  const teams = await loadSelectedTeams(core, users);
  const context = { config: access.project.config, teams };
  return users.map((user) => (access.accessType === 'client' ? renderClientUser(user, context) : renderServerUser(user, context)));
}

export async function renderUser(core: Core, access: StackAccess, user: User): Promise<Record<string, unknown>> {
  return (await renderUsers(core, access, [user]))[0]!;
}

export function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify(body));
}

/** Stores a `data:image/…` profile image and returns the Roster URL it is served from. */
export async function storeImage(routes: StackRoutes, request: FastifyRequest, access: StackAccess, dataUrl: string): Promise<string> {
  const image = await storeStackImage(routes.core, access.viewer, dataUrl);
  return `${request.protocol}://${request.host}${routes.prefix}/api/v1/profile-images/${image.id}`;
}
