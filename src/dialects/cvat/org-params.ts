import { isMembershipRole, type Membership } from '../../core/orgs/memberships.js';
import type { OrganizationInput, OrganizationPatch } from '../../core/orgs/organizations.js';
import { fieldErrors } from './errors.js';

/** Request bodies of the organization endpoints, checked for type with DRF's messages. */
type Body = Readonly<Record<string, unknown>>;

export function bodyOf(body: unknown): Body {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Body) : {};
}

function text(body: Body, name: string, problems: Record<string, string[]>, required = false): string | undefined {
  if (!Object.hasOwn(body, name) || body[name] === undefined) {
    if (required) problems[name] = ['This field is required.'];
    return undefined;
  }
  const value = body[name];
  if (typeof value !== 'string') {
    problems[name] = ['Not a valid string.'];
    return undefined;
  }
  return value;
}

function contactOf(body: Body, problems: Record<string, string[]>): Readonly<Record<string, unknown>> | undefined {
  if (!Object.hasOwn(body, 'contact')) return undefined;
  const value = body.contact;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  problems.contact = ['Value must be valid JSON.'];
  return undefined;
}

function finish<T>(problems: Record<string, string[]>, value: T): T {
  if (Object.keys(problems).length > 0) throw fieldErrors(problems);
  return value;
}

/** `POST /api/organizations {slug, name?, description?, contact?}`. */
export function organizationInput(raw: unknown): OrganizationInput {
  const body = bodyOf(raw);
  const problems: Record<string, string[]> = {};
  const slug = text(body, 'slug', problems, true);
  const name = text(body, 'name', problems);
  const description = text(body, 'description', problems);
  const contact = contactOf(body, problems);
  return finish(problems, {
    slug: slug ?? '',
    ...(name !== undefined && { name }),
    ...(description !== undefined && { description }),
    ...(contact !== undefined && { contact }),
  });
}

/** `PATCH /api/organizations/{id}`. */
export function organizationPatch(raw: unknown): OrganizationPatch {
  const body = bodyOf(raw);
  const problems: Record<string, string[]> = {};
  const slug = text(body, 'slug', problems);
  const name = text(body, 'name', problems);
  const description = text(body, 'description', problems);
  const contact = contactOf(body, problems);
  return finish(problems, {
    ...(slug !== undefined && { slug }),
    ...(name !== undefined && { name }),
    ...(description !== undefined && { description }),
    ...(contact !== undefined && { contact }),
  });
}

type MembershipRole = Membership['role'];

function roleField(body: Body, problems: Record<string, string[]>): MembershipRole | undefined {
  const role = text(body, 'role', problems, true);
  if (role === undefined) return undefined;
  if (isMembershipRole(role)) return role;
  problems.role = [`"${role}" is not a valid choice.`];
  return undefined;
}

/** A `role` field: one of CVAT's four (the core refuses `owner` where it cannot be given). */
export function roleOf(raw: unknown): MembershipRole {
  const problems: Record<string, string[]> = {};
  const role = roleField(bodyOf(raw), problems);
  return finish(problems, role as MembershipRole);
}

/** `POST /api/invitations {role, email}`. */
export function invitationInput(raw: unknown): { role: MembershipRole; email: string } {
  const body = bodyOf(raw);
  const problems: Record<string, string[]> = {};
  const role = roleField(body, problems);
  const email = text(body, 'email', problems, true);
  return finish(problems, { role: role as MembershipRole, email: email ?? '' });
}
