import type { FastifyRequest } from 'fastify';
import type { Core } from '../../core/context.js';
import { anonymousFrom, SYSTEM, type Viewer } from '../../core/access/viewer.js';
import { authorizeCredential } from '../../core/auth/scopes.js';
import { authenticateStackAccessToken } from '../../core/auth/stack-tokens.js';
import { getStackProject, verifyStackProjectKey, type StackProject } from '../../core/orgs/stack-projects.js';
import { restrictedReason } from '../../core/orgs/stack-users.js';
import type { User } from '../../core/users/user.js';
import { clientIp } from '../../http/client-ip.js';
import { routeScope } from '../../http/credentials.js';
import { insufficientAccessType, known, type StackKnownError } from './errors.js';

export type AccessType = 'client' | 'server' | 'admin';
const ACCESS_TYPES: readonly AccessType[] = ['client', 'server', 'admin'];

/** What the `x-stack-*` headers established for one request. */
export interface StackAccess {
  readonly project: StackProject;
  readonly accessType: AccessType;
  readonly branchId: string;
  /** The user of `x-stack-access-token`, when one was sent and admitted. */
  readonly user: User | null;
  readonly sessionId: number | null;
  /** Who the core sees: the project's server (system rights) for server and admin keys, else the user. */
  readonly viewer: Viewer;
}

/** `x-stack-<name>`, or its `x-hexclave-<name>` alias (SDK 2.8.108 and later); the first value if repeated. */
export function stackHeader(request: Pick<FastifyRequest, 'headers'>, name: string): string | undefined {
  const value = request.headers[`x-stack-${name}`] ?? request.headers[`x-hexclave-${name}`];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}

const isTrue = (request: FastifyRequest, name: string): boolean => stackHeader(request, name) === 'true';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const DOCS = 'For more information, see the docs on REST API authentication: https://docs.stack-auth.com/rest-api/overview#authentication';

function accessTypeOf(request: FastifyRequest): AccessType {
  const raw = stackHeader(request, 'access-type');
  if (raw === undefined) {
    const keys = ['publishable-client-key', 'secret-server-key', 'super-secret-admin-key', 'admin-access-token'];
    if (keys.some((key) => stackHeader(request, key) !== undefined)) {
      throw known(
        400,
        'PROJECT_KEY_WITHOUT_ACCESS_TYPE',
        "Either an API key or an admin access token was provided, but the x-stack-access-type header is missing. Set it to 'client', 'server', or 'admin' as appropriate.",
      );
    }
    throw known(
      400,
      'ACCESS_TYPE_REQUIRED',
      `You must specify an access level for this Stack project. Make sure project API keys are provided (eg. x-stack-publishable-client-key) and you set the x-stack-access-type header to 'client', 'server', or 'admin'.\n\n${DOCS}`,
    );
  }
  if (!(ACCESS_TYPES as readonly string[]).includes(raw)) {
    throw known(400, 'INVALID_ACCESS_TYPE', `The x-stack-access-type header must be 'client', 'server', or 'admin', but was '${raw}'.`, { accessType: raw });
  }
  return raw as AccessType;
}

async function projectOf(core: Core, request: FastifyRequest, accessType: AccessType): Promise<StackProject> {
  const projectId = stackHeader(request, 'project-id');
  if (projectId === undefined) {
    throw known(
      400,
      'ACCESS_TYPE_WITHOUT_PROJECT_ID',
      `The x-stack-access-type header was '${accessType}', but the x-stack-project-id header was not provided.\n\n${DOCS}`,
      { request_type: accessType },
    );
  }
  const project = UUID.test(projectId) ? await getStackProject(core, projectId) : null;
  if (!project) {
    throw known(
      400,
      'CURRENT_PROJECT_NOT_FOUND',
      `The current project with ID ${projectId} was not found. Please check the value of the x-stack-project-id header.`,
      { project_id: projectId },
    );
  }
  return project;
}

async function checkKey(core: Core, request: FastifyRequest, project: StackProject, accessType: AccessType): Promise<void> {
  // Errors are built only when thrown: an Error captures a stack trace, too dear for every request.
  const check = async (header: string, kind: AccessType, missing: (() => StackKnownError) | null, invalid: () => StackKnownError): Promise<void> => {
    const key = stackHeader(request, header);
    if (key === undefined) {
      if (missing) throw missing();
      return;
    }
    if (!(await verifyStackProjectKey(core, project.id, kind, key))) throw invalid();
  };
  const invalid = (code: string, what: string) => (): StackKnownError =>
    known(401, code, `The ${what} is not valid for the project ${JSON.stringify(project.id)}. Does the project and/or the key exist?`, {
      project_id: project.id,
    });
  switch (accessType) {
    case 'client': {
      const required = project.config.require_publishable_client_key
        ? (): StackKnownError =>
            known(
              401,
              'PUBLISHABLE_CLIENT_KEY_REQUIRED_FOR_PROJECT',
              'Publishable client keys are required for this project. Create one in Project Keys, or disable this requirement there to allow keyless client access.',
              { project_id: project.id },
            )
        : null;
      return check('publishable-client-key', 'client', required, invalid('INVALID_PUBLISHABLE_CLIENT_KEY', 'publishable key'));
    }
    case 'server':
      return check(
        'secret-server-key',
        'server',
        () => known(401, 'SERVER_AUTHENTICATION_REQUIRED', 'The secret server key must be provided.'),
        invalid('INVALID_SECRET_SERVER_KEY', 'secret server key'),
      );
    case 'admin':
      // Dashboard admin access tokens are not issued by Roster: only the project's admin key opens admin access.
      return check(
        'super-secret-admin-key',
        'admin',
        () => known(401, 'ADMIN_AUTHENTICATION_REQUIRED', 'The super secret admin key must be provided.'),
        invalid('INVALID_SUPER_SECRET_ADMIN_KEY', 'super secret admin key'),
      );
  }
}

async function tokenUser(core: Core, request: FastifyRequest, project: StackProject): Promise<{ user: User; sessionId: number; viewer: Viewer } | null> {
  const token = stackHeader(request, 'access-token');
  if (token === undefined) return null;
  const checked = await authenticateStackAccessToken(core, project, token, clientIp(request));
  switch (checked.kind) {
    case 'ok':
      return checked;
    case 'no_user':
      return null;
    case 'unparsable':
      throw known(401, 'UNPARSABLE_ACCESS_TOKEN', 'Access token is not parsable.');
    case 'wrong_project':
      throw known(401, 'INVALID_PROJECT_FOR_ACCESS_TOKEN', 'The access token is not valid for this project.');
    case 'expired': {
      const at = new Date(checked.expiredAtMillis).toISOString();
      throw known(
        401,
        'ACCESS_TOKEN_EXPIRED',
        `Access token has expired. Please refresh it and try again. (The access token expired at ${at}.) Project ID: ${project.id}. User ID: ${checked.userId}. Refresh token ID: ${checked.refreshTokenId}.`,
        { expired_at_millis: checked.expiredAtMillis, project_id: project.id, user_id: checked.userId, refresh_token_id: checked.refreshTokenId },
      );
    }
  }
}

/**
 * Reads the request's project, access type, key and access token, raising the first error in
 * Stack's order (spec §3.2). Anonymous users need `x-stack-allow-anonymous-user: true`; other
 * restricted users need `x-stack-allow-restricted-user: true` (or the anonymous one, which
 * admits every restricted user).
 */
export async function resolveAccess(core: Core, request: FastifyRequest): Promise<StackAccess> {
  const accessType = accessTypeOf(request);
  const project = await projectOf(core, request, accessType);
  await checkKey(core, request, project, accessType);
  const branchId = stackHeader(request, 'branch-id') ?? 'main';
  if (branchId !== 'main') throw known(400, 'BRANCH_DOES_NOT_EXIST', `The branch with ID ${branchId} does not exist.`, { branch_id: branchId });
  const signedIn = await tokenUser(core, request, project);
  if (signedIn) {
    const allowAnonymous = isTrue(request, 'allow-anonymous-user');
    const reason = restrictedReason(signedIn.user, project.config);
    if (signedIn.user.is_anonymous && !allowAnonymous) {
      throw known(
        401,
        'ANONYMOUS_AUTHENTICATION_NOT_ALLOWED',
        "X-Stack-Access-Token is for an anonymous user, but anonymous users are not enabled. Set the X-Stack-Allow-Anonymous-User header of this request to 'true' to allow anonymous users.",
      );
    }
    if (reason !== null && !allowAnonymous && !isTrue(request, 'allow-restricted-user')) {
      throw known(
        403,
        'RESTRICTED_USER_NOT_ALLOWED',
        `The user in the access token is in restricted state. Reason: ${reason}. Please pass the X-Stack-Allow-Restricted-User header if this is intended.`,
        { restricted_reason: { type: reason } },
      );
    }
  }
  const ip = clientIp(request);
  const viewer = accessType === 'client' ? (signedIn?.viewer ?? anonymousFrom(ip)) : Object.freeze({ ...SYSTEM, ip });
  // Key scopes and permitted addresses (core), against the scope the route declares (./scopes.ts).
  authorizeCredential(viewer, routeScope(request), ip);
  return Object.freeze({ project, accessType, branchId, user: signedIn?.user ?? null, sessionId: signedIn?.sessionId ?? null, viewer });
}

/** Server routes refuse client access before anything else is read (spec §3.1). */
export function requireServer(access: StackAccess): void {
  if (access.accessType === 'client') throw insufficientAccessType('client', ['server', 'admin']);
}
