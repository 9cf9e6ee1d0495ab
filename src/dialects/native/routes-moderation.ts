import type { Core } from '../../core/context.js';
import { banUser, getSanction, liftSanction, muteUser, restrictUser, type Sanction } from '../../core/moderation/moderation.js';
import { searchSanctions } from '../../query/search-sanctions.js';
import { expectKind, sanctionInput, sanctionListRequest } from './params.js';
import { renderPage, renderSanction, renderUser } from './render.js';
import { RestrictionBody, SanctionBody, SanctionListQuery } from './request-schemas.js';
import type { NativeApp } from './routes.js';
import { IdParams, listOf, responses, SanctionSchema, UserSchema } from './schemas.js';

const tags = ['moderation'];
const one = responses({ 200: SanctionSchema });

const SANCTIONS: readonly { kind: Sanction['kind']; path: string; impose: typeof banUser }[] = [
  { kind: 'ban', path: '/bans', impose: banUser },
  { kind: 'mute', path: '/mutes', impose: muteUser },
];

/** Bans and mutes (the same routes for each), and Stack Auth's restriction by an admin. */
export function moderationRoutes(app: NativeApp, core: Core): void {
  for (const { kind, path, impose } of SANCTIONS) {
    app.get(
      path,
      { schema: { tags, summary: `Search ${kind}s`, querystring: SanctionListQuery, response: responses({ 200: listOf(SanctionSchema) }) } },
      async (request) => renderPage(await searchSanctions(core, request.viewer, kind, sanctionListRequest(request.query, request.viewer)), renderSanction),
    );

    app.post(
      path,
      { schema: { tags, summary: `${kind === 'ban' ? 'Ban' : 'Mute'} a user`, body: SanctionBody, response: responses({ 201: SanctionSchema }) } },
      async (request, reply) => reply.code(201).send(renderSanction(await impose(core, request.viewer, sanctionInput(request.body)))),
    );

    app.get(`${path}/:id`, { schema: { tags, summary: `A ${kind}`, params: IdParams, response: one } }, async (request) =>
      renderSanction(expectKind(kind, await getSanction(core, request.viewer, request.params.id))),
    );

    app.delete(`${path}/:id`, { schema: { tags, summary: `Lift a ${kind}`, params: IdParams, response: one } }, async (request) => {
      // The path names the kind: lifting a mute through /bans would surprise.
      expectKind(kind, await getSanction(core, request.viewer, request.params.id));
      return renderSanction(await liftSanction(core, request.viewer, request.params.id));
    });
  }

  app.put(
    '/users/:id/restriction',
    {
      schema: {
        tags,
        summary: 'Restrict or unrestrict a user (Stack Auth)',
        params: IdParams,
        body: RestrictionBody,
        response: responses({ 200: UserSchema }),
      },
    },
    async (request) => {
      const { restricted, reason, private_details: privateDetails } = request.body;
      const user = await restrictUser(core, request.viewer, request.params.id, { restricted, reason, privateDetails });
      return renderUser(request.viewer, user);
    },
  );
}
