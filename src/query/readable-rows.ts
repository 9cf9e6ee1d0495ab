import { MANAGING_ROLES, readableRows, type RowScope } from '../core/access/visibility.js';
import { and, eq, exists, FALSE, isIn, or, TRUE, type Filter } from './ast.js';
import type { EntityName, SearchAccess } from './fields.js';

/**
 * The core's row rule (core/access/visibility.ts `readableRows`) as a filter on the entity's
 * rows. The engine ANDs it to every search of the entity and inside every `exists` that reaches
 * it, so that a search can only find what the viewer could read.
 */
export function readableRowsFilter(entity: EntityName, access: SearchAccess): Filter {
  return scopeFilter(readableRows(access.tier, access.viewerId ?? null, entity));
}

function scopeFilter(scope: RowScope): Filter {
  switch (scope.kind) {
    case 'all':
      return TRUE;
    case 'none':
      return FALSE;
    case 'undeletedOwner':
      return exists('user', eq('is_deleted', false));
    case 'orgPeers': {
      const activeMember = and(eq('user_id', scope.userId), eq('is_active', true));
      return or(
        eq('user_id', scope.userId),
        and(eq('is_active', true), exists('peers', activeMember)),
        exists('peers', and(activeMember, isIn('role', MANAGING_ROLES))),
      );
    }
  }
}
