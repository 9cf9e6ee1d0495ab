import type { FastifyRequest } from 'fastify';
import { getVisibleMember } from '../../core/orgs/member-visibility.js';
import type { User } from '../../core/users/user.js';
import { deleteUser } from '../../core/users/users.js';
import type { Viewer } from '../../core/access/viewer.js';
import { searchMembers } from '../../query/search-members.js';
import { methodNotAllowed, notAuthenticated } from './errors.js';
import { isPrivileged } from './levels.js';
import { paginate, pageParams } from './pagination.js';
import { userFilter, userSort, type Query } from './params.js';
import { basicUser, fullUser, FullUserSchema, type UrlRoot } from './render.js';
import { contextOrganizationId, organizationContext, requestUrl } from './request-context.js';
import { noContent, type RouteGroup } from './routes.js';
import { applyUserPatch, parseUserPatch } from './user-patch.js';

/** The serializer CVAT picks (`get_serializer_class`): full for oneself and for superusers, basic otherwise. */
function serialize(root: UrlRoot, viewer: Viewer, user: User, own: boolean): Record<string, unknown> {
  const superuser = viewer.user !== null && isPrivileged(viewer.level);
  return own || superuser ? { ...fullUser(root, user) } : { ...basicUser(root, user) };
}

/** DRF: a path id that is not a number matches no object ("Not found."). */
function pathId(request: FastifyRequest): number {
  const text = (request.params as { id: string }).id;
  return /^\d+$/.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : Number.NaN;
}

const notFoundDetail = { detail: 'Not found.' };

/** `/api/users` (spec §1.1): list, retrieve, self, partial update, destroy. */
export const userRoutes: RouteGroup = (app, { core, root }) => {
  app.get('/api/users', async (request) => {
    const query = (request.query ?? {}) as Query;
    const context = await organizationContext(core, request);
    const filter = userFilter(query);
    const sort = userSort(query);
    const params = pageParams(query);
    return paginate(
      params,
      requestUrl(request),
      async (offset, limit) => {
        const found = await searchMembers(core, request.viewer, context, {
          filter,
          sort,
          page: { kind: 'offset', offset, limit: limit ?? 1_000_000_000 },
          count: true,
        });
        return { items: found.users, total: found.total ?? 0 };
      },
      (user) => serialize(root(request), request.viewer, user, false),
    );
  });

  app.get('/api/users/self', { schema: { response: { 200: FullUserSchema } } }, async (request) => {
    const viewer = request.viewer;
    if (viewer.user === null) throw notAuthenticated();
    return fullUser(root(request), viewer.user);
  });

  app.get('/api/users/:id', async (request, reply) => {
    const id = pathId(request);
    if (Number.isNaN(id)) return reply.code(404).send(notFoundDetail);
    const context = await organizationContext(core, request);
    const user = await getVisibleMember(core, request.viewer, id, contextOrganizationId(context));
    return serialize(root(request), request.viewer, user, request.viewer.id === user.id);
  });

  app.patch('/api/users/:id', async (request, reply) => {
    const id = pathId(request);
    if (Number.isNaN(id)) return reply.code(404).send(notFoundDetail);
    const context = await organizationContext(core, request);
    const target = await getVisibleMember(core, request.viewer, id, contextOrganizationId(context));
    await applyUserPatch(core, request.viewer, target, parseUserPatch(request.body));
    const user = await getVisibleMember(core, request.viewer, id, contextOrganizationId(context));
    return serialize(root(request), request.viewer, user, request.viewer.id === user.id);
  });

  app.delete('/api/users/:id', async (request, reply) => {
    const id = pathId(request);
    if (Number.isNaN(id)) return reply.code(404).send(notFoundDetail);
    const context = await organizationContext(core, request);
    await getVisibleMember(core, request.viewer, id, contextOrganizationId(context));
    // Roster asks for the current password when users delete themselves (README deviation).
    const body = request.body as { password?: unknown } | undefined;
    const password = typeof body?.password === 'string' ? body.password : undefined;
    await deleteUser(core, request.viewer, id, password === undefined ? {} : { password });
    return noContent(reply);
  });

  for (const method of ['PUT', 'POST'] as const) {
    app.route({ method, url: '/api/users/:id', handler: async () => Promise.reject(methodNotAllowed(method)) });
  }
  for (const method of ['PUT', 'POST', 'DELETE'] as const) {
    app.route({ method, url: '/api/users', handler: async () => Promise.reject(methodNotAllowed(method)) });
  }
  for (const method of ['PUT', 'POST', 'PATCH', 'DELETE'] as const) {
    app.route({ method, url: '/api/users/self', handler: async () => Promise.reject(methodNotAllowed(method)) });
  }
};
