import type { FastifyInstance, FastifyRequest } from 'fastify';
import { revokeSession } from '../../core/auth/sessions.js';
import {
  openStackSession,
  refreshStackSession,
  stackAnonymousSignUp,
  stackPasswordSignIn,
  stackPasswordSignUp,
  type StackSession,
} from '../../core/auth/stack-sessions.js';
import { ACCESS_TOKEN_LIFETIME_S, issueStackAccessToken } from '../../core/auth/stack-tokens.js';
import { getStackImage } from '../../core/orgs/stack-images.js';
import { getStackProject, verifyStackProjectKey, type StackProject } from '../../core/orgs/stack-projects.js';
import { getUserByUuid } from '../../core/users/users.js';
import { clientIp } from '../../http/client-ip.js';
import { requireServer, resolveAccess, type StackAccess } from './access.js';
import { sendJson, stackPath, type StackRoutes } from './context.js';
import { known, StackStatusError, userNotFound } from './errors.js';
import { parseCredentials, parseSessionCreate, STACK_PASSWORD_MAX } from './params.js';

/** What `@stackframe/js` sends as the client secret when the project needs no publishable key. */
const NO_CLIENT_KEY = '__stack_public_client__';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Accepted and ignored: Roster sends no verification emails and has no bot challenge.
const SIGN_UP_EXTRAS = ['verification_callback_url', 'bot_challenge_token', 'bot_challenge_phase', 'bot_challenge_unavailable'];

const refreshTokenError = () =>
  known(401, 'REFRESH_TOKEN_NOT_FOUND_OR_EXPIRED', 'Refresh token not found for this project, or the session has expired/been revoked.');

async function tokens(routes: StackRoutes, access: Pick<StackAccess, 'project' | 'branchId'>, session: StackSession): Promise<Record<string, string>> {
  const accessToken = await issueStackAccessToken(routes.core, access.project, session, access.branchId);
  return { access_token: accessToken, refresh_token: session.refreshToken, user_id: session.user.uuid };
}

function checkPasswordRules(routes: StackRoutes, password: string): void {
  const length = [...password].length;
  const min = routes.core.config.passwordMinLength;
  if (length < min) throw known(400, 'PASSWORD_TOO_SHORT', `Password too short. Minimum length is ${min}.`, { min_length: min });
  if (length > STACK_PASSWORD_MAX)
    throw known(400, 'PASSWORD_TOO_LONG', `Password too long. Maximum length is ${STACK_PASSWORD_MAX}.`, { maxLength: STACK_PASSWORD_MAX });
}

/** Where a sign-in or sign-up comes from, as the core records it. */
const clientOf = (request: FastifyRequest) => ({ ip: clientIp(request), userAgent: request.headers['user-agent'] ?? null });

/** OAuth's own error body (RFC 6749 §5.2), as the token endpoint's library answers. */
const oauthError = (error: string, description: string) => ({ error, error_description: description });

async function projectOfClient(routes: StackRoutes, clientId: unknown, clientSecret: unknown): Promise<StackProject | null> {
  if (typeof clientId !== 'string' || !UUID.test(clientId) || typeof clientSecret !== 'string') return null;
  const project = await getStackProject(routes.core, clientId);
  if (!project) return null;
  if (clientSecret === NO_CLIENT_KEY) return project.config.require_publishable_client_key ? null : project;
  return (await verifyStackProjectKey(routes.core, project.id, 'client', clientSecret)) ? project : null;
}

export function authRoutes(app: FastifyInstance, routes: StackRoutes): void {
  const { core } = routes;

  app.post('/api/v1/auth/password/sign-up', async (request, reply) => {
    const access = await resolveAccess(core, request);
    const credentials = parseCredentials(request.body, request.method, stackPath(request, routes.prefix), SIGN_UP_EXTRAS);
    request.stackWrite = { email: credentials.email };
    checkPasswordRules(routes, credentials.password);
    const session = await stackPasswordSignUp(core, access.viewer, access.project, {
      ...credentials,
      ...clientOf(request),
    });
    return sendJson(reply, 200, await tokens(routes, access, session));
  });

  // An anonymous user (no email, no password), upgraded later with `is_anonymous: false` (spec §3.6).
  app.post('/api/v1/auth/anonymous/sign-up', async (request, reply) => {
    const access = await resolveAccess(core, request);
    const session = await stackAnonymousSignUp(core, access.viewer, access.project, clientOf(request));
    return sendJson(reply, 200, await tokens(routes, access, session));
  });

  app.post('/api/v1/auth/password/sign-in', async (request, reply) => {
    const access = await resolveAccess(core, request);
    const credentials = parseCredentials(request.body, request.method, stackPath(request, routes.prefix), []);
    const session = await stackPasswordSignIn(core, access.project, {
      ...credentials,
      ...clientOf(request),
    });
    return sendJson(reply, 200, await tokens(routes, access, session));
  });

  app.post('/api/v1/auth/sessions', async (request, reply) => {
    const access = await resolveAccess(core, request);
    requireServer(access);
    const input = parseSessionCreate(request.body, request.method, stackPath(request, routes.prefix));
    const user = await getUserByUuid(core, input.userId);
    if (user.is_deleted) throw userNotFound();
    const session = await openStackSession(core, access.viewer, access.project, user.id, {
      ...(input.expiresInMillis === undefined ? {} : { expiresInMillis: input.expiresInMillis }),
      ip: clientIp(request),
    });
    const { access_token, refresh_token } = await tokens(routes, access, session);
    return sendJson(reply, 200, { access_token, refresh_token });
  });

  app.delete('/api/v1/auth/sessions/current', async (request, reply) => {
    const access = await resolveAccess(core, request);
    if (access.sessionId === null || !access.user) throw refreshTokenError();
    await revokeSession(core, access.viewer, access.sessionId);
    return sendJson(reply, 200, { success: true });
  });

  // The refresh grant, as oauth4webapi sends it for the SDK: a form with the project as client_id
  // and its publishable key (or a sentinel) as client_secret; no x-stack-* headers.
  app.post('/api/v1/auth/oauth/token', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (body.grant_type !== 'refresh_token') return sendJson(reply, 400, oauthError('unsupported_grant_type', 'Only the refresh_token grant is supported'));
    const project = await projectOfClient(routes, body.client_id, body.client_secret);
    if (!project) return sendJson(reply, 401, oauthError('invalid_client', 'Invalid client: cannot retrieve client credentials'));
    const refreshToken = typeof body.refresh_token === 'string' ? body.refresh_token : '';
    const session = await refreshStackSession(core, project, refreshToken);
    if (!session) throw refreshTokenError();
    const accessToken = await issueStackAccessToken(core, project, session);
    return sendJson(reply, 200, {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: ACCESS_TOKEN_LIFETIME_S,
      refresh_token: refreshToken,
      scope: 'legacy',
    });
  });

  app.get<{ Params: { image_id: string } }>('/api/v1/profile-images/:image_id', async (request, reply) => {
    const image = await getStackImage(core, request.params.image_id);
    if (!image) throw new StackStatusError(404, 'Image not found');
    return reply.code(200).type(image.content_type).header('x-content-type-options', 'nosniff').send(image.bytes);
  });
}
