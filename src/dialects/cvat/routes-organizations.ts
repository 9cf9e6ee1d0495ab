import { createOrganization, deleteOrganization, getOrganization, updateOrganization, type Organization } from '../../core/orgs/organizations.js';
import { searchOrganizations } from '../../query/search-organizations.js';
import { organizationFilter, organizationSort } from './org-list-params.js';
import { loadUsers } from '../../core/users/user-store.js';
import type { Core } from '../../core/context.js';
import { organizationInput, organizationPatch } from './org-params.js';
import { paginate, pageParams } from './pagination.js';
import type { Query } from './params.js';
import { organizationJson, type UsersById } from './render.js';
import { requestUrl } from './request-context.js';
import { noContent, type RouteGroup } from './routes.js';

/** The owners of some organizations, loaded at once for rendering. */
export async function usersById(core: Core, ids: readonly (number | null)[]): Promise<UsersById> {
  const wanted = [...new Set(ids.filter((id): id is number => id !== null))];
  const users = wanted.length === 0 ? [] : await loadUsers(core, wanted);
  return new Map(users.map((user) => [user.id, user]));
}

const orgId = (params: unknown): number => {
  const text = (params as { id: string }).id;
  return /^\d+$/.test(text) ? Number(text) : Number.NaN;
};

/** `/api/organizations` (spec §1.8): orgs the caller owns or actively belongs to; admins see all. */
export const organizationRoutes: RouteGroup = (app, { core, root }) => {
  const render = async (request: Parameters<typeof root>[0], orgs: readonly Organization[]) => {
    const owners = await usersById(
      core,
      orgs.map((org) => org.owner_id),
    );
    return orgs.map((org) => organizationJson(root(request), org, owners));
  };

  app.get('/api/organizations', async (request) => {
    const query = (request.query ?? {}) as Query;
    const filter = organizationFilter(query);
    const sort = organizationSort(query);
    const page = await paginate(
      pageParams(query),
      requestUrl(request),
      async (offset, limit) => {
        const found = await searchOrganizations(core, request.viewer, {
          filter,
          sort,
          page: { kind: 'offset', offset, limit: limit ?? 1_000_000_000 },
          count: true,
        });
        return { items: found.organizations, total: found.total ?? 0 };
      },
      (org: Organization) => org,
    );
    return { ...page, results: await render(request, page.results) };
  });

  app.post('/api/organizations', async (request, reply) => {
    const org = await createOrganization(core, request.viewer, organizationInput(request.body));
    return reply.code(201).send((await render(request, [org]))[0]);
  });

  app.get('/api/organizations/:id', async (request) => {
    const org = await getOrganization(core, request.viewer, { id: orgId(request.params) });
    return (await render(request, [org]))[0];
  });

  app.patch('/api/organizations/:id', async (request) => {
    const org = await updateOrganization(core, request.viewer, orgId(request.params), organizationPatch(request.body));
    return (await render(request, [org]))[0];
  });

  app.delete('/api/organizations/:id', async (request, reply) => {
    await deleteOrganization(core, request.viewer, orgId(request.params));
    return noContent(reply);
  });
};
