import { defineDialect } from '../../http/dialect.js';
import { installErrorHandler, installNotFoundHandler, type HttpFailure, type RenderedError } from '../../http/error-handler.js';

// Placeholder until the Stack Auth dialect is written: every path answers its plain-text 404.
const NOT_FOUND: RenderedError = { status: 404, body: 'Not found', contentType: 'text/plain; charset=utf-8' };

function renderStackError(failure: HttpFailure): RenderedError {
  if (failure.kind === 'internal') return { status: 500, body: 'Internal Server Error', contentType: 'text/plain; charset=utf-8' };
  return NOT_FOUND;
}

export const stackDialect = defineDialect({
  name: 'stack',
  prefix: '/stack',
  renderError: renderStackError,
  async plugin(app) {
    installErrorHandler(app, renderStackError);
    installNotFoundHandler(app, () => NOT_FOUND);
  },
});
