import type { FastifyInstance } from 'fastify';

/**
 * The JSON body parser every dialect uses: Fastify's own (prototype poisoning refused), except
 * that an empty body reads as no body, so a bare `DELETE` sent with a JSON Content-Type works.
 * `jsonOnly` drops every other parser (the root's form parser) for APIs that take JSON alone.
 */
export function installJsonBodyParser(app: FastifyInstance, options: { readonly jsonOnly: boolean; readonly mediaTypes?: readonly string[] }): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  if (options.jsonOnly) app.removeAllContentTypeParsers();
  else app.removeContentTypeParser('application/json');
  app.addContentTypeParser(['application/json', ...(options.mediaTypes ?? [])], { parseAs: 'string' }, (request, text, done) => {
    const body = typeof text === 'string' ? text : text.toString('utf8');
    if (body.trim() === '') {
      done(null, undefined);
      return;
    }
    // The default parser is the callback kind: it answers through `done`, never a promise.
    void parseJson(request, body, done);
  });
}
