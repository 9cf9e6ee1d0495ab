import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { Core } from '../../core/context.js';
import { auditRoutes } from './routes-audit.js';
import { credentialRoutes } from './routes-credentials.js';
import { loginAttemptRoutes } from './routes-login-attempts.js';
import { moderationRoutes } from './routes-moderation.js';
import { invitationRoutes, membershipRoutes, organizationRoutes, subscriptionRoutes } from './routes-orgs.js';
import { sessionRoutes } from './routes-sessions.js';
import { stackProjectRoutes } from './routes-stack-projects.js';
import { statsRoutes } from './routes-stats.js';
import { transferRoutes } from './routes-transfer.js';
import { userChangeRoutes, userRoutes } from './routes-users.js';

/** The native plugin's instance, typed by its TypeBox schemas. */
export type NativeApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

export type RouteGroup = (app: NativeApp, core: Core) => void;

/** Every route group of the native API, one file per resource. */
export const NATIVE_ROUTES: readonly RouteGroup[] = [
  sessionRoutes,
  userRoutes,
  userChangeRoutes,
  moderationRoutes,
  credentialRoutes,
  organizationRoutes,
  membershipRoutes,
  invitationRoutes,
  subscriptionRoutes,
  auditRoutes,
  loginAttemptRoutes,
  statsRoutes,
  stackProjectRoutes,
  transferRoutes,
];
