import type { Static } from '@fastify/type-provider-typebox';
import type { ApiKeySchema, SanctionSchema, SessionSchema, UserSchema } from '../../src/dialects/native/schemas.js';

/** The native API's shapes, as far as the console reads them (src/dialects/native/schemas.ts). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A user as the API renders it (src/dialects/native/schemas.ts `UserSchema`). */
export type ApiUser = Static<typeof UserSchema>;
export type SanctionInForce = NonNullable<ApiUser['ban']>;

export interface Page<T> {
  readonly items: T[];
  readonly next_cursor?: string | null;
  readonly has_more?: boolean;
  readonly total?: number;
}

export interface SessionState {
  readonly user: ApiUser;
  readonly csrf_token: string;
}

/** The API's own documented shapes (src/dialects/native/schemas.ts), never restated here. */
export type ApiKey = Static<typeof ApiKeySchema>;
export type Session = Static<typeof SessionSchema>;
export type Sanction = Static<typeof SanctionSchema>;
