import { Type } from '@fastify/type-provider-typebox';
import { createApiKey, listApiKeys, revokeApiKey } from '../../core/auth/api-keys.js';
import type { Core } from '../../core/context.js';
import { apiKeyInput } from './params.js';
import { renderApiKey } from './render.js';
import { ApiKeyBody } from './request-schemas.js';
import type { NativeApp } from './routes.js';
import { ApiKeySchema, CreatedApiKeySchema, IdParams, responses } from './schemas.js';

const tags = ['api keys'];

/** API keys: one authenticates its user in every dialect's credential format. */
export function credentialRoutes(app: NativeApp, core: Core): void {
  app.get(
    '/users/:id/api-keys',
    {
      schema: {
        tags,
        summary: "A user's API keys (never their secrets)",
        params: IdParams,
        response: responses({ 200: Type.Object({ items: Type.Array(ApiKeySchema) }) }),
      },
    },
    async (request) => ({ items: (await listApiKeys(core, request.viewer, request.params.id, 'user.oversee_credentials')).map(renderApiKey) }),
  );

  app.post(
    '/users/:id/api-keys',
    {
      schema: {
        tags,
        summary: 'Create an API key; its secret is shown this once',
        params: IdParams,
        body: ApiKeyBody,
        response: responses({ 201: CreatedApiKeySchema }),
      },
    },
    async (request, reply) => {
      const { apiKey, secret } = await createApiKey(core, request.viewer, request.params.id, apiKeyInput(request.body));
      return reply.code(201).send({ api_key: renderApiKey(apiKey), secret });
    },
  );

  app.delete(
    '/api-keys/:id',
    { schema: { tags, summary: 'Revoke an API key', params: IdParams, response: responses({ 200: ApiKeySchema }) } },
    async (request) => renderApiKey(await revokeApiKey(core, request.viewer, request.params.id, 'user.oversee_credentials')),
  );
}
