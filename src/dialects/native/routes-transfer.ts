import { Readable } from 'node:stream';
import { Type } from '@fastify/type-provider-typebox';
import { errorCodes } from 'fastify';
import type { Core } from '../../core/context.js';
import { logInternal } from '../../http/error-handler.js';
import { StringEnum } from '../../http/response-schemas.js';
import { getImport, MAX_ERRORS_KEPT, startImport } from '../../ops/import-jobs.js';
import { assertMayTransfer, exportUsers } from '../../ops/transfer.js';
import type { NativeApp } from './routes.js';
import { ErrorSchema, responses } from './schemas.js';

const tags = ['import and export'];
export const NDJSON = 'application/x-ndjson';

const ImportJobSchema = Type.Object({
  id: Type.String(),
  status: StringEnum(['running', 'done', 'failed']),
  processed: Type.Integer({ minimum: 0, description: 'Lines handled so far, imported or refused' }),
  total: Type.Integer({ minimum: 0, description: 'Non-blank lines in the body' }),
  imported: Type.Integer({ minimum: 0 }),
  errors: Type.Array(Type.Object({ line: Type.Integer({ minimum: 0, description: '0: the import as a whole' }), message: Type.String() }), {
    description: `Refused lines (the first ${MAX_ERRORS_KEPT})`,
  }),
});

const ImportParams = Type.Object({ id: Type.String({ maxLength: 64 }) }, { additionalProperties: false });

/** Export and import of every user as JSON Lines, the lines `roster export` writes (admins). */
export function transferRoutes(app: NativeApp, core: Core): void {
  app.get(
    '/export',
    {
      schema: {
        tags,
        summary: 'Every user as JSON Lines, streamed: the lines `roster export` writes, without password hashes',
        description:
          'Name history, sanctions, subscriptions, counters, preferences and metadata are included; `password_hash` is left out (no API response carries a hash), so imported users have no password until they set one. Use `roster export` for a full backup.',
        response: { 200: { description: 'One user per line', content: { [NDJSON]: { schema: Type.String() } } }, '4xx': ErrorSchema },
      },
    },
    async (request, reply) => {
      assertMayTransfer(request.viewer);
      // A stream is piped as it is, never serialized: the schema's string type is for the documentation.
      const lines = Readable.from(exportUsers(core, request.viewer, { passwordHashes: false })) as unknown as string;
      return reply.type(NDJSON).header('content-disposition', 'attachment; filename="roster-users.jsonl"').send(lines);
    },
  );

  // The JSON Lines parser and its larger limit serve the import route alone (its own plugin
  // scope): any other route refuses such a body unread (415), and every other body keeps the
  // usual limit. The body stays text: the import reads it line by line.
  void app.register(async (scoped: NativeApp) => {
    scoped.addContentTypeParser(NDJSON, { parseAs: 'string', bodyLimit: core.config.importMaxBytes }, (_request, body, done) => done(null, body));

    scoped.post(
      '/imports',
      {
        // Only an admin's body is read: the credential is checked before the body (native/index.ts).
        preParsing: async (request) => {
          assertMayTransfer(request.viewer);
        },
        // JSON bodies would be read as one line of text: only JSON Lines are accepted here.
        preValidation: async (request) => {
          if (request.headers['content-type']?.split(';')[0]?.trim().toLowerCase() !== NDJSON) {
            throw new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(request.headers['content-type'] ?? '');
          }
        },
        schema: {
          tags,
          summary: 'Start importing JSON Lines (as `GET /v1/export` writes them); poll the job for progress',
          description: 'Send the lines as the body with `Content-Type: application/x-ndjson` (at most `ROSTER_IMPORT_MAX_MB`). One import runs at a time.',
          body: Type.String({ description: 'JSON Lines' }),
          response: responses({ 202: ImportJobSchema }),
        },
      },
      async (request, reply) =>
        reply.code(202).send(startImport(core, request.viewer, request.body, { onInternalError: (error) => logInternal(request, error) })),
    );
  });

  app.get(
    '/imports/:id',
    { schema: { tags, summary: "An import's progress and refused lines", params: ImportParams, response: responses({ 200: ImportJobSchema }) } },
    async (request) => getImport(core, request.viewer, request.params.id),
  );
}
