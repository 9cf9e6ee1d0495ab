import { changeMembershipRole, getMembership, isMembershipRole, listMemberships, removeMembership, type Membership } from '../../core/orgs/memberships.js';
import { loadUserByName } from '../../core/users/user-store.js';
import { paginate, pageParams } from './pagination.js';
import { queryValue, type Query } from './params.js';
import { roleOf } from './org-params.js';
import { membershipJson } from './render.js';
import { contextOrganizationId, organizationContext, requestUrl } from './request-context.js';
import { usersById } from './routes-organizations.js';
import { noContent, type RouteGroup } from './routes.js';

const membershipId = (params: unknown): number => {
  const text = (params as { id: string }).id;
  return /^\d+$/.test(text) ? Number(text) : Number.NaN;
};

/**
 * `/api/memberships` (spec §1.8): list with the org context and `user` (username, exact) and
 * `role` filters; PATCH `role`; DELETE with CVAT's rules (the core's policy).
 */
export const membershipRoutes: RouteGroup = (app, { core, root }) => {
  const render = async (request: Parameters<typeof root>[0], memberships: readonly Membership[]) => {
    const users = await usersById(
      core,
      memberships.map((m) => m.user_id),
    );
    return memberships.map((m) => membershipJson(root(request), m, users));
  };

  app.get('/api/memberships', async (request) => {
    const query = (request.query ?? {}) as Query;
    const context = await organizationContext(core, request);
    const organizationId = contextOrganizationId(context);
    const role = queryValue(query, 'role');
    const username = queryValue(query, 'user');
    const member = username ? await loadUserByName(core, username) : undefined;
    // A role or user no membership can have matches nothing, as django-filter's exact filters do.
    const nothing = (role && !isMembershipRole(role)) || (username && (!member || member.name !== username));
    const page = await paginate(
      pageParams(query),
      requestUrl(request),
      async (offset, limit) => {
        if (nothing) return { items: [], total: 0 };
        return listMemberships(core, request.viewer, {
          ...(organizationId !== null && { organizationId }),
          ...(member && { userId: member.id }),
          ...(role && isMembershipRole(role) && { role }),
          page: { offset, limit },
        });
      },
      (m: Membership) => m,
    );
    return { ...page, results: await render(request, page.results) };
  });

  app.get('/api/memberships/:id', async (request) => (await render(request, [await getMembership(core, request.viewer, membershipId(request.params))]))[0]);

  app.patch('/api/memberships/:id', async (request) => {
    const membership = await changeMembershipRole(core, request.viewer, membershipId(request.params), roleOf(request.body));
    return (await render(request, [membership]))[0];
  });

  app.delete('/api/memberships/:id', async (request, reply) => {
    await removeMembership(core, request.viewer, membershipId(request.params));
    return noContent(reply);
  });
};
