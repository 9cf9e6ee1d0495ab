import type { FastifyReply, FastifyRequest } from 'fastify';
import { login, revokeSession, verifyCredentials } from '../../core/auth/sessions.js';
import { passwordProblems } from '../../core/auth/passwords.js';
import { isCoreError } from '../../core/errors.js';
import { signUp, updateUser } from '../../core/users/users.js';
import { clientIp } from '../../http/client-ip.js';
import { CSRF_COOKIE, csrfTokenFor, SESSION_COOKIE } from './auth.js';
import { CvatHttpError, fieldErrors, notAuthenticated } from './errors.js';
import { bodyOf } from './org-params.js';
import type { RouteGroup } from './routes.js';

/**
 * `/api/auth/*` (spec §1.7, dj-rest-auth): login answers `{key}` and sets the `sessionid` and
 * `csrftoken` cookies; register creates the account and signs it in; logout ends the session
 * the request used; password/change needs the old password.
 */
const REFUSED = new CvatHttpError(400, { non_field_errors: ['Unable to log in with provided credentials.'] });
const USERNAME_MIN = 5;

function required(body: Readonly<Record<string, unknown>>, names: readonly string[]): Record<string, string> {
  const problems: Record<string, string[]> = {};
  const values: Record<string, string> = {};
  for (const name of names) {
    const value = body[name];
    if (value === undefined || value === null || value === '') problems[name] = [value === '' ? 'This field may not be blank.' : 'This field is required.'];
    else if (typeof value !== 'string') problems[name] = ['Not a valid string.'];
    else values[name] = value;
  }
  if (Object.keys(problems).length > 0) throw fieldErrors(problems);
  return values;
}

const optionalText = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Django's cookies: the session HttpOnly, the CSRF token readable by the page's scripts; Secure over HTTPS. */
function setSessionCookies(request: FastifyRequest, reply: FastifyReply, token: string): void {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  reply.header('set-cookie', [
    `${SESSION_COOKIE}=${token}; HttpOnly; Path=/; SameSite=Lax${secure}`,
    `${CSRF_COOKIE}=${csrfTokenFor(token)}; Path=/; SameSite=Lax${secure}`,
  ]);
}

export const authRoutes: RouteGroup = (app, { core }) => {
  /** A core refusal of the credentials becomes dj-rest-auth's 400; too many attempts stay 429. */
  const signIn = async (loginName: string, password: string, request: FastifyRequest) => {
    try {
      return await login(core, { login: loginName, password, ip: clientIp(request), userAgent: request.headers['user-agent'] ?? null });
    } catch (error) {
      if (isCoreError(error) && error.code === 'unauthenticated') throw REFUSED;
      throw error;
    }
  };

  app.post('/api/auth/login', { config: { cvatPublic: true } }, async (request, reply) => {
    const body = bodyOf(request.body);
    const loginName = optionalText(body.username) || optionalText(body.email);
    if (!loginName) throw new CvatHttpError(400, { non_field_errors: ['Must include "username" and "password".'] });
    const { password } = required(body, ['password']);
    const { token } = await signIn(loginName, password!, request);
    setSessionCookies(request, reply, token);
    return { key: token };
  });

  app.post('/api/auth/register', { config: { cvatPublic: true } }, async (request, reply) => {
    const body = bodyOf(request.body);
    const values = required(body, ['username', 'email', 'password1', 'password2']);
    const problems: Record<string, string[]> = {};
    if ([...values.username!].length < USERNAME_MIN) problems.username = [`Ensure this field has at least ${USERNAME_MIN} characters.`];
    const weak = passwordProblems(core.config, values.password1!);
    if (weak.length > 0) problems.password1 = weak.map((problem) => `This password ${problem}.`);
    if (Object.keys(problems).length > 0) throw fieldErrors(problems);
    if (values.password1 !== values.password2) throw fieldErrors({ non_field_errors: ["The two password fields didn't match."] });
    const firstName = optionalText(body.first_name);
    const lastName = optionalText(body.last_name);
    const user = await signUp(core, request.viewer, {
      name: values.username!,
      email: values.email!,
      password: values.password1!,
      ...(firstName !== undefined && { firstName }),
      ...(lastName !== undefined && { lastName }),
      ip: clientIp(request),
    });
    const { token } = await signIn(user.name, values.password1!, request);
    setSessionCookies(request, reply, token);
    return reply.code(201).send({
      username: user.name,
      email: user.email ?? '',
      first_name: user.first_name,
      last_name: user.last_name,
      email_verification_required: false,
      key: token,
    });
  });

  app.post('/api/auth/logout', { config: { cvatPublic: true } }, async (request, reply) => {
    const credential = request.viewer.credential;
    if (credential.kind === 'session') await revokeSession(core, request.viewer, credential.id);
    reply.header('set-cookie', [`${SESSION_COOKIE}=; Max-Age=0; Path=/`, `${CSRF_COOKIE}=; Max-Age=0; Path=/`]);
    return { detail: 'Successfully logged out.' };
  });

  app.post('/api/auth/password/change', async (request) => {
    const viewer = request.viewer;
    if (viewer.user === null) throw notAuthenticated();
    const body = bodyOf(request.body);
    const values = required(body, ['old_password', 'new_password1', 'new_password2']);
    try {
      await verifyCredentials(core, { login: viewer.user.name, password: values.old_password!, ip: clientIp(request) });
    } catch (error) {
      if (isCoreError(error) && error.code === 'unauthenticated') {
        throw fieldErrors({ old_password: ['Your old password was entered incorrectly. Please enter it again.'] });
      }
      throw error;
    }
    if (values.new_password1 !== values.new_password2) throw fieldErrors({ new_password2: ['The two password fields didn’t match.'] });
    await updateUser(core, viewer, viewer.user.id, { password: values.new_password1! }, { currentPassword: values.old_password! });
    return { detail: 'New password has been saved.' };
  });
};
