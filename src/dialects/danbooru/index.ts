import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Core } from '../../core/context.js';
import { installJsonBodyParser } from '../../http/body-parsers.js';
import { installAuthentication, type CredentialSources, type PresentedCredential } from '../../http/credentials.js';
import { defineDialect } from '../../http/dialect.js';
import { installNotFoundHandler, logInternal, sendRendered, type HttpFailure } from '../../http/error-handler.js';
import { MISSING_LOGIN_OR_KEY, pageNotFound, renderDanbooruError, renderThrown } from './errors.js';
import { requestFormat, type RailsFormat } from '../rails/format.js';
import { RateLimiter } from '../rails/rate-limits.js';
import { bucketStoreFor } from '../../core/rate-limits/rate-limits.js';
import { registerRoute, type DanbooruRoutes, type RouteGroup } from './routes.js';
import { adminRoutes } from './routes-admin.js';
import { apiKeyRoutes } from './routes-api-keys.js';
import { banRoutes } from './routes-bans.js';
import { credentialChangeRoutes } from './routes-credential-changes.js';
import { nameChangeRoutes } from './routes-name-changes.js';
import { userChangeRoutes } from './routes-user-changes.js';
import { userRoutes } from './routes-users.js';

/**
 * session_loader.rb: `Authorization: <any scheme> base64(login:api_key)`, or `login` and
 * `api_key` in the query string (never the body).
 */
const SOURCES: CredentialSources = { anyScheme: 'name_and_key', queryNameAndKey: { name: 'login', key: 'api_key' } };

const ROUTE_GROUPS: readonly ((routes: DanbooruRoutes) => RouteGroup)[] = [
  userRoutes,
  userChangeRoutes,
  credentialChangeRoutes,
  adminRoutes,
  banRoutes,
  nameChangeRoutes,
  apiKeyRoutes,
];

/** Refused credentials are a 401 even on public pages: Danbooru never falls back to anonymous. */
const refusal = (presented: PresentedCredential): string =>
  presented.kind === 'malformed' && presented.reason === MISSING_LOGIN_OR_KEY ? MISSING_LOGIN_OR_KEY : 'refused';

const formatOf = (request: FastifyRequest): RailsFormat => {
  const choice = requestFormat(request);
  return choice.ok ? choice.format : 'json';
};

/** One error boundary, in the format the request asked for; unknown errors are logged, never shown. */
function installErrors(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request, reply) => {
    const { rendered, internal } = renderThrown(error, formatOf(request));
    if (internal) logInternal(request, error);
    return sendRendered(reply, rendered);
  });
  installNotFoundHandler(app, (request) => renderThrown(pageNotFound(), formatOf(request)).rendered);
}

async function danbooruPlugin(app: FastifyInstance, options: { core: Core }): Promise<void> {
  const { core } = options;
  // Forms (the root's `qs` parser) and JSON.
  installJsonBodyParser(app, { jsonOnly: false });
  installErrors(app);
  installAuthentication(app, core, SOURCES, { refusal });
  // Every answer, errors included, may be read from any origin.
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('access-control-allow-origin', '*');
    return payload;
  });
  const routes: DanbooruRoutes = { core, prefix: app.prefix, limiter: new RateLimiter(core.now, bucketStoreFor(core)) };
  for (const group of ROUTE_GROUPS) for (const spec of group(routes)) registerRoute(app, routes, spec);
}

/** Danbooru's users API at `/danbooru` (A0–A11 of specs/danbooru-e621.md). */
export const danbooruDialect = defineDialect({
  name: 'danbooru',
  prefix: '/danbooru',
  // Errors raised before routing (an undecodable URL) skip the plugin's hooks: add CORS here too.
  renderError: (failure: HttpFailure) => {
    const rendered = renderDanbooruError(failure);
    return { ...rendered, headers: { ...rendered.headers, 'access-control-allow-origin': '*' } };
  },
  plugin: danbooruPlugin,
});
