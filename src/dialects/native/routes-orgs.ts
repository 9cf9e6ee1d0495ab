import { Type } from '@fastify/type-provider-typebox';
import type { Core } from '../../core/context.js';
import { acceptInvitation, createInvitation, declineInvitation, listInvitations } from '../../core/orgs/invitations.js';
import { changeMembershipRole, listMemberships, removeMembership } from '../../core/orgs/memberships.js';
import { createOrganization, deleteOrganization, getOrganization, listOrganizations, updateOrganization } from '../../core/orgs/organizations.js';
import { addSubscription, cancelSubscription, listSubscriptions } from '../../core/orgs/subscriptions.js';
import { offsetPage, organizationInput, organizationPatch } from './params.js';
import { renderListing, renderOrganization } from './render.js';
import {
  InvitationBody,
  KeyParams,
  MembershipListQuery,
  MembershipPatchBody,
  OffsetQuery,
  OrganizationBody,
  OrganizationPatchBody,
  SubscriptionBody,
} from './request-schemas.js';
import type { NativeApp } from './routes.js';
import { IdParams, InvitationSchema, listingOf, MembershipSchema, OrganizationSchema, responses, SubscriptionSchema } from './schemas.js';

const tags = ['organizations'];
const oneOrg = responses({ 200: OrganizationSchema });
const same = <T>(item: T): T => item;

/** Organizations: CVAT organizations and Stack Auth teams. */
export function organizationRoutes(app: NativeApp, core: Core): void {
  app.get(
    '/organizations',
    {
      schema: {
        tags,
        summary: 'Organizations the viewer belongs to (all, for admins)',
        querystring: OffsetQuery,
        response: responses({ 200: listingOf(OrganizationSchema) }),
      },
    },
    async (request) =>
      renderListing(await listOrganizations(core, request.viewer, { page: offsetPage(request.query) }), (org) => renderOrganization(request.viewer, org)),
  );

  app.post(
    '/organizations',
    { schema: { tags, summary: 'Create an organization; its creator owns it', body: OrganizationBody, response: responses({ 201: OrganizationSchema }) } },
    async (request, reply) =>
      reply.code(201).send(renderOrganization(request.viewer, await createOrganization(core, request.viewer, organizationInput(request.body)))),
  );

  app.get('/organizations/:id', { schema: { tags, summary: 'An organization', params: IdParams, response: oneOrg } }, async (request) =>
    renderOrganization(request.viewer, await getOrganization(core, request.viewer, { id: request.params.id })),
  );

  app.patch(
    '/organizations/:id',
    { schema: { tags, summary: 'Change an organization', params: IdParams, body: OrganizationPatchBody, response: oneOrg } },
    async (request) => renderOrganization(request.viewer, await updateOrganization(core, request.viewer, request.params.id, organizationPatch(request.body))),
  );

  app.delete('/organizations/:id', { schema: { tags, summary: 'Delete an organization', params: IdParams, response: oneOrg } }, async (request) =>
    renderOrganization(request.viewer, await deleteOrganization(core, request.viewer, request.params.id)),
  );
}

/** Memberships: managers change roles and remove members; members may leave. */
export function membershipRoutes(app: NativeApp, core: Core): void {
  app.get(
    '/organizations/:id/memberships',
    {
      schema: {
        tags,
        summary: "An organization's memberships",
        params: IdParams,
        querystring: MembershipListQuery,
        response: responses({ 200: listingOf(MembershipSchema) }),
      },
    },
    async (request) => {
      const { role } = request.query;
      const query = { organizationId: request.params.id, page: offsetPage(request.query), ...(role ? { role } : {}) };
      return renderListing(await listMemberships(core, request.viewer, query), same);
    },
  );

  app.get(
    '/users/:id/memberships',
    {
      schema: {
        tags,
        summary: "A user's memberships: all of them for admins, else only the viewer's own active ones",
        params: IdParams,
        querystring: MembershipListQuery,
        response: responses({ 200: listingOf(MembershipSchema) }),
      },
    },
    async (request) => {
      const { role } = request.query;
      const query = { userId: request.params.id, page: offsetPage(request.query), ...(role ? { role } : {}) };
      return renderListing(await listMemberships(core, request.viewer, query), same);
    },
  );

  app.patch(
    '/memberships/:id',
    { schema: { tags, summary: "Change a member's role", params: IdParams, body: MembershipPatchBody, response: responses({ 200: MembershipSchema }) } },
    async (request) => changeMembershipRole(core, request.viewer, request.params.id, request.body.role),
  );

  app.delete(
    '/memberships/:id',
    { schema: { tags, summary: 'Remove a member (or leave)', params: IdParams, response: responses({ 200: MembershipSchema }) } },
    async (request) => removeMembership(core, request.viewer, request.params.id),
  );
}

/** Invitations by email; the invitee accepts or declines with the key. */
export function invitationRoutes(app: NativeApp, core: Core): void {
  app.get(
    '/organizations/:id/invitations',
    {
      schema: {
        tags,
        summary: "An organization's invitations",
        params: IdParams,
        querystring: OffsetQuery,
        response: responses({ 200: listingOf(InvitationSchema) }),
      },
    },
    async (request) => renderListing(await listInvitations(core, request.viewer, { organizationId: request.params.id, page: offsetPage(request.query) }), same),
  );

  app.post(
    '/organizations/:id/invitations',
    { schema: { tags, summary: 'Invite someone by email', params: IdParams, body: InvitationBody, response: responses({ 201: InvitationSchema }) } },
    async (request, reply) => reply.code(201).send(await createInvitation(core, request.viewer, { organizationId: request.params.id, ...request.body })),
  );

  app.post(
    '/invitations/:key/accept',
    { schema: { tags, summary: 'Accept an invitation (the invitee)', params: KeyParams, response: responses({ 200: InvitationSchema }) } },
    async (request) => acceptInvitation(core, request.viewer, request.params.key),
  );

  app.post(
    '/invitations/:key/decline',
    { schema: { tags, summary: 'Decline an invitation (the invitee)', params: KeyParams, response: responses({ 204: Type.Null() }) } },
    async (request, reply) => {
      await declineInvitation(core, request.viewer, request.params.key);
      return reply.code(204).send(null);
    },
  );
}

/** Subscriptions (Civitai tiers): server data written by admins, read by the user. */
export function subscriptionRoutes(app: NativeApp, core: Core): void {
  const subscriptionTags = ['subscriptions'];
  app.get(
    '/users/:id/subscriptions',
    {
      schema: {
        tags: subscriptionTags,
        summary: "A user's subscriptions",
        params: IdParams,
        response: responses({ 200: Type.Object({ items: Type.Array(SubscriptionSchema) }) }),
      },
    },
    async (request) => ({ items: await listSubscriptions(core, request.viewer, request.params.id) }),
  );

  app.post(
    '/users/:id/subscriptions',
    {
      schema: {
        tags: subscriptionTags,
        summary: 'Subscribe a user (server data)',
        params: IdParams,
        body: SubscriptionBody,
        response: responses({ 201: SubscriptionSchema }),
      },
    },
    async (request, reply) => {
      const { product, tier, expires_at: expiresAt } = request.body;
      return reply.code(201).send(await addSubscription(core, request.viewer, { userId: request.params.id, product, tier, expiresAt }));
    },
  );

  app.delete(
    '/subscriptions/:id',
    { schema: { tags: subscriptionTags, summary: 'Cancel a subscription', params: IdParams, response: responses({ 200: SubscriptionSchema }) } },
    async (request) => cancelSubscription(core, request.viewer, request.params.id),
  );
}
