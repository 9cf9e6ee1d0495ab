import type { Static } from '@fastify/type-provider-typebox';
import type { Membership } from '../../core/orgs/subscriptions.js';
import { avatarNsfwOf } from '../../core/users/avatar-nsfw.js';
import type { User } from '../../core/users/user.js';
import { civitaiStatus } from './levels.js';
import type { MeSchema, UserItemSchema, UserListSchema } from './schemas.js';

/** `GET /api/v1/me`: who the token belongs to and what their subscriptions make them. */
export function renderMe(user: User, membership: Membership): Static<typeof MeSchema> {
  return {
    id: user.id,
    username: user.name,
    tier: membership.tier,
    status: civitaiStatus(user),
    // seed: "Shortcut: true when tier !== 'free'".
    isMember: membership.tier !== 'free',
    subscriptions: [...membership.products],
  };
}

/** One `GET /api/v1/users` item: deliberately lean (seed). */
export const renderUserItem = (user: User): Static<typeof UserItemSchema> => ({
  id: user.id,
  username: user.name,
  avatarNsfw: avatarNsfwOf(user.avatar_nsfw),
});

export const renderUserList = (users: readonly User[]): Static<typeof UserListSchema> => ({ items: users.map(renderUserItem) });
