import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Core } from '../../core/context.js';
import { unauthenticated } from '../../core/errors.js';
import { clientIp } from '../../http/client-ip.js';
import { authenticateCredential, readCredentials, type CredentialSources } from '../../http/credentials.js';
import { defineDialect } from '../../http/dialect.js';
import { sendRendered, type HttpFailure } from '../../http/error-handler.js';
import { MISSING_LOGIN_OR_KEY, pageNotFound, renderDanbooruError, renderThrown } from './errors.js';
import { requestFormat, type DanbooruFormat } from './format.js';
import { RateLimiter } from './rate-limits.js';
import { bucketStoreFor } from '../../core/rate-limits/rate-limits.js';
import { registerRoute, type DanbooruRoutes, type RouteGroup } from './routes.js';
import { adminRoutes } from './routes-admin.js';
import { apiKeyRoutes } from './routes-api-keys.js';
import { banRoutes } from './routes-bans.js';
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
  adminRoutes,
  banRoutes,
  nameChangeRoutes,
  apiKeyRoutes,
];

/** Refused credentials are a 401 even on public pages: Danbooru never falls back to anonymous. */
function installAuthentication(app: FastifyInstance, core: Core): void {
  app.addHook('preValidation', async (request) => {
    const presented = readCredentials(request, SOURCES);
    const viewer = await authenticateCredential(core, presented, clientIp(request));
    if (viewer === null) throw unauthenticated(presented.kind === 'malformed' && presented.reason === MISSING_LOGIN_OR_KEY ? MISSING_LOGIN_OR_KEY : 'refused');
    request.viewer = viewer;
  });
}

/** Forms (the root's `qs` parser) and JSON, where an empty JSON body reads as none. */
function installJsonParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, text, done) => {
    const body = typeof text === 'string' ? text : text.toString('utf8');
    if (body.trim() === '') {
      done(null, undefined);
      return;
    }
    parseJson(request, body, done);
  });
}

const formatOf = (request: FastifyRequest): DanbooruFormat => {
  const choice = requestFormat(request);
  return choice.ok ? choice.format : 'json';
};

/** One error boundary, in the format the request asked for; unknown errors are logged, never shown. */
function installErrors(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request, reply) => {
    const { rendered, internal } = renderThrown(error, formatOf(request));
    if (internal) {
      const { name, message, stack } = error instanceof Error ? error : { name: typeof error, message: String(error), stack: undefined };
      request.log.error({ err: { type: name, message, stack } }, 'unhandled error');
    }
    return sendRendered(reply, rendered);
  });
  app.setNotFoundHandler((request, reply) => sendRendered(reply, renderThrown(pageNotFound(), formatOf(request)).rendered));
}

async function danbooruPlugin(app: FastifyInstance, options: { core: Core }): Promise<void> {
  const { core } = options;
  installJsonParser(app);
  installErrors(app);
  installAuthentication(app, core);
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
