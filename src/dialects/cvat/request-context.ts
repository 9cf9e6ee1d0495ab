import type { FastifyRequest } from 'fastify';
import type { Core } from '../../core/context.js';
import { resolveOrganization } from '../../core/orgs/organizations.js';
import type { MemberListContext } from '../../core/orgs/member-visibility.js';
import type { CvatAuth } from './auth.js';
import { listError } from './errors.js';
import type { RequestUrl } from './pagination.js';
import { queryValue, type Query } from './params.js';
import type { UrlRoot } from './render.js';

const AUTH = new WeakMap<FastifyRequest, CvatAuth>();

export const rememberAuth = (request: FastifyRequest, auth: CvatAuth): void => void AUTH.set(request, auth);
export const authOf = (request: FastifyRequest): CvatAuth => AUTH.get(request) ?? 'anonymous';

/** `http://host:port` + the dialect's prefix: where `url` fields point. */
export function urlRoot(request: FastifyRequest, prefix: string): UrlRoot {
  return `${request.protocol}://${request.host}${prefix}`;
}

/** The request's absolute path and raw query, for DRF's `next` / `previous`. */
export function requestUrl(request: FastifyRequest): RequestUrl {
  const at = request.url.indexOf('?');
  const path = at < 0 ? request.url : request.url.slice(0, at);
  return { absolutePath: `${request.protocol}://${request.host}${path}`, rawQuery: at < 0 ? '' : request.url.slice(at + 1) };
}

const ORG_ID_CONFLICT = 'You cannot specify "org_id" query parameter with "org" query parameter or "X-Organization" HTTP header at the same time.';
const ORG_MISMATCH = 'You cannot specify "org" query parameter and "X-Organization" HTTP header with different values.';

/**
 * The organization context (cvat/apps/iam/middleware.py, spec §1.3): `org_id`, `org` or the
 * `X-Organization` header. `org_id` with either of the others, or `org` and the header
 * differing, is 400; an unknown organization is 404; `org=` (empty) means "no organization".
 */
export async function organizationContext(core: Core, request: FastifyRequest): Promise<MemberListContext> {
  const query = (request.query ?? {}) as Query;
  const header = request.headers['x-organization'];
  const headerSlug = typeof header === 'string' ? header : undefined;
  const slug = queryValue(query, 'org');
  const orgId = queryValue(query, 'org_id');
  if (orgId !== undefined && (slug !== undefined || headerSlug !== undefined)) throw listError(ORG_ID_CONFLICT);
  if (slug !== undefined && headerSlug !== undefined && slug !== headerSlug) throw listError(ORG_MISMATCH);
  if (orgId !== undefined) {
    const id = /^\s*\d+\s*$/.test(orgId) ? Number(orgId) : Number.NaN;
    const { organization } = await resolveOrganization(core, request.viewer, Number.isSafeInteger(id) ? { id } : { slug: orgId });
    return { kind: 'organization', organizationId: organization.id };
  }
  const chosen = slug ?? headerSlug;
  if (chosen === undefined) return { kind: 'sandbox' };
  if (chosen === '') return { kind: 'no_organization' };
  const { organization } = await resolveOrganization(core, request.viewer, { slug: chosen });
  return { kind: 'organization', organizationId: organization.id };
}

export const contextOrganizationId = (context: MemberListContext): number | null => (context.kind === 'organization' ? context.organizationId : null);
