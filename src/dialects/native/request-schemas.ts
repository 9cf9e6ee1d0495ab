import { Type, type TProperties, type TSchema } from '@fastify/type-provider-typebox';
import { AVATAR_NSFW_LEVELS } from '../../core/users/avatar-nsfw.js';
import { PREFERENCE_FLAGS } from '../../core/users/preferences.js';
import { FILTER_MAX_LENGTH } from './filter-param.js';
import { MAX_ID, Timestamp } from './schemas.js';

/**
 * Request schemas of the native API. Every object refuses unknown keys (400 `invalid_param`),
 * and strings are bounded here so that no parser downstream sees unbounded input; the core
 * applies the real rules (name syntax, password length, …) and answers 422 with every problem.
 */
const strict = <T extends TProperties>(properties: T) => Type.Object(properties, { additionalProperties: false });
const Text = (maxLength: number) => Type.String({ maxLength });
const Json = Type.Unknown();
/** May be null: TypeBox validates requests, and reads `anyOf` (not the responses' `nullable`). */
const NullableInput = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Id = Type.Integer({ minimum: 1, maximum: MAX_ID });
/** Counters are 32-bit columns too. */
const Count = Type.Integer({ minimum: 0, maximum: MAX_ID });

/** A ladder level as a number (`40`) or a name in any case (`moderator`). */
export const LevelValue = Type.Union([Type.Integer(), Text(32)], { description: 'A level number or name' });

const PAGE = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Default 50' })),
  cursor: Type.Optional(Type.String({ maxLength: 4096, description: 'The `next_cursor` of the previous page' })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000 })),
  count: Type.Optional(Type.Boolean({ description: 'Also return `total`' })),
  sort: Type.Optional(Type.String({ maxLength: 300, description: 'Comma list of fields, `-` for descending: `-created_at,name`. Default: newest first' })),
  filter: Type.Optional(Type.String({ maxLength: FILTER_MAX_LENGTH, description: 'A filter expression as JSON (see the filter AST)' })),
};

export const UserListQuery = strict({
  ...PAGE,
  name: Type.Optional(Text(200)),
  name_prefix: Type.Optional(Text(200)),
  q: Type.Optional(Text(200)),
  level: Type.Optional(LevelValue),
  min_level: Type.Optional(LevelValue),
  max_level: Type.Optional(LevelValue),
  is_banned: Type.Optional(Type.Boolean()),
  is_muted: Type.Optional(Type.Boolean()),
  is_deleted: Type.Optional(Type.Boolean()),
  organization_id: Type.Optional(
    Type.Integer({ minimum: 1, maximum: MAX_ID, description: 'Members of this organization (through memberships the viewer may see)' }),
  ),
  email: Type.Optional(Type.String({ maxLength: 320, description: 'Email contains this text, ignoring case (admins only: whoever may read every email)' })),
});

export const SanctionListQuery = strict({ ...PAGE, user_id: Type.Optional(Id), in_force: Type.Optional(Type.Boolean()) });

export const NameChangeListQuery = strict({ ...PAGE, user_id: Type.Optional(Id) });

export const AuditListQuery = strict({
  target_user_id: Type.Optional(Id),
  actor_id: Type.Optional(Id),
  action: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Exactly this action, e.g. `user.ban`' })),
  since: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'At or after this time (ms)' })),
  until: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Before this time (ms)' })),
  limit: PAGE.limit,
  cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,10}$' })),
});

export const OffsetQuery = strict({
  limit: PAGE.limit,
  offset: PAGE.offset,
});

export const UserRefParams = strict({ id: Type.String({ minLength: 1, maxLength: 64, description: 'A user id or uuid' }) });
export const KeyParams = strict({ key: Type.String({ minLength: 1, maxLength: 256 }) });

export const LoginBody = strict({
  login: Type.String({ minLength: 1, maxLength: 320 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
  cookie: Type.Optional(
    Type.Boolean({
      description:
        'Open an admin console session (staff only): the token goes into an HttpOnly `roster_session` cookie instead of the body, and writes must send `X-CSRF-Token`.',
    }),
  ),
});

/** The picture and the three metadata blobs users and organizations both carry. */
const IMAGE_AND_METADATA = {
  profile_image_url: Type.Optional(NullableInput(Type.String())),
  client_metadata: Type.Optional(Json),
  client_read_only_metadata: Type.Optional(Json),
  server_metadata: Type.Optional(Json),
};

const PROFILE = {
  first_name: Type.Optional(Text(1000)),
  last_name: Type.Optional(Text(1000)),
  display_name: Type.Optional(NullableInput(Text(1000))),
  ...IMAGE_AND_METADATA,
};

export const CreateUserBody = strict({
  ...PROFILE,
  name: Type.Optional(NullableInput(Text(1000))),
  password: Type.Optional(NullableInput(Text(1024))),
  email: Type.Optional(NullableInput(Text(1000))),
  email_verified: Type.Optional(Type.Boolean()),
  level: Type.Optional(LevelValue),
  is_anonymous: Type.Optional(Type.Boolean()),
  inviter_id: Type.Optional(NullableInput(Id)),
});

const PreferencesPatchBody = strict({
  theme: Type.Optional(Text(32)),
  time_zone: Type.Optional(Text(1000)),
  per_page: Type.Optional(Type.Integer()),
  comment_threshold: Type.Optional(Type.Integer()),
  default_image_size: Type.Optional(Text(32)),
  favorite_tags: Type.Optional(Text(200_000)),
  blacklisted_tags: Type.Optional(Text(200_000)),
  custom_style: Type.Optional(Text(100_000)),
  profile_about: Type.Optional(Text(100_000)),
  profile_artinfo: Type.Optional(Text(100_000)),
  flags: Type.Optional(strict(Object.fromEntries(PREFERENCE_FLAGS.map((flag) => [flag, Type.Optional(Type.Boolean())])))),
});

export const UserPatchBody = strict({
  ...PROFILE,
  preferences: Type.Optional(PreferencesPatchBody),
  avatar_id: Type.Optional(NullableInput(Id)),
  avatar_nsfw: Type.Optional(
    Type.Union(
      AVATAR_NSFW_LEVELS.map((level) => Type.Literal(level)),
      { description: "The avatar's browsing level (server data)" },
    ),
  ),
  email: Type.Optional(NullableInput(Text(1000))),
  email_verified: Type.Optional(Type.Boolean()),
  password: Type.Optional(NullableInput(Text(1024))),
  current_password: Type.Optional(
    Type.String({ maxLength: 1024, description: 'Required to change your own password or email, unless you signed in within 5 minutes' }),
  ),
  selected_team_id: Type.Optional(NullableInput(Id)),
  counters: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Count)),
  artist_tags: Type.Optional(Type.Array(Text(200), { maxItems: 1000 })),
  is_anonymous: Type.Optional(Type.Literal(false)),
  country_code: Type.Optional(NullableInput(Text(8))),
  risk_scores: Type.Optional(Json),
  last_forum_read_at: Type.Optional(NullableInput(Timestamp)),
});

export const DeleteUserBody = Type.Optional(strict({ password: Type.Optional(Text(1024)) }));

export const LevelBody = strict({ level: LevelValue });
export const RenameBody = strict({ name: Type.String({ minLength: 1, maxLength: 1000 }) });

export const SanctionBody = strict({
  user_id: Id,
  reason: Text(20_000),
  duration: Type.String({ minLength: 1, maxLength: 32, description: '`1d`, `3mo`, `1y`, `12h`, … or `forever`' }),
});

export const RestrictionBody = strict({
  restricted: Type.Boolean(),
  reason: Type.Optional(NullableInput(Text(20_000))),
  private_details: Type.Optional(NullableInput(Text(20_000))),
});

export const ApiKeyBody = strict({
  name: Type.Optional(Text(1000)),
  scopes: Type.Optional(Type.Array(Text(200), { maxItems: 200 })),
  permitted_ips: Type.Optional(Type.Array(Text(100), { maxItems: 100 })),
  expires_at: Type.Optional(NullableInput(Timestamp)),
});

const ORGANIZATION = {
  name: Type.Optional(Text(1000)),
  description: Type.Optional(Text(100_000)),
  contact: Type.Optional(Type.Record(Type.String({ maxLength: 200 }), Json)),
  ...IMAGE_AND_METADATA,
};

export const OrganizationBody = strict({ ...ORGANIZATION, slug: Text(1000), owner_id: Type.Optional(NullableInput(Id)) });
export const OrganizationPatchBody = strict({ ...ORGANIZATION, slug: Type.Optional(Text(1000)) });

export const Role = Type.Union([Type.Literal('owner'), Type.Literal('maintainer'), Type.Literal('supervisor'), Type.Literal('worker')]);
export const MembershipPatchBody = strict({ role: Role });
export const MembershipListQuery = strict({ limit: PAGE.limit, offset: PAGE.offset, role: Type.Optional(Role) });
export const InvitationBody = strict({ email: Text(1000), role: Role });

export const SubscriptionBody = strict({ product: Text(1000), tier: Text(100), expires_at: Type.Optional(NullableInput(Timestamp)) });
