import { Type } from '@fastify/type-provider-typebox';
import { AVATAR_NSFW_LEVELS } from '../../core/users/avatar-nsfw.js';
import { SUBSCRIPTION_TIERS } from '../../core/orgs/subscriptions.js';
import { StringEnum } from '../../http/response-schemas.js';

/** Response schemas: what render builds, and the only fields Fastify will serialize. */

/** seed: `GET /api/v1/me`. */
export const MeSchema = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  tier: StringEnum(SUBSCRIPTION_TIERS),
  status: StringEnum(['active', 'muted', 'banned'] as const),
  isMember: Type.Boolean(),
  subscriptions: Type.Array(Type.String()),
});

/** seed: `GET /api/v1/users`. */
export const UserItemSchema = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  avatarNsfw: StringEnum(AVATAR_NSFW_LEVELS),
});

export const UserListSchema = Type.Object({ items: Type.Array(UserItemSchema) });
