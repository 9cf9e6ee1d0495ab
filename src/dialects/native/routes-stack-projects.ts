import { Type } from '@fastify/type-provider-typebox';
import type { Core } from '../../core/context.js';
import { createStackProject, listStackProjects, updateStackProject } from '../../core/orgs/stack-projects.js';
import type { NativeApp } from './routes.js';
import { responses, Timestamp } from './schemas.js';

const tags = ['stack projects'];
const Uuid = (description?: string) =>
  Type.String({ pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$', ...(description ? { description } : {}) });

const SETTINGS = {
  require_publishable_client_key: Type.Boolean({ description: 'Client requests must carry `x-stack-publishable-client-key`' }),
  require_email_verification: Type.Boolean({ description: 'Users without a verified primary email are restricted' }),
  allow_client_user_deletion: Type.Boolean({ description: 'A client may delete its own user' }),
};

const StackProjectSchema = Type.Object({
  id: Uuid('Sent as `x-stack-project-id`'),
  display_name: Type.String(),
  config: Type.Object(SETTINGS),
  created_at: Timestamp,
});

const CreatedStackProjectSchema = Type.Object({
  project: StackProjectSchema,
  publishable_client_key: Type.String({ description: 'Shown once; only its hash is kept' }),
  secret_server_key: Type.String({ description: 'Shown once; only its hash is kept' }),
  super_secret_admin_key: Type.String({ description: 'Shown once; only its hash is kept' }),
});

const ConfigPatch = Type.Object(
  {
    require_publishable_client_key: Type.Optional(SETTINGS.require_publishable_client_key),
    require_email_verification: Type.Optional(SETTINGS.require_email_verification),
    allow_client_user_deletion: Type.Optional(SETTINGS.allow_client_user_deletion),
  },
  { additionalProperties: false },
);
const DisplayName = Type.String({ minLength: 1, maxLength: 256 });
const CreateBody = Type.Object({ display_name: DisplayName, config: Type.Optional(ConfigPatch) }, { additionalProperties: false });
const PatchBody = Type.Object(
  { display_name: Type.Optional(DisplayName), config: Type.Optional(ConfigPatch) },
  { additionalProperties: false, minProperties: 1 },
);
const ProjectParams = Type.Object({ id: Uuid() }, { additionalProperties: false });

/** Stack Auth projects (admins): list, create (keys shown once), change settings. */
export function stackProjectRoutes(app: NativeApp, core: Core): void {
  app.get(
    '/stack-projects',
    {
      schema: { tags, summary: 'Every Stack Auth project, oldest first', response: responses({ 200: Type.Object({ items: Type.Array(StackProjectSchema) }) }) },
    },
    async (request) => ({ items: await listStackProjects(core, request.viewer) }),
  );

  app.post(
    '/stack-projects',
    {
      schema: {
        tags,
        summary: 'Create a Stack Auth project; its three keys are in this response only',
        body: CreateBody,
        response: responses({ 201: CreatedStackProjectSchema }),
      },
    },
    async (request, reply) => {
      const { display_name: displayName, config } = request.body;
      const created = await createStackProject(core, request.viewer, { displayName, ...(config ? { config } : {}) });
      return reply.code(201).send({
        project: created.project,
        publishable_client_key: created.publishableClientKey,
        secret_server_key: created.secretServerKey,
        super_secret_admin_key: created.superSecretAdminKey,
      });
    },
  );

  app.patch(
    '/stack-projects/:id',
    {
      schema: {
        tags,
        summary: 'Rename a project or change its settings',
        params: ProjectParams,
        body: PatchBody,
        response: responses({ 200: StackProjectSchema }),
      },
    },
    async (request) => {
      const { display_name: displayName, config } = request.body;
      return updateStackProject(core, request.viewer, request.params.id, {
        ...(displayName !== undefined ? { displayName } : {}),
        ...(config ? { config } : {}),
      });
    },
  );
}
