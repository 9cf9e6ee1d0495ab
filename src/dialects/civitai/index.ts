import type { FastifyInstance } from 'fastify';
import type { Core } from '../../core/context.js';
import { defineDialect } from '../../http/dialect.js';
import { installThrownErrorHandler, sendRendered } from '../../http/error-handler.js';
import { NOT_FOUND, renderCivitaiError, renderThrown } from './errors.js';
import { civitaiRoutes } from './routes.js';

/** Both endpoints read only the URL: any body is read (within the size limit) and ignored. */
function ignoreBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, _body, done) => done(null, undefined));
}

/** One error boundary; unknown errors are logged, never shown. */
function installErrors(app: FastifyInstance): void {
  installThrownErrorHandler(app, renderThrown);
  app.setNotFoundHandler((_request, reply) => sendRendered(reply, NOT_FOUND));
}

async function civitaiPlugin(app: FastifyInstance, options: { core: Core }): Promise<void> {
  ignoreBodies(app);
  installErrors(app);
  civitaiRoutes(app, options.core);
}

/** Civitai's users API (`/api/v1/me`, `/api/v1/users`) at `/civitai` (seeds/civitai-users-api.txt). */
export const civitaiDialect = defineDialect({
  name: 'civitai',
  prefix: '/civitai',
  renderError: renderCivitaiError,
  plugin: civitaiPlugin,
});
