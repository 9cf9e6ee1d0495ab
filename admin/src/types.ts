import type { Static } from '@fastify/type-provider-typebox';
import type { ApiKeySchema, SanctionSchema, SessionSchema } from '../../src/dialects/native/schemas.js';

/** The native API's shapes, as far as the console reads them (src/dialects/native/schemas.ts). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface SanctionInForce {
  readonly id: number;
  readonly reason: string;
  readonly actor_id: number | null;
  readonly created_at: number;
  readonly expires_at: number | null;
}

export interface ApiUser {
  readonly id: number;
  readonly uuid: string;
  readonly name: string;
  readonly level: number;
  readonly level_name: string;
  readonly first_name: string;
  readonly last_name: string;
  readonly display_name: string | null;
  readonly is_deleted: boolean;
  readonly is_banned: boolean;
  readonly is_muted: boolean;
  readonly ban: SanctionInForce | null;
  readonly mute?: SanctionInForce | null;
  readonly restricted_by_admin: boolean;
  readonly created_at: number;
  readonly updated_at: number;
  readonly email?: string | null;
  readonly email_verified?: boolean;
  readonly restricted_by_admin_reason?: string | null;
  readonly restricted_by_admin_private_details?: string | null;
  readonly client_metadata?: Json;
  readonly client_read_only_metadata?: Json;
  readonly server_metadata?: Json;
  readonly last_logged_in_at?: number | null;
  readonly last_active_at?: number | null;
  readonly last_ip_addr?: string | null;
  readonly [field: string]: unknown;
}

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
