import {
  acceptInvitation,
  createInvitation,
  declineInvitation,
  deleteInvitation,
  getInvitation,
  listInvitations,
  resendInvitation,
  type Invitation,
} from '../../core/orgs/invitations.js';
import { fieldErrors } from './errors.js';
import { invitationInput } from './org-params.js';
import { paginate, pageParams } from './pagination.js';
import type { Query } from './params.js';
import { invitationJson } from './render.js';
import { contextOrganizationId, organizationContext, requestUrl } from './request-context.js';
import { usersById } from './routes-organizations.js';
import { noContent, type RouteGroup } from './routes.js';

const keyOf = (params: unknown): string => (params as { key: string }).key;

/**
 * `/api/invitations` (spec §1.8, the seed's "Find Users by Role"): create by email in the org
 * context (`?org=<slug>`) → 201 with the key; the invitee accepts (200 `{organization_slug}`)
 * or declines (204); managers resend (204) or withdraw (204).
 */
export const invitationRoutes: RouteGroup = (app, { core, root }) => {
  const render = async (request: Parameters<typeof root>[0], invitations: readonly Invitation[]) => {
    const users = await usersById(
      core,
      invitations.flatMap((i) => [i.owner, i.user_id]),
    );
    return invitations.map((i) => invitationJson(root(request), i, users));
  };

  app.get('/api/invitations', async (request) => {
    const organizationId = contextOrganizationId(await organizationContext(core, request));
    const page = await paginate(
      pageParams((request.query ?? {}) as Query),
      requestUrl(request),
      (offset, limit) => listInvitations(core, request.viewer, { ...(organizationId !== null && { organizationId }), page: { offset, limit } }),
      (i: Invitation) => i,
    );
    return { ...page, results: await render(request, page.results) };
  });

  app.post('/api/invitations', async (request, reply) => {
    const organizationId = contextOrganizationId(await organizationContext(core, request));
    const input = invitationInput(request.body);
    if (organizationId === null) throw fieldErrors({ organization: ['This field is required.'] });
    const invitation = await createInvitation(core, request.viewer, { organizationId, ...input });
    return reply.code(201).send((await render(request, [invitation]))[0]);
  });

  app.get('/api/invitations/:key', async (request) => (await render(request, [await getInvitation(core, request.viewer, keyOf(request.params))]))[0]);

  app.post('/api/invitations/:key/accept', async (request) => {
    const invitation = await acceptInvitation(core, request.viewer, keyOf(request.params));
    return { organization_slug: invitation.organization_slug };
  });

  app.post('/api/invitations/:key/decline', async (request, reply) => {
    await declineInvitation(core, request.viewer, keyOf(request.params));
    return noContent(reply);
  });

  app.post('/api/invitations/:key/resend', async (request, reply) => {
    await resendInvitation(core, request.viewer, keyOf(request.params));
    return noContent(reply);
  });

  app.delete('/api/invitations/:key', async (request, reply) => {
    await deleteInvitation(core, request.viewer, keyOf(request.params));
    return noContent(reply);
  });
};
