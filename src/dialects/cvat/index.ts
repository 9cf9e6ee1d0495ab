import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authorizeCredential } from '../../core/auth/scopes.js';
import type { Core } from '../../core/context.js';
import { defineDialect } from '../../http/dialect.js';
import { clientIp } from '../../http/client-ip.js';
import { declareRouteScopes, routeScope } from '../../http/credentials.js';
import { classifyError, logInternal, sendRendered, type HttpFailure } from '../../http/error-handler.js';
import { authenticateCvat, isSafeMethod } from './auth.js';
import { CVAT_MEDIA_TYPE, notAuthenticated, permissionDenied, renderCvatError, renderCvatThrown } from './errors.js';
import { negotiate } from './negotiation.js';
import { rememberAuth } from './request-context.js';
import { cvatRoutes, type RouteGroup } from './routes.js';
import { authRoutes } from './routes-auth.js';
import { invitationRoutes } from './routes-invitations.js';
import { membershipRoutes } from './routes-memberships.js';
import { organizationRoutes } from './routes-organizations.js';
import { userRoutes } from './routes-users.js';
import { CVAT_SCOPES } from './scopes.js';
import { installJsonBodyParser } from '../../http/body-parsers.js';

const ROUTE_GROUPS: readonly RouteGroup[] = [userRoutes, organizationRoutes, membershipRoutes, invitationRoutes, authRoutes];

declare module 'fastify' {
  interface FastifyContextConfig {
    /** CVAT `AllowAny`: the route answers anonymous callers (register, login, logout). */
    readonly cvatPublic?: boolean;
  }
}

const MEDIA_TYPE = Symbol('cvat.mediaType');
type Negotiated = FastifyRequest & { [MEDIA_TYPE]?: string };

/** One error boundary: the dialect's own refusals, then core and request errors; bugs are logged. */
function installErrors(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request, reply) => {
    const own = renderCvatThrown(error);
    if (own) return sendRendered(reply, own);
    const failure: HttpFailure = classifyError(error);
    if (failure.kind === 'internal') logInternal(request, error);
    return sendRendered(reply, renderCvatError(failure));
  });
  // An unknown URL never reaches a DRF view: plain JSON, no negotiation, no authentication.
  app.setNotFoundHandler((_request, reply) =>
    sendRendered(reply, { status: 404, body: { detail: 'Not found.' }, contentType: 'application/json; charset=utf-8' }),
  );
}

/** DRF's order: negotiate the answer's type, authenticate, then check `IsAuthenticated`. */
function installAuthentication(app: FastifyInstance, core: Core): void {
  app.addHook('onRequest', async (request) => {
    if (!request.is404) (request as Negotiated)[MEDIA_TYPE] = negotiate(request.headers.accept);
  });
  app.addHook('preHandler', async (request) => {
    if (request.is404) return;
    const { viewer, auth } = await authenticateCvat(core, request);
    request.viewer = viewer;
    rememberAuth(request, auth);
    // Key scopes and permitted addresses (core), against the scope the route declares (./scopes.ts).
    authorizeCredential(viewer, routeScope(request), clientIp(request));
    if (request.routeOptions.config.cvatPublic) return;
    if (auth === 'anonymous') throw notAuthenticated();
    // Personal access tokens may only read (access_token_plugin rules).
    if (auth === 'pat' && !isSafeMethod(request.method)) throw permissionDenied();
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (payload !== null && payload !== undefined && reply.statusCode !== 204 && !request.is404) {
      reply.header('content-type', (request as Negotiated)[MEDIA_TYPE] ?? CVAT_MEDIA_TYPE);
    }
    return payload;
  });
}

async function cvatPlugin(app: FastifyInstance, options: { core: Core }): Promise<void> {
  installJsonBodyParser(app, { jsonOnly: false, mediaTypes: [CVAT_MEDIA_TYPE] });
  installErrors(app);
  installAuthentication(app, options.core);
  declareRouteScopes(app, CVAT_SCOPES);
  const routes = cvatRoutes(options.core, app.prefix);
  for (const group of ROUTE_GROUPS) group(app, routes);
}

/** CVAT's users, organizations and auth API at `/cvat` (seed cvat-users-api.txt, spec §1). */
export const cvatDialect = defineDialect({
  name: 'cvat',
  prefix: '/cvat',
  renderError: renderCvatError,
  plugin: cvatPlugin,
});
