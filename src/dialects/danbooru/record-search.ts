import { invalidParam } from '../../core/errors.js';
import { and, cmp, exists, isNull, match, or, type Filter } from '../../query/ast.js';
import type { SearchTier } from '../../query/fields.js';
import {
  hashOf,
  MAX_SEARCH_DEPTH,
  normalizeSearchName,
  parameterDepth,
  searchModel,
  userNameMatch,
  type Attribute,
  type ModelSearch,
} from '../rails/model-search.js';
import { isFalsy, isTruthy } from '../rails/ruby-coercion.js';
import { LIVE_BAN } from './search-syntax.js';
import { stringParam, type SearchParams } from '../rails/string-syntax.js';

/**
 * `search[...]` of the two other lists the dialect serves: bans (ban.rb `search`) and name
 * changes (user_name_change_request.rb `search`), read through the same model search as users.
 */
export interface RecordSearchContext {
  readonly tier: SearchTier;
  readonly now: number;
  readonly timeZone: string;
}

const attribute = (param: string, kind: Attribute['kind'], field = param): Attribute => ({ param, field, kind });

/** `X_name`: the user at the other end of `relation` by name (exact ignoring case, `*` a wildcard). */
function linkedName(params: SearchParams, param: string, relation: string): Filter[] {
  const name = stringParam(params, param);
  return name === null ? [] : [exists(relation, userNameMatch(name))];
}

const BANS: ModelSearch = {
  entity: 'bans',
  attributes: [
    attribute('id', 'number'),
    attribute('user_id', 'number'),
    attribute('banner_id', 'number', 'actor_id'),
    attribute('created_at', 'timestamp'),
    attribute('updated_at', 'timestamp'),
    attribute('reason', 'text'),
  ],
  userLinks: [],
  collections: [],
  extra: (params, scope) => {
    const filters = [...linkedName(params, 'user_name', 'user'), ...linkedName(params, 'banner_name', 'actor')];
    const expired = stringParam(params, 'expired');
    const now = scope.clock.now;
    if (expired !== null && isTruthy(expired)) filters.push(cmp('expires_at', 'lte', now));
    if (expired !== null && isFalsy(expired)) filters.push(or(isNull('expires_at'), cmp('expires_at', 'gt', now)));
    return filters;
  },
};

/** `old_name`/`new_name`: the name normalized, ignoring case (user_name_change_request.rb). */
function nameKeys(params: SearchParams): Filter[] {
  return (['old_name', 'new_name'] as const).flatMap((field) => {
    const name = stringParam(params, field);
    return name === null ? [] : [match(field, 'exact', normalizeSearchName(name), false)];
  });
}

const NAME_CHANGES: ModelSearch = {
  entity: 'name_changes',
  attributes: [
    attribute('id', 'number'),
    attribute('user_id', 'number'),
    attribute('created_at', 'timestamp'),
    { param: 'original_name', field: 'old_name', kind: 'string' },
    { param: 'desired_name', field: 'new_name', kind: 'string' },
  ],
  userLinks: [],
  collections: [],
  extra: (params) => [...linkedName(params, 'user_name', 'user'), ...nameKeys(params)],
};

function readSearch(model: ModelSearch, search: unknown, context: RecordSearchContext): Filter {
  const params = hashOf(search) ?? {};
  if (parameterDepth(params) > MAX_SEARCH_DEPTH) throw invalidParam('search', `max parameter depth of ${MAX_SEARCH_DEPTH} exceeded`);
  const clock = { now: context.now, timeZone: context.timeZone };
  return searchModel(model, params, { tier: context.tier, clock, datesFirst: false, seen: { ambiguousTimestamp: false }, nested: false });
}

/** `GET /bans.json?search[...]`; lifted bans are gone, as Danbooru deletes them. */
export function parseBanSearch(search: unknown, context: RecordSearchContext): Filter {
  return and(readSearch(BANS, search, context), LIVE_BAN);
}

/** `GET /user_name_change_requests.json?search[...]`. */
export function parseNameChangeSearch(search: unknown, context: RecordSearchContext): Filter {
  return readSearch(NAME_CHANGES, search, context);
}
