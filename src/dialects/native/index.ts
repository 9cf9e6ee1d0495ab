import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Core } from '../../core/context.js';
import { notFound } from '../../core/errors.js';
import { installJsonBodyParser } from '../../http/body-parsers.js';
import { declareRouteScopes, installAuthentication } from '../../http/credentials.js';
import { defineDialect } from '../../http/dialect.js';
import { installErrorHandler, installNotFoundHandler } from '../../http/error-handler.js';
import { installCsrfCheck, NATIVE_CREDENTIALS } from './console-session.js';
import { renderNativeError } from './errors.js';
import { NATIVE_ROUTES } from './routes.js';
import { NATIVE_SCOPES } from './scopes.js';

async function nativePlugin(app: FastifyInstance, options: { core: Core }): Promise<void> {
  installJsonBodyParser(app, { jsonOnly: true });
  installErrorHandler(app, renderNativeError);
  installNotFoundHandler(app, () => renderNativeError({ kind: 'core', error: notFound('route', 'No route matches this path') }));
  installAuthentication(app, options.core, NATIVE_CREDENTIALS, { beforeBody: true });
  declareRouteScopes(app, NATIVE_SCOPES);
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  installCsrfCheck(typed);
  for (const register of NATIVE_ROUTES) register(typed, options.core);
}

/** Roster's own API, at `/v1`: JSON, Bearer credentials (or the console's cookie), every route described at `/docs`. */
export const nativeDialect = defineDialect({
  name: 'native',
  prefix: '/v1',
  renderError: renderNativeError,
  plugin: nativePlugin,
});
