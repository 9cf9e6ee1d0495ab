import { defineDialect } from '../../http/dialect.js';
import { installErrorHandler, installNotFoundHandler, type HttpFailure, type RenderedError } from '../../http/error-handler.js';

// Placeholder until the Civitai dialect is written: every path answers Civitai's 404 body.
const NOT_FOUND: RenderedError = { status: 404, body: { error: 'Not found' } };

function renderCivitaiError(failure: HttpFailure): RenderedError {
  if (failure.kind === 'internal') return { status: 500, body: { error: 'Internal Server Error' } };
  return NOT_FOUND;
}

export const civitaiDialect = defineDialect({
  name: 'civitai',
  prefix: '/civitai',
  renderError: renderCivitaiError,
  async plugin(app) {
    installErrorHandler(app, renderCivitaiError);
    installNotFoundHandler(app, () => NOT_FOUND);
  },
});
