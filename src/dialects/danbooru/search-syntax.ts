import { invalidParam } from '../../core/errors.js';
import { and, cmp, eq, exists, FALSE, isIn, isNull, match, or, type Filter } from '../../query/ast.js';
import { isSearchableRelation, type SearchTier } from '../../query/fields.js';
import type { SortKey } from '../../query/search.js';
import {
  hashOf,
  MAX_SEARCH_DEPTH,
  normalizeSearchName,
  parameterDepth,
  searchModel,
  userNameMatch,
  visibleField,
  type Attribute,
  type ModelSearch,
  type SearchScope,
} from './model-search.js';
import { INTEGER_SYNTAX, parseRange } from './number-syntax.js';
import { isFalsy, isTruthy, toI } from './ruby-coercion.js';
import { stringParam, type SearchParams } from './string-syntax.js';

/**
 * `GET /users.json?search[...]`: user.rb `SearchMethods` over searchable.rb, read into a filter
 * on the `users` entity and a sort. Pure: the two rules that depend on the rows found
 * (timestamps re-read as dates, `name_or_past_name_matches`) come back as alternatives that
 * {@link resolveUserFilter} settles with the caller's row counter.
 */
export interface UserSearchContext {
  readonly tier: SearchTier;
  readonly now: number;
  /** The viewer's `time_zone` setting (Rails or IANA name). */
  readonly timeZone: string;
  /** For `current_user_first`; null for anonymous. */
  readonly viewerId: number | null;
}

export interface UserSearch {
  /** Every condition, timestamps read as ages where they can be. */
  readonly filter: Filter;
  /** The same with ambiguous timestamps read as dates; null when no value is both. */
  readonly dateFilter: Filter | null;
  /** `name_or_past_name_matches`: the current holder, else the past holders (each to be ANDed with the filter). */
  readonly nameOrPastName: { readonly current: Filter; readonly past: Filter } | null;
  readonly sort: readonly SortKey[];
}

/** A ban Danbooru would still have: Roster keeps lifted bans, Danbooru deletes them. */
export const LIVE_BAN: Filter = isNull('lifted_at');

const attributes = (kind: Attribute['kind'], names: readonly string[]): Attribute[] =>
  names.map((name) => ({ param: name, field: name, kind }));

const USERS: ModelSearch = {
  entity: 'users',
  attributes: [
    ...attributes('number', ['id', 'level', 'post_upload_count', 'post_update_count', 'note_update_count', 'favorite_count', 'inviter_id']),
    ...attributes('timestamp', ['created_at', 'updated_at']),
    // `search[name]` is rewritten to `name_matches` (see userKeys); the suffixes stay exact.
    { param: 'name', field: 'name', kind: 'string', bare: false },
    { param: 'is_deleted', field: 'is_deleted', kind: 'boolean' },
  ],
  userLinks: [{ name: 'inviter', field: 'inviter_id', relation: 'inviter', target: () => USERS }],
  collections: [{ name: 'bans', relation: 'bans', scope: LIVE_BAN, target: () => BANS }],
  extra: (params, scope) => userKeys(params, scope),
};

const BANS: ModelSearch = {
  entity: 'bans',
  attributes: [
    ...attributes('number', ['id', 'user_id']),
    { param: 'banner_id', field: 'actor_id', kind: 'number' },
    // expires_at is Roster's own (Danbooru stores a duration).
    ...attributes('timestamp', ['created_at', 'updated_at', 'expires_at']),
    { param: 'reason', field: 'reason', kind: 'text' },
  ],
  userLinks: [
    { name: 'user', field: 'user_id', relation: 'user', target: () => USERS },
    { name: 'banner', field: 'actor_id', relation: 'actor', target: () => USERS },
  ],
  collections: [],
  extra: (params, scope) => banKeys(params, scope),
};

/** Past names as the viewer may read them (A11); the core's row rule narrows which, none for anonymous. */
export function pastNameFilter(name: string, tier: SearchTier): Filter {
  if (!isSearchableRelation('users', 'name_changes', { tier })) return FALSE;
  return exists('name_changes', match('old_name', 'exact', normalizeSearchName(name), false));
}

const currentNameFilter = (name: string): Filter => match('name', 'exact', normalizeSearchName(name), false);

function levelBound(params: SearchParams, key: string, op: 'gte' | 'lte'): Filter[] {
  const value = stringParam(params, key);
  return value === null ? [] : [cmp('level', op, toI(value))];
}

function userKeys(params: SearchParams, scope: SearchScope): Filter[] {
  const filters: Filter[] = [];
  const nameMatches = stringParam(params, 'name') ?? stringParam(params, 'name_matches');
  if (nameMatches !== null) filters.push(userNameMatch(nameMatches));
  const anyName = stringParam(params, 'any_name_matches');
  if (anyName !== null) filters.push(or(currentNameFilter(anyName), pastNameFilter(anyName, scope.tier)));
  // Nested (`search[inviter][name_or_past_name_matches]`) there are no rows to count: either name will do.
  const currentOrPast = scope.nested ? nameOrPastName(params, scope.tier) : null;
  if (currentOrPast) filters.push(or(currentOrPast.current, currentOrPast.past));
  filters.push(...levelBound(params, 'min_level', 'gte'), ...levelBound(params, 'max_level', 'lte'));
  const banned = stringParam(params, 'is_banned');
  if (banned !== null && visibleField('users', 'is_banned', scope.tier)) {
    if (isTruthy(banned)) filters.push(eq('is_banned', true));
    else if (isFalsy(banned)) filters.push(eq('is_banned', false));
  }
  return filters;
}

function banKeys(params: SearchParams, scope: SearchScope): Filter[] {
  const expired = stringParam(params, 'expired');
  if (expired === null) return [];
  const { now } = scope.clock;
  if (isTruthy(expired)) return [cmp('expires_at', 'lte', now)];
  if (isFalsy(expired)) return [or(isNull('expires_at'), cmp('expires_at', 'gt', now))];
  return [];
}

/** The `name_or_past_name_matches` pair; nested in another search (no row count there) it is either. */
function nameOrPastName(params: SearchParams, tier: SearchTier): { current: Filter; past: Filter } | null {
  const name = stringParam(params, 'name_or_past_name_matches');
  return name === null ? null : { current: currentNameFilter(name), past: pastNameFilter(name, tier) };
}

const ORDERS: Readonly<Record<string, SortKey>> = {
  name: { kind: 'field', field: 'name', direction: 'asc' },
  post_upload_count: { kind: 'field', field: 'post_upload_count', direction: 'desc' },
  post_update_count: { kind: 'field', field: 'post_update_count', direction: 'desc' },
  note_count: { kind: 'field', field: 'note_update_count', direction: 'desc' },
};

const DEFAULT_ORDER: SortKey = { kind: 'field', field: 'id', direction: 'desc' };

/** `search[order]` and `current_user_first`; `custom` follows `search[id]` and matches only those ids. */
function userOrder(params: SearchParams, context: UserSearchContext): { sort: SortKey[]; filter: Filter | null } {
  const pin: SortKey[] = [];
  const first = stringParam(params, 'current_user_first');
  if (first !== null && isTruthy(first) && context.viewerId !== null) pin.push({ kind: 'pinFirst', id: context.viewerId });
  const order = stringParam(params, 'order');
  if (order === 'custom') {
    const range = parseRange(stringParam(params, 'id') ?? '', INTEGER_SYNTAX);
    const ids = range?.kind === 'in' ? [...new Set(range.values)] : range?.kind === 'cmp' && range.op === 'eq' ? [range.value] : null;
    return ids === null ? { sort: [...pin, DEFAULT_ORDER], filter: FALSE } : { sort: [...pin, { kind: 'idOrder', ids }], filter: isIn('id', ids) };
  }
  const chosen = order !== null && Object.hasOwn(ORDERS, order) ? ORDERS[order]! : DEFAULT_ORDER;
  const usable = chosen.kind !== 'field' || visibleField('users', chosen.field, context.tier) ? chosen : DEFAULT_ORDER;
  return { sort: [...pin, usable], filter: null };
}

/**
 * Reads the `search` hash of `GET /users.json` (as `qs` parses it; anything that is not a hash
 * is an empty search). Unknown keys, keys above the viewer's tier and non-string values where
 * a string belongs are ignored; malformed values match nothing.
 *
 * @throws CoreError `invalid_param` (`search`) when the hash nests deeper than Danbooru allows.
 */
export function parseUserSearch(search: unknown, context: UserSearchContext): UserSearch {
  const params = hashOf(search) ?? {};
  if (parameterDepth(params) > MAX_SEARCH_DEPTH) throw invalidParam('search', `max parameter depth of ${MAX_SEARCH_DEPTH} exceeded`);
  const clock = { now: context.now, timeZone: context.timeZone };
  const seen = { ambiguousTimestamp: false };
  const read = (datesFirst: boolean): Filter => searchModel(USERS, params, { tier: context.tier, clock, datesFirst, seen, nested: false });
  const order = userOrder(params, context);
  const withOrder = (filter: Filter): Filter => (order.filter === null ? filter : and(filter, order.filter));
  const filter = withOrder(read(false));
  return {
    filter,
    dateFilter: seen.ambiguousTimestamp ? withOrder(read(true)) : null,
    nameOrPastName: nameOrPastName(params, context.tier),
    sort: order.sort,
  };
}

/** Counts the rows a filter matches, stopping at `limit`. */
export type CountUpTo = (filter: Filter, limit: number) => Promise<number>;

/**
 * The filter Danbooru would end up running: the age reading, or the date reading when the age
 * reading finds nothing (searchable.rb `search_numeric_attribute`); then, for
 * `name_or_past_name_matches`, the current holder when exactly one user matches, else the past
 * holders (user.rb).
 */
export async function resolveUserFilter(search: UserSearch, countUpTo: CountUpTo): Promise<Filter> {
  let filter = search.filter;
  if (search.dateFilter !== null && (await countUpTo(filter, 1)) === 0) filter = search.dateFilter;
  if (search.nameOrPastName === null) return filter;
  const current = and(filter, search.nameOrPastName.current);
  return (await countUpTo(current, 2)) === 1 ? current : and(filter, search.nameOrPastName.past);
}
