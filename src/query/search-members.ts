import type { Core } from '../core/context.js';
import { memberListScope, type MemberListContext } from '../core/orgs/member-visibility.js';
import type { Viewer } from '../core/access/viewer.js';
import { loadUsers } from '../core/users/user-store.js';
import { and, eq, exists, FALSE, not, TRUE, type Filter } from './ast.js';
import { searchEntity, type ListRequest } from './list-page.js';
import type { UserSearchResult } from './search-users.js';

/**
 * Searches the users a viewer may list in an organization context (core `memberListScope`):
 * the scope becomes a narrowing of the viewer's own filter, so counts and pages never include
 * an account the viewer may not list.
 */
export async function searchMembers(core: Core, viewer: Viewer, context: MemberListContext, request: ListRequest): Promise<UserSearchResult> {
  const scope = await memberListScope(core, viewer, context);
  let narrowing: Filter;
  if (scope.kind === 'members') narrowing = exists('memberships', eq('organization_id', scope.organizationId));
  else if (scope.kind === 'self') narrowing = scope.userId === null ? FALSE : eq('id', scope.userId);
  else narrowing = TRUE;
  // CVAT `?org=` (empty): users without any membership.
  if (context.kind === 'no_organization') narrowing = and(narrowing, not(exists('memberships')));
  const result = await searchEntity(core, viewer, 'users', request, narrowing);
  const users = await loadUsers(core, result.ids);
  return { users, nextCursor: result.nextCursor, hasMore: result.hasMore, total: result.total };
}
