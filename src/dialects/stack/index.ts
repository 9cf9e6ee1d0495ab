import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Core } from '../../core/context.js';
import { declareRouteScopes } from '../../http/credentials.js';
import { defineDialect } from '../../http/dialect.js';
import { installJsonBodyParser } from '../../http/body-parsers.js';
import { installThrownErrorHandler, sendRendered, type HttpFailure } from '../../http/error-handler.js';
import { stackPath, type StackRoutes } from './context.js';
import { renderStackFailure, renderStackThrown, renderText, type ErrorContext } from './errors.js';
import { authRoutes } from './routes-auth.js';
import { userRoutes } from './routes-users.js';
import { STACK_SCOPES } from './scopes.js';

/** Stack answers every response with these (spec §3.2). */
const ALWAYS: Readonly<Record<string, string>> = { 'cache-control': 'no-store, max-age=0', 'access-control-allow-origin': '*' };

function errorContext(request: FastifyRequest, prefix: string): ErrorContext {
  return { method: request.method, path: stackPath(request, prefix), ...request.stackWrite };
}

function installHooks(app: FastifyInstance): void {
  app.addHook('onRequest', async (_request, reply) => {
    reply.headers({ ...ALWAYS, 'x-stack-request-id': randomUUID() });
  });
  // `x-stack-override-error-status: true` (the SDK always sends it): a 4xx is sent as 200 and
  // its real status in `x-stack-actual-status`, for environments that hide error bodies.
  app.addHook('onSend', async (request, reply, payload) => {
    const override = request.headers['x-stack-override-error-status'] ?? request.headers['x-hexclave-override-error-status'];
    if (override === 'true' && reply.statusCode >= 400 && reply.statusCode < 500) {
      reply.header('x-stack-actual-status', String(reply.statusCode));
      reply.code(200);
    }
    return payload;
  });
}

async function stackPlugin(app: FastifyInstance, options: { core: Core }): Promise<void> {
  const routes: StackRoutes = { core: options.core, prefix: app.prefix };
  // JSON where an empty body reads as none (the SDK sends `DELETE` with `{}`, others with nothing).
  installJsonBodyParser(app, { jsonOnly: false });
  installHooks(app);
  declareRouteScopes(app, STACK_SCOPES);
  installThrownErrorHandler(app, (error, request) => renderStackThrown(error, errorContext(request, routes.prefix)));
  app.setNotFoundHandler((_request, reply) => sendRendered(reply, renderText(404, 'Not found')));
  // CORS preflight for browser clients: any origin, the SDK's headers.
  app.options('/*', async (request, reply) =>
    reply
      .code(204)
      .header('access-control-allow-methods', 'GET, POST, PATCH, PUT, DELETE, OPTIONS')
      .header('access-control-allow-headers', request.headers['access-control-request-headers'] ?? '*')
      .header('access-control-max-age', '86400')
      .send(),
  );
  userRoutes(app, routes);
  authRoutes(app, routes);
}

/** Stack Auth's users API and password sessions at `/stack` (spec §3, seed stack-auth-users-me.txt). */
export const stackDialect = defineDialect({
  name: 'stack',
  prefix: '/stack',
  // Errors raised before routing (an undecodable URL) skip the plugin's hooks: add the headers here.
  renderError: (failure: HttpFailure) => {
    const rendered = renderStackFailure(failure, { method: '', path: '' });
    return { ...rendered, headers: { ...rendered.headers, ...ALWAYS, 'x-stack-request-id': randomUUID() } };
  },
  plugin: stackPlugin,
});
