import type { Core } from '../core/context.js';
import type { User } from '../core/users/user.js';
import { loadUsers } from '../core/users/user-store.js';
import type { Viewer } from '../core/access/viewer.js';
import { searchEntity, type ListRequest } from './list-page.js';

export interface UserSearchResult {
  readonly users: User[];
  readonly nextCursor: string | null;
  readonly hasMore: boolean;
  readonly total: number | null;
}

/**
 * Searches users with the viewer's search tier (fields above it are refused as unknown), then
 * loads the page in two queries whatever its size.
 *
 * @throws CoreError `invalid_param` for a field, sort, page or cursor the viewer may not use.
 */
export async function searchUsers(core: Core, viewer: Viewer, request: ListRequest): Promise<UserSearchResult> {
  const result = await searchEntity(core, viewer, 'users', request);
  const users = await loadUsers(core, result.ids);
  return { users, nextCursor: result.nextCursor, hasMore: result.hasMore, total: result.total };
}
