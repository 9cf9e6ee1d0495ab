import type { Core } from '../core/context.js';
import { searchTier } from '../core/access/policy.js';
import type { Viewer } from '../core/access/viewer.js';
import type { User } from '../core/users/user.js';
import { loadUsers } from '../core/users/user-store.js';
import { and, cmp, eq, isIn, match, type Filter } from './ast.js';
import { namePrefixShortestFirst } from './name-prefix-shortest.js';
import { searchIds, underSearchLimits, type SearchContext } from './search.js';

/**
 * A lean user lookup (Civitai's `GET /api/v1/users`): by ids, by name prefix, or the first
 * accounts. Deleted accounts are never returned, nor ids below 1 (Civitai's system user is
 * id -1; Roster's ids start at 1, so such an id simply finds nothing).
 */
export type UserLookup =
  /** These ids (optionally also starting with `prefix`), each once, in the order first given. */
  | { readonly kind: 'ids'; readonly ids: readonly number[]; readonly prefix?: string }
  /** Names starting with `prefix`, ignoring case, shortest first. */
  | { readonly kind: 'prefix'; readonly prefix: string; readonly limit: number }
  /** The first accounts by id. */
  | { readonly kind: 'first'; readonly limit: number };

const LISTED: Filter = and(eq('is_deleted', false), cmp('id', 'gt', 0));

const isRowId = (id: number): boolean => Number.isSafeInteger(id) && id > 0;

/**
 * Runs a lookup and loads the users, in two queries beyond the search whatever the count.
 *
 * @throws CoreError `invalid_param` for a limit out of range.
 */
export async function lookUpUsers(core: Core, viewer: Viewer, lookup: UserLookup): Promise<User[]> {
  const ctx: SearchContext = { db: core.db, caps: core.caps, now: core.now(), tier: searchTier(viewer), slots: core.searchSlots };
  return loadUsers(core, await lookUpIds(ctx, lookup));
}

async function lookUpIds(ctx: SearchContext, lookup: UserLookup): Promise<number[]> {
  switch (lookup.kind) {
    case 'ids': {
      // Ids that cannot be rows (0, -1, 1.5, 2^60) find nothing, as unknown ids do.
      const ids = [...new Set(lookup.ids.filter(isRowId))];
      if (ids.length === 0) return [];
      const filter = lookup.prefix ? and(isIn('id', ids), match('name', 'prefix', lookup.prefix), LISTED) : and(isIn('id', ids), LISTED);
      const found = await searchIds(ctx, { entity: 'users', filter, sort: [{ kind: 'idOrder', ids }], page: { kind: 'offset', limit: ids.length, offset: 0 } });
      return found.ids;
    }
    case 'prefix':
      // Several statements: all under one statement timeout (PostgreSQL), as every search is.
      return underSearchLimits(ctx, (db) => namePrefixShortestFirst({ ...ctx, db }, lookup.prefix, lookup.limit));
    case 'first': {
      const found = await searchIds(ctx, {
        entity: 'users',
        filter: LISTED,
        sort: [{ kind: 'field', field: 'id', direction: 'asc' }],
        page: { kind: 'offset', limit: lookup.limit, offset: 0 },
      });
      return found.ids;
    }
  }
}
