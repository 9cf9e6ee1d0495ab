import { Type } from '@fastify/type-provider-typebox';
import type { Core } from '../../core/context.js';
import { listSessions, login, revokeSession } from '../../core/auth/sessions.js';
import { viewerFor } from '../../core/access/viewer.js';
import { clientIp } from '../../http/client-ip.js';
import { currentSessionId, signedInUser } from './params.js';
import { renderUser } from './render.js';
import { LoginBody } from './request-schemas.js';
import { IdParams, LoginResponseSchema, responses, SessionSchema, UserSchema } from './schemas.js';
import type { NativeApp } from './routes.js';

const tags = ['sessions'];

/** Sign-in, sign-out and the signed-in user. */
export function sessionRoutes(app: NativeApp, core: Core): void {
  app.post(
    '/sessions',
    {
      schema: {
        tags,
        summary: 'Sign in with a name or email and a password',
        security: [],
        body: LoginBody,
        response: responses({ 201: LoginResponseSchema }),
      },
    },
    async (request, reply) => {
      const ip = clientIp(request);
      const { session, token, user } = await login(core, { ...request.body, ip, userAgent: request.headers['user-agent'] ?? null });
      return reply.code(201).send({ token, session, user: renderUser(viewerFor(user, { kind: 'session', id: session.id }, ip), user) });
    },
  );

  app.delete(
    '/sessions/current',
    { schema: { tags, summary: 'Sign out: revoke the session this request uses', response: responses({ 200: SessionSchema }) } },
    async (request) => revokeSession(core, request.viewer, currentSessionId(request.viewer)),
  );

  app.delete(
    '/sessions/:id',
    { schema: { tags, summary: 'Revoke a session', params: IdParams, response: responses({ 200: SessionSchema }) } },
    async (request) => revokeSession(core, request.viewer, request.params.id),
  );

  app.get(
    '/users/:id/sessions',
    { schema: { tags, summary: "A user's sessions", params: IdParams, response: responses({ 200: Type.Object({ items: Type.Array(SessionSchema) }) }) } },
    async (request) => ({ items: await listSessions(core, request.viewer, request.params.id) }),
  );

  app.get('/me', { schema: { tags: ['users'], summary: 'The signed-in user', response: responses({ 200: UserSchema }) } }, async (request) =>
    renderUser(request.viewer, signedInUser(request.viewer)),
  );
}
