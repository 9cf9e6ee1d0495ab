import type { FastifyInstance, FastifyRequest } from 'fastify';
import { deleteOwnStackUser, teamIdOfUuid } from '../../core/orgs/stack-users.js';
import type { User } from '../../core/users/user.js';
import { createUser, deleteUser, getUserByUuid, updateUser } from '../../core/users/users.js';
import { listStackUsers } from '../../query/list-stack-users.js';
import { requireServer, resolveAccess, type StackAccess } from './access.js';
import { renderUser, renderUsers, sendJson, stackPath, storeImage, type StackRoutes } from './context.js';
import { cannotGetOwnUser, schemaError, userNotFound } from './errors.js';
import { parseListQuery, parseUserCreate, parseUserPatch, type ParsedWrite } from './params.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type UserParams = { user_id: string };

/** Stack answers for deleted accounts as for accounts that never were. */
function live(user: User): User {
  if (user.is_deleted) throw userNotFound();
  return user;
}

/** `me` (the access token's user) or a user uuid. */
async function targetUser(routes: StackRoutes, request: FastifyRequest, access: StackAccess, userId: string): Promise<User> {
  if (userId === 'me') {
    if (!access.user) throw cannotGetOwnUser();
    return access.user;
  }
  if (!UUID.test(userId)) throw schemaError(request.method, stackPath(request, routes.prefix), ['params.user_id must be a valid UUID']);
  return live(await getUserByUuid(routes.core, userId));
}

/** Resolves what a write needs before the core call: the stored image's URL and the team's id. */
async function prepareWrite<T extends { profileImageUrl?: string | null; selectedTeamId?: number | null }>(
  routes: StackRoutes,
  request: FastifyRequest,
  access: StackAccess,
  parsed: ParsedWrite<T>,
): Promise<T> {
  let input = parsed.input;
  if (parsed.imageDataUrl !== null) input = { ...input, profileImageUrl: await storeImage(routes, request, access, parsed.imageDataUrl) };
  if (parsed.selectedTeam !== undefined) {
    input = { ...input, selectedTeamId: parsed.selectedTeam === null ? null : await teamIdOfUuid(routes.core, parsed.selectedTeam, 'team_membership') };
  }
  return input;
}

async function patchUser(routes: StackRoutes, request: FastifyRequest, access: StackAccess, target: User): Promise<User> {
  const parsed = parseUserPatch(request.body, access.accessType, request.method, stackPath(request, routes.prefix));
  errorContext(request, { email: parsed.email ?? null, teamId: parsed.selectedTeam ?? null, userId: target.uuid });
  return updateUser(routes.core, access.viewer, target.id, await prepareWrite(routes, request, access, parsed));
}

/** Values the error renderer names in messages (the email that conflicted, the team not joined). */
export interface WriteContext {
  readonly email?: string | null;
  readonly teamId?: string | null;
  readonly userId?: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    stackWrite?: WriteContext;
  }
}

function errorContext(request: FastifyRequest, context: WriteContext): void {
  request.stackWrite = context;
}

export function userRoutes(app: FastifyInstance, routes: StackRoutes): void {
  const { core } = routes;

  app.get('/api/v1/users/me', async (request, reply) => {
    const access = await resolveAccess(core, request);
    if (!access.user) throw cannotGetOwnUser();
    return sendJson(reply, 200, await renderUser(core, access, access.user));
  });

  app.patch('/api/v1/users/me', async (request, reply) => {
    const access = await resolveAccess(core, request);
    if (!access.user) throw cannotGetOwnUser();
    return sendJson(reply, 200, await renderUser(core, access, await patchUser(routes, request, access, access.user)));
  });

  app.delete('/api/v1/users/me', async (request, reply) => {
    const access = await resolveAccess(core, request);
    if (!access.user) throw cannotGetOwnUser();
    if (access.accessType === 'client') await deleteOwnStackUser(core, access.viewer, access.project);
    else await deleteUser(core, access.viewer, access.user.id);
    return sendJson(reply, 200, { success: true });
  });

  app.get('/api/v1/users', async (request, reply) => {
    const access = await resolveAccess(core, request);
    requireServer(access);
    const list = parseListQuery((request.query ?? {}) as Record<string, unknown>, request.method, stackPath(request, routes.prefix));
    errorContext(request, { teamId: list.teamUuid });
    const page = await listStackUsers(core, access.viewer, access.project.config, list);
    return sendJson(reply, 200, { items: await renderUsers(core, access, page.users), is_paginated: true, pagination: { next_cursor: page.nextCursor } });
  });

  app.post('/api/v1/users', async (request, reply) => {
    const access = await resolveAccess(core, request);
    requireServer(access);
    const parsed = parseUserCreate(request.body, request.method, stackPath(request, routes.prefix));
    errorContext(request, { email: parsed.email ?? null });
    const user = await createUser(core, access.viewer, await prepareWrite(routes, request, access, parsed));
    return sendJson(reply, 201, await renderUser(core, access, user));
  });

  app.get<{ Params: UserParams }>('/api/v1/users/:user_id', async (request, reply) => {
    const access = await resolveAccess(core, request);
    requireServer(access);
    return sendJson(reply, 200, await renderUser(core, access, await targetUser(routes, request, access, request.params.user_id)));
  });

  app.patch<{ Params: UserParams }>('/api/v1/users/:user_id', async (request, reply) => {
    const access = await resolveAccess(core, request);
    requireServer(access);
    const target = await targetUser(routes, request, access, request.params.user_id);
    return sendJson(reply, 200, await renderUser(core, access, await patchUser(routes, request, access, target)));
  });

  app.delete<{ Params: UserParams }>('/api/v1/users/:user_id', async (request, reply) => {
    const access = await resolveAccess(core, request);
    requireServer(access);
    const target = await targetUser(routes, request, access, request.params.user_id);
    await deleteUser(core, access.viewer, target.id);
    return sendJson(reply, 200, { success: true });
  });
}
