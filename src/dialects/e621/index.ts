import type { FastifyInstance } from 'fastify';
import type { Core } from '../../core/context.js';
import { bucketStoreFor } from '../../core/rate-limits/rate-limits.js';
import { installAuthentication, type CredentialSources } from '../../http/credentials.js';
import { defineDialect } from '../../http/dialect.js';
import { RateLimiter } from '../rails/rate-limits.js';
import { installE621Errors, missingUserAgent, renderE621Error } from './errors.js';
import { registerRoute, type E621Routes, type RouteSpec } from './routes.js';
import { accountRoutes } from './routes-account.js';
import { legacyRoutes } from './routes-legacy.js';
import { userRoutes } from './routes-users.js';

/**
 * session_loader.rb (specs part B6): `Authorization: Basic base64(name:api_key)`, or `login` and
 * `api_key` in the query string or the body. A refused key is a 401 even on public pages.
 */
const SOURCES: CredentialSources = {
  schemes: { basic: 'name_and_key' },
  queryNameAndKey: { name: 'login', key: 'api_key' },
  bodyNameAndKey: { name: 'login', key: 'api_key' },
};

const ROUTE_GROUPS: readonly ((routes: E621Routes) => readonly RouteSpec[])[] = [legacyRoutes, userRoutes, accountRoutes];

/** Library defaults e621 blocks (help:api): a client must name itself. */
const DEFAULT_LIBRARY_AGENTS =
  /^(node-fetch|undici|axios|got|python-requests|python-urllib|aiohttp|go-http-client|curl|wget|java|okhttp|libwww-perl|ruby|faraday)\b/i;

/** e621's edge refuses requests without a descriptive User-Agent; Roster only when configured to. */
function installUserAgentRule(app: FastifyInstance, core: Core): void {
  if (!core.config.e621RequireUserAgent) return;
  app.addHook('onRequest', async (request) => {
    const agent = request.headers['user-agent']?.trim() ?? '';
    if (agent === '' || DEFAULT_LIBRARY_AGENTS.test(agent)) throw missingUserAgent();
  });
}

async function e621Plugin(app: FastifyInstance, options: { core: Core }): Promise<void> {
  const { core } = options;
  installE621Errors(app);
  installUserAgentRule(app, core);
  installAuthentication(app, core, SOURCES);
  const routes: E621Routes = { core, prefix: app.prefix, limiter: new RateLimiter(core.now, bucketStoreFor(core)) };
  for (const group of ROUTE_GROUPS) for (const spec of group(routes)) registerRoute(app, routes, spec);
}

/**
 * e621's users API at `/e621` (and at the root of its dialect port): the legacy endpoints of
 * seeds/e621-legacy-users-api.txt and e621ng's current ones (specs part B).
 */
export const e621Dialect = defineDialect({
  name: 'e621',
  prefix: '/e621',
  renderError: renderE621Error,
  plugin: e621Plugin,
});
