import { Type, type Static } from '@fastify/type-provider-typebox';
import { listLoginAttempts, type LoginAttemptQuery } from '../../core/auth/login-attempts.js';
import type { Core } from '../../core/context.js';
import { timeRangeAndCursor } from './params.js';
import type { NativeApp } from './routes.js';
import { NullableResponse } from '../../http/response-schemas.js';
import { listOf, MAX_ID, responses, Timestamp } from './schemas.js';

const LoginAttemptSchema = Type.Object({
  id: Type.Integer(),
  created_at: Timestamp,
  user_id: NullableResponse(Type.Integer()),
  login: Type.String(),
  ip: NullableResponse(Type.String()),
  success: Type.Boolean(),
  reason: Type.String({
    description: 'success, wrong_password, unknown_login, no_usable_password, account_deleted, account_banned, rate_limited or malformed_login',
  }),
});

const LoginAttemptListQuery = Type.Object(
  {
    user_id: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_ID })),
    ip: Type.Optional(Type.String({ maxLength: 64 })),
    success: Type.Optional(Type.Boolean()),
    since: Type.Optional(Type.Integer({ minimum: 0, description: 'At or after this time (ms)' })),
    until: Type.Optional(Type.Integer({ minimum: 0, description: 'Before this time (ms)' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Default 50' })),
    cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,10}$' })),
  },
  { additionalProperties: false },
);

function loginAttemptQuery(query: Static<typeof LoginAttemptListQuery>): LoginAttemptQuery {
  return {
    limit: query.limit ?? 50,
    ...(query.user_id !== undefined ? { userId: query.user_id } : {}),
    ...(query.ip !== undefined ? { ip: query.ip } : {}),
    ...(query.success !== undefined ? { success: query.success } : {}),
    ...timeRangeAndCursor(query),
  };
}

/** Every sign-in attempt, successful or not (admins only). */
export function loginAttemptRoutes(app: NativeApp, core: Core): void {
  app.get(
    '/login-attempts',
    {
      schema: {
        tags: ['audit'],
        summary: 'Sign-in attempts, newest first',
        querystring: LoginAttemptListQuery,
        response: responses({ 200: listOf(LoginAttemptSchema) }),
      },
    },
    async (request) => {
      const page = await listLoginAttempts(core, request.viewer, loginAttemptQuery(request.query));
      return { items: page.items, next_cursor: page.nextBeforeId === null ? null : String(page.nextBeforeId), has_more: page.nextBeforeId !== null };
    },
  );
}
