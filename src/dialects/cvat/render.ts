import { Type, type Static } from '@fastify/type-provider-typebox';
import type { Invitation } from '../../core/orgs/invitations.js';
import type { Membership } from '../../core/orgs/memberships.js';
import type { Organization } from '../../core/orgs/organizations.js';
import type { User } from '../../core/users/user.js';
import { NullableResponse } from '../../http/response-schemas.js';
import { groupOf, isActive, isPrivileged } from './levels.js';

/** The absolute root of this dialect for the current request (`http://host:port/cvat`). */
export type UrlRoot = string;

/** Django's `DateTimeField` in UTC with microseconds: `2023-03-30T09:37:31.615000Z`. */
export function cvatTime(ms: number): string;
export function cvatTime(ms: number | null): string | null;
export function cvatTime(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export interface BasicUserJson {
  readonly url: string;
  readonly id: number;
  readonly username: string;
  readonly first_name: string;
  readonly last_name: string;
}

/** `BasicUserSerializer` (spec §1.2). */
export function basicUser(root: UrlRoot, user: User): BasicUserJson {
  return { url: `${root}/api/users/${user.id}`, id: user.id, username: user.name, first_name: user.first_name, last_name: user.last_name };
}

/**
 * `fullUser`'s shape, in its key order: the response schema that compiles its serializer
 * (fast-json-stringify writes keys in schema order, the same as `JSON.stringify` of the object).
 */
export const FullUserSchema = Type.Object(
  {
    url: Type.String(),
    id: Type.Integer(),
    username: Type.String(),
    first_name: Type.String(),
    last_name: Type.String(),
    email: Type.String(),
    groups: Type.Array(Type.String()),
    is_staff: Type.Boolean(),
    is_superuser: Type.Boolean(),
    is_active: Type.Boolean(),
    last_login: NullableResponse(Type.String()),
    date_joined: Type.String(),
    has_analytics_access: Type.Boolean(),
  },
  { additionalProperties: false },
);

/** `UserSerializer`: names and email as `""` when unset, as Django stores them. */
export function fullUser(root: UrlRoot, user: User): Static<typeof FullUserSchema> {
  const privileged = isPrivileged(user.level);
  // Object.assign, not a spread into a literal: V8 (Node 20) copies into a literal on a slow path.
  return Object.assign(basicUser(root, user), {
    email: user.email ?? '',
    groups: [groupOf(user.level)],
    is_staff: privileged,
    is_superuser: privileged,
    is_active: isActive(user),
    last_login: cvatTime(user.last_logged_in_at),
    date_joined: cvatTime(user.created_at),
    has_analytics_access: privileged,
  });
}

export interface PageJson<T> {
  readonly count: number;
  readonly next: string | null;
  readonly previous: string | null;
  readonly results: readonly T[];
}

/** Users the route loaded alongside its records (owners, members, invitees), by id. */
export type UsersById = ReadonlyMap<number, User>;

const basicOf = (root: UrlRoot, users: UsersById, id: number | null): BasicUserJson | null => {
  const user = id === null ? undefined : users.get(id);
  return user ? basicUser(root, user) : null;
};

/** `OrganizationReadSerializer`. */
export function organizationJson(root: UrlRoot, org: Organization, users: UsersById): Record<string, unknown> {
  return {
    id: org.id,
    slug: org.slug,
    name: org.name,
    description: org.description,
    created_date: cvatTime(org.created_at),
    updated_date: cvatTime(org.updated_at),
    contact: org.contact,
    owner: basicOf(root, users, org.owner_id),
  };
}

/** `MembershipReadSerializer`. */
export function membershipJson(root: UrlRoot, membership: Membership, users: UsersById): Record<string, unknown> {
  return {
    id: membership.id,
    user: basicOf(root, users, membership.user_id),
    organization: membership.organization_id,
    is_active: membership.is_active,
    joined_date: cvatTime(membership.joined_at),
    role: membership.role,
    invitation: membership.invitation_key,
  };
}

/** `InvitationReadSerializer`. */
export function invitationJson(root: UrlRoot, invitation: Invitation, users: UsersById): Record<string, unknown> {
  return {
    key: invitation.key,
    created_date: cvatTime(invitation.created_at),
    owner: basicOf(root, users, invitation.owner),
    role: invitation.role,
    user: basicOf(root, users, invitation.user_id),
    organization: invitation.organization_id,
    expired: invitation.expired,
    accepted: invitation.accepted,
    organization_info: { id: invitation.organization_id, slug: invitation.organization_slug },
  };
}
