import { defineDialect } from '../../http/dialect.js';
import { installErrorHandler, installNotFoundHandler, type HttpFailure, type RenderedError } from '../../http/error-handler.js';

// Placeholder until the e621 dialect is written: every path answers e621's missing-record shape.
const NOT_FOUND: RenderedError = { status: 404, body: { success: false, reason: 'not found' } };

function renderE621Error(failure: HttpFailure): RenderedError {
  if (failure.kind === 'internal') return { status: 500, body: { success: false, message: 'Internal error', code: null } };
  return NOT_FOUND;
}

export const e621Dialect = defineDialect({
  name: 'e621',
  prefix: '/e621',
  renderError: renderE621Error,
  async plugin(app) {
    installErrorHandler(app, renderE621Error);
    installNotFoundHandler(app, () => NOT_FOUND);
  },
});
