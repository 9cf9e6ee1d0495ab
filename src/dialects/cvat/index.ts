import { defineDialect } from '../../http/dialect.js';
import { installErrorHandler, installNotFoundHandler, type HttpFailure, type RenderedError } from '../../http/error-handler.js';

// Placeholder until the CVAT dialect is written: every path answers Django REST framework's 404.
const NOT_FOUND: RenderedError = { status: 404, body: { detail: 'Not found.' } };

function renderCvatError(failure: HttpFailure): RenderedError {
  if (failure.kind === 'internal') return { status: 500, body: { detail: 'A server error occurred.' } };
  return NOT_FOUND;
}

export const cvatDialect = defineDialect({
  name: 'cvat',
  prefix: '/cvat',
  renderError: renderCvatError,
  async plugin(app) {
    installErrorHandler(app, renderCvatError);
    installNotFoundHandler(app, () => NOT_FOUND);
  },
});
