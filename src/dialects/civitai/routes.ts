import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';
import type { Core } from '../../core/context.js';
import { getOwnMembership } from '../../core/orgs/subscriptions.js';
import { sendRendered } from '../../http/error-handler.js';
import { lookUpUsers } from '../../query/look-up-users.js';
import { requireTokenViewer } from './authenticate.js';
import { credentialedCors, publicCors } from './cors.js';
import { METHOD_NOT_ALLOWED } from './errors.js';
import { userLookup } from './params.js';
import { renderMe, renderUserList } from './render.js';
import { MeSchema, UserListSchema } from './schemas.js';

/** Methods that reach a route only to be refused (`GET`/`HEAD` answer, `OPTIONS` is the preflight). */
const OTHER_METHODS = ['DELETE', 'PATCH', 'POST', 'PUT'] as const;

/** endpoint-helpers.ts `PublicEndpoint`: every answer may be cached by shared caches for 5 minutes. */
const PUBLIC_CACHE = 'public, s-maxage=300, stale-while-revalidate=150';

/** Answers to a caller's own account are never cached by anyone else. */
const PRIVATE_CACHE = 'private, no-store';

/** `GET /api/v1/me` (`AuthedEndpoint`): CORS first, then the method, then the token. */
function meRoutes(app: FastifyInstance, core: Core): void {
  const url = '/api/v1/me';
  const cors = core.config.civitaiCorsOrigins;
  const setHeaders: onRequestAsyncHookHandler = async (request, reply) => {
    credentialedCors(request, reply, cors);
    reply.header('cache-control', PRIVATE_CACHE);
  };
  const headers = { onRequest: setHeaders };
  app.get(url, { ...headers, config: { scope: 'users:profile' }, schema: { response: { 200: MeSchema } } }, async (request, reply) => {
    const viewer = await requireTokenViewer(core, request, reply);
    const { user, membership } = await getOwnMembership(core, viewer);
    return renderMe(user, membership);
  });
  app.options(url, headers, async (_request, reply) => reply.code(200).send());
  app.route({ method: [...OTHER_METHODS], url, ...headers, handler: async (_request, reply) => sendRendered(reply, METHOD_NOT_ALLOWED) });
}

/** `GET /api/v1/users` (`PublicEndpoint`): no method check, so every method reads. */
function usersRoutes(app: FastifyInstance, core: Core): void {
  const url = '/api/v1/users';
  const setHeaders: onRequestAsyncHookHandler = async (_request, reply) => {
    publicCors(reply);
    reply.header('cache-control', PUBLIC_CACHE);
  };
  const headers = { onRequest: setHeaders };
  app.route({
    method: ['GET', ...OTHER_METHODS],
    url,
    ...headers,
    schema: { response: { 200: UserListSchema } },
    handler: async (request) => renderUserList(await lookUpUsers(core, request.viewer, userLookup(request.query))),
  });
  app.options(url, headers, async (_request, reply) => reply.code(200).send());
}

export function civitaiRoutes(app: FastifyInstance, core: Core): void {
  meRoutes(app, core);
  usersRoutes(app, core);
}
