import { Type, type TSchema } from '@fastify/type-provider-typebox';
import { COUNTER_NAMES } from '../../core/users/user.js';
import { PREFERENCE_FLAGS } from '../../core/users/preferences.js';
import { NullableResponse, StringEnum } from '../../http/response-schemas.js';
import { NATIVE_ERROR_CODES } from './errors.js';

/*
 * Response schemas of the native API. They serialize every response, so a field missing here
 * is never sent whatever render builds (STYLE 11: the second lock), and they are the OpenAPI
 * document at `/docs`. Timestamps are integer milliseconds since the epoch, as in filters.
 */

export const Timestamp = Type.Integer({ description: 'Milliseconds since the epoch' });
const Json = Type.Unknown({ description: 'Any JSON value' });

const recordOf = <T extends TSchema>(names: readonly string[], schema: T) =>
  Type.Object(Object.fromEntries(names.map((name) => [name, schema])), { additionalProperties: false });

export const PreferencesSchema = Type.Object({
  theme: Type.String(),
  time_zone: Type.String(),
  per_page: Type.Integer(),
  comment_threshold: Type.Integer(),
  default_image_size: Type.String(),
  favorite_tags: Type.String(),
  blacklisted_tags: Type.String(),
  custom_style: Type.String(),
  profile_about: Type.String(),
  profile_artinfo: Type.String(),
  flags: recordOf(PREFERENCE_FLAGS, Type.Boolean()),
});

/** Activity counters by name (`post_upload_count`, `forum_post_count`, …). */
export const CountersSchema = recordOf(COUNTER_NAMES, Type.Integer());

const SanctionInForce = Type.Object({
  id: Type.Integer(),
  reason: Type.String(),
  actor_id: NullableResponse(Type.Integer()),
  created_at: Timestamp,
  expires_at: NullableResponse(Timestamp),
});

/** A user. Optional fields appear only for viewers allowed to see them (core/access/visibility.ts). */
export const UserSchema = Type.Object(
  {
    id: Type.Integer(),
    uuid: Type.String(),
    name: Type.String(),
    level: Type.Integer(),
    level_name: Type.String(),
    first_name: Type.String(),
    last_name: Type.String(),
    display_name: NullableResponse(Type.String()),
    profile_image_url: NullableResponse(Type.String()),
    avatar_id: NullableResponse(Type.Integer()),
    avatar_nsfw: Type.String({ description: 'Browsing level of the avatar: None, Soft, Mature or X' }),
    inviter_id: NullableResponse(Type.Integer()),
    is_deleted: Type.Boolean(),
    is_anonymous: Type.Boolean(),
    is_banned: Type.Boolean(),
    is_unactivated: Type.Boolean({ description: 'signed itself up and has not verified its email (e621 Unactivated)' }),
    is_muted: Type.Boolean(),
    ban: NullableResponse(SanctionInForce),
    /** Moderators and the user themself (core/access/visibility.ts). */
    mute: Type.Optional(NullableResponse(SanctionInForce)),
    restricted_by_admin: Type.Boolean(),
    counters: CountersSchema,
    artist_tags: Type.Array(Type.String()),
    created_at: Timestamp,
    updated_at: Timestamp,
    email: Type.Optional(NullableResponse(Type.String())),
    email_verified: Type.Optional(Type.Boolean()),
    self_signed_up: Type.Optional(Type.Boolean({ description: 'the account signed itself up (admins)' })),
    has_password: Type.Optional(Type.Boolean()),
    restricted_by_admin_reason: Type.Optional(NullableResponse(Type.String())),
    restricted_by_admin_private_details: Type.Optional(NullableResponse(Type.String())),
    preferences: Type.Optional(PreferencesSchema),
    client_metadata: Type.Optional(Json),
    client_read_only_metadata: Type.Optional(Json),
    server_metadata: Type.Optional(Json),
    risk_scores: Type.Optional(Json),
    selected_team_id: Type.Optional(NullableResponse(Type.Integer())),
    country_code: Type.Optional(NullableResponse(Type.String())),
    last_logged_in_at: Type.Optional(NullableResponse(Timestamp)),
    last_active_at: Type.Optional(NullableResponse(Timestamp)),
    last_forum_read_at: Type.Optional(NullableResponse(Timestamp)),
    last_ip_addr: Type.Optional(NullableResponse(Type.String())),
  },
  { $id: 'User' },
);

export const UserListSchema = Type.Object({
  items: Type.Array(UserSchema),
  next_cursor: NullableResponse(Type.String()),
  has_more: Type.Boolean(),
  total: Type.Optional(Type.Integer()),
});

export const SessionSchema = Type.Object({
  id: Type.Integer(),
  user_id: Type.Integer(),
  created_at: Timestamp,
  expires_at: Timestamp,
  last_seen_at: NullableResponse(Timestamp),
  ip: NullableResponse(Type.String()),
  user_agent: NullableResponse(Type.String()),
  revoked_at: NullableResponse(Timestamp),
});

const CsrfToken = Type.String({ description: 'Cookie sessions only: send it as `X-CSRF-Token` on every write made with the cookie.' });

export const LoginResponseSchema = Type.Object({
  token: Type.Optional(Type.String({ description: 'The session token; shown once. Send it as `Authorization: Bearer <token>`. Absent for a cookie session.' })),
  csrf_token: Type.Optional(CsrfToken),
  session: SessionSchema,
  user: UserSchema,
});

export const CurrentSessionSchema = Type.Object({ session: SessionSchema, user: UserSchema, csrf_token: Type.Optional(CsrfToken) });

export const ApiKeySchema = Type.Object({
  id: Type.Integer(),
  user_id: Type.Integer(),
  name: Type.String(),
  token_hint: Type.String({ description: 'The last characters of the secret' }),
  scopes: Type.Array(Type.String()),
  permitted_ips: Type.Array(Type.String()),
  expires_at: NullableResponse(Timestamp),
  created_at: Timestamp,
  updated_at: Timestamp,
  last_used_at: NullableResponse(Timestamp),
  last_ip: NullableResponse(Type.String()),
  uses: Type.Integer(),
  revoked_at: NullableResponse(Timestamp),
});

export const CreatedApiKeySchema = Type.Object({
  api_key: ApiKeySchema,
  secret: Type.String({ description: 'Shown once; only its hash is stored.' }),
});

export const SanctionSchema = Type.Object({
  id: Type.Integer(),
  kind: StringEnum(['ban', 'mute']),
  user_id: Type.Integer(),
  actor_id: NullableResponse(Type.Integer()),
  reason: Type.String(),
  created_at: Timestamp,
  updated_at: Timestamp,
  expires_at: NullableResponse(Timestamp),
  lifted_at: NullableResponse(Timestamp),
  lifted_by_id: NullableResponse(Type.Integer()),
  in_force: Type.Boolean(),
});

export const listOf = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), next_cursor: NullableResponse(Type.String()), has_more: Type.Boolean(), total: Type.Optional(Type.Integer()) });

export const NameChangeSchema = Type.Object({
  id: Type.Integer(),
  user_id: Type.Integer(),
  old_name: Type.String(),
  new_name: Type.String(),
  actor_id: NullableResponse(Type.Integer()),
  created_at: Timestamp,
});

export const AuditEntrySchema = Type.Object({
  id: Type.Integer(),
  actor_id: NullableResponse(Type.Integer()),
  action: Type.String(),
  subject_type: Type.String(),
  subject_id: NullableResponse(Type.Integer()),
  target_user_id: NullableResponse(Type.Integer()),
  details: Type.Record(Type.String(), Json),
  ip: NullableResponse(Type.String()),
  created_at: Timestamp,
});

export const ErrorSchema = Type.Object(
  {
    error: Type.Object({
      code: StringEnum(NATIVE_ERROR_CODES),
      message: Type.String(),
      details: Type.Object({
        entity: Type.Optional(Type.String()),
        param: Type.Optional(Type.String()),
        location: Type.Optional(Type.String()),
        fields: Type.Optional(Type.Record(Type.String(), Type.Array(Type.String()))),
        retry_after_seconds: Type.Optional(Type.Integer()),
      }),
    }),
  },
  { $id: 'Error' },
);

/** A route's responses: the success schemas plus the error shape for every 4xx. */
export const responses = <T extends Record<number, TSchema>>(success: T) => ({ ...success, '4xx': ErrorSchema });

/** Row ids are 32-bit on PostgreSQL (`integer`): anything larger cannot name a row. */
export const MAX_ID = 2_147_483_647;

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: MAX_ID }) }, { additionalProperties: false });

export const OrganizationSchema = Type.Object({
  id: Type.Integer(),
  uuid: Type.String(),
  slug: Type.String(),
  name: Type.String(),
  description: Type.String(),
  contact: Type.Record(Type.String(), Json),
  owner_id: NullableResponse(Type.Integer()),
  profile_image_url: NullableResponse(Type.String()),
  client_metadata: Json,
  client_read_only_metadata: Type.Optional(Json),
  server_metadata: Type.Optional(Json),
  created_at: Timestamp,
  updated_at: Timestamp,
});

const Role = StringEnum(['owner', 'maintainer', 'supervisor', 'worker']);

export const MembershipSchema = Type.Object({
  id: Type.Integer(),
  organization_id: Type.Integer(),
  user_id: Type.Integer(),
  role: Role,
  is_active: Type.Boolean(),
  joined_at: NullableResponse(Timestamp),
  invitation_key: NullableResponse(Type.String()),
  created_at: Timestamp,
});

export const InvitationSchema = Type.Object({
  key: Type.String(),
  organization_id: Type.Integer(),
  organization_slug: Type.String(),
  user_id: Type.Integer(),
  owner: NullableResponse(Type.Integer({ description: 'Who invited' })),
  role: Role,
  created_at: Timestamp,
  expires_at: Timestamp,
  expired: Type.Boolean(),
  accepted: Type.Boolean(),
});

export const SubscriptionSchema = Type.Object({
  id: Type.Integer(),
  user_id: Type.Integer(),
  product: Type.String(),
  tier: Type.String(),
  created_at: Timestamp,
  expires_at: NullableResponse(Timestamp),
  canceled_at: NullableResponse(Timestamp),
  is_active: Type.Boolean(),
});

/** An offset listing, as organizations and memberships are counted: `{items, total}`. */
export const listingOf = <T extends TSchema>(item: T) => Type.Object({ items: Type.Array(item), total: Type.Integer() });
