import { Type } from '@fastify/type-provider-typebox';
import type { Core } from '../../core/context.js';
import { csrfTokenFor } from '../../core/auth/csrf.js';
import { currentSession, listSessions, login, revokeSession } from '../../core/auth/sessions.js';
import { viewerFor } from '../../core/access/viewer.js';
import { clientIp } from '../../http/client-ip.js';
import { currentSessionId, signedInUser } from './params.js';
import { renderUser } from './render.js';
import { LoginBody } from './request-schemas.js';
import { clearSessionCookie, csrfTokenOf, setSessionCookie } from './console-session.js';
import { CurrentSessionSchema, IdParams, LoginResponseSchema, responses, SessionSchema, UserSchema } from './schemas.js';
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
        description:
          'With `"cookie": true` (the admin console), only staff (Moderator and above) may sign in: the token is set as the `roster_session` cookie (HttpOnly, SameSite=Strict, Secure over TLS) and the body carries `csrf_token` instead.',
        security: [],
        body: LoginBody,
        response: responses({ 201: LoginResponseSchema }),
      },
    },
    async (request, reply) => {
      const ip = clientIp(request);
      const { cookie, ...credentials } = request.body;
      const { session, token, user } = await login(core, { ...credentials, ip, userAgent: request.headers['user-agent'] ?? null, console: cookie === true });
      const rendered = renderUser(viewerFor(user, { kind: 'session', id: session.id }, ip), user);
      if (cookie !== true) return reply.code(201).send({ token, session, user: rendered });
      setSessionCookie(core, request, reply, token);
      return reply.code(201).send({ session, user: rendered, csrf_token: csrfTokenFor(token) });
    },
  );

  app.get(
    '/sessions/current',
    {
      schema: {
        tags,
        summary: 'The session this request uses, its user, and (cookie sessions) the CSRF token',
        response: responses({ 200: CurrentSessionSchema }),
      },
    },
    async (request) => {
      const session = await currentSession(core, request.viewer, currentSessionId(request.viewer));
      const csrf = csrfTokenOf(request);
      return { session, user: renderUser(request.viewer, signedInUser(request.viewer)), ...(csrf === null ? {} : { csrf_token: csrf }) };
    },
  );

  app.delete(
    '/sessions/current',
    { schema: { tags, summary: 'Sign out: revoke the session this request uses (and clear the console cookie)', response: responses({ 200: SessionSchema }) } },
    async (request, reply) => {
      const session = await revokeSession(core, request.viewer, currentSessionId(request.viewer));
      clearSessionCookie(core, request, reply);
      return session;
    },
  );

  app.delete(
    '/sessions/:id',
    { schema: { tags, summary: 'Revoke a session', params: IdParams, response: responses({ 200: SessionSchema }) } },
    async (request) => revokeSession(core, request.viewer, request.params.id, 'user.oversee_credentials'),
  );

  app.get(
    '/users/:id/sessions',
    { schema: { tags, summary: "A user's sessions", params: IdParams, response: responses({ 200: Type.Object({ items: Type.Array(SessionSchema) }) }) } },
    async (request) => ({ items: await listSessions(core, request.viewer, request.params.id, 'user.oversee_credentials') }),
  );

  app.get('/me', { schema: { tags: ['users'], summary: 'The signed-in user', response: responses({ 200: UserSchema }) } }, async (request) =>
    renderUser(request.viewer, signedInUser(request.viewer)),
  );
}
