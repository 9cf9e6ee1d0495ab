import { Type } from '@fastify/type-provider-typebox';
import { AVATAR_NSFW_LEVELS } from '../../core/users/avatar-nsfw.js';
import { SUBSCRIPTION_TIERS } from '../../core/orgs/subscriptions.js';

/** Response schemas: what render builds, and the only fields Fastify will serialize. */
const literals = <T extends string>(values: readonly T[]) => Type.Unsafe<T>({ type: 'string', enum: [...values] });

/** seed: `GET /api/v1/me`. */
export const MeSchema = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  tier: literals(SUBSCRIPTION_TIERS),
  status: literals(['active', 'muted', 'banned'] as const),
  isMember: Type.Boolean(),
  subscriptions: Type.Array(Type.String()),
});

/** seed: `GET /api/v1/users`. */
export const UserItemSchema = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  avatarNsfw: literals(AVATAR_NSFW_LEVELS),
});

export const UserListSchema = Type.Object({ items: Type.Array(UserItemSchema) });
