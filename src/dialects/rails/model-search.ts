import { and, cmp, eq, exists, FALSE, isNull, not, TRUE, type CompareOp, type Filter } from '../../query/ast.js';
import { isSearchableField, isSearchableRelation, type EntityName, type SearchTier } from '../../query/fields.js';
import { numberFilter, rawInteger } from './number-syntax.js';
import { isFalsy, isTruthy, strip } from './ruby-coercion.js';
import { likeMatch, paramOf, stringFilters, stringParam, textMatchFilter, type SearchParams } from './string-syntax.js';
import { dateSyntax, parseTime, timestampFilter, type Clock } from './time-syntax.js';

/**
 * searchable.rb `search_attributes`: a model lists its attributes and associations and every
 * one gets the syntax of its type. Here a model is a declaration and `searchModel` reads a
 * `search[...]` hash into one filter on the model's entity. Keys nobody declared are ignored,
 * and so are fields and relations above the viewer's search tier.
 */
export type AttributeKind = 'number' | 'timestamp' | 'string' | 'text' | 'boolean';

export interface Attribute {
  /** The `search[...]` name. */
  readonly param: string;
  /** The field of the entity (query/fields.ts). */
  readonly field: string;
  readonly kind: AttributeKind;
  /** Strings: whether `search[param]` itself is an exact match (Danbooru's users rewrite it). */
  readonly bare?: boolean;
}

/** A `belongs_to` a user (`inviter`, a ban's `user` and `banner`): `X_id`, `X_name`, `has_X`, `X[...]`. */
export interface UserLink {
  readonly name: string;
  /** The foreign-key field; its `search[X_id]` is declared among the attributes. */
  readonly field: string;
  readonly relation: string;
  readonly target: () => ModelSearch;
}

/** A `has_many` (a user's bans): `has_X`, `X[...]`. `scope` selects the rows Danbooru would have. */
export interface Collection {
  readonly name: string;
  readonly relation: string;
  readonly scope: Filter;
  readonly target: () => ModelSearch;
}

export interface ModelSearch {
  readonly entity: EntityName;
  readonly attributes: readonly Attribute[];
  readonly userLinks: readonly UserLink[];
  readonly collections: readonly Collection[];
  /** The model's own keys (`min_level`, `expired`…). */
  readonly extra: (params: SearchParams, scope: SearchScope) => Filter[];
}

export interface SearchScope {
  readonly tier: SearchTier;
  readonly clock: Clock;
  /** Read timestamp values that are both an age and a date as dates (Danbooru's second try). */
  readonly datesFirst: boolean;
  /** Records that some timestamp value was read as an age though it is also a date. */
  readonly seen: { ambiguousTimestamp: boolean };
  /** Inside an association's hash (`search[inviter][...]`). */
  readonly nested: boolean;
}

/** searchable.rb: deeper `search[...]` hashes are refused. */
export const MAX_SEARCH_DEPTH = 10;

/** searchable.rb `parameter_depth`: a flat hash is 2 deep, each nested hash adds one. */
export function parameterDepth(params: SearchParams): number {
  const values = Object.values(params);
  if (values.length === 0) return 0;
  return 1 + Math.max(...values.map((value) => (hashOf(value) ? parameterDepth(hashOf(value)!) : 1)));
}

/** A non-empty hash (Rails `parameter_hash?`), or null. */
export function hashOf(value: unknown): SearchParams | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  return Object.keys(value).length > 0 ? (value as SearchParams) : null;
}

/** user.rb `normalize_name`: downcase, strip, each space an underscore. */
export const normalizeSearchName = (name: string): string => strip(name.toLowerCase()).replaceAll(' ', '_');

/** A user name as Danbooru looks it up: normalized, ignoring case, `*` a wildcard. */
export const userNameMatch = (name: string): Filter => likeMatch('name', normalizeSearchName(name), false);

/** Keys the viewer may not search are ignored, as Danbooru ignores unknown keys; the core decides which. */
export const visibleField = (entity: EntityName, field: string, tier: SearchTier): boolean => isSearchableField(entity, field, { tier });

const visibleRelation = (entity: EntityName, relation: string, tier: SearchTier): boolean => isSearchableRelation(entity, relation, { tier });

/** Reads `params` for `model` into one filter (TRUE when nothing applies). */
export function searchModel(model: ModelSearch, params: SearchParams, scope: SearchScope): Filter {
  // Every key a model reads is a param: with none, nothing applies (most listings send none).
  const keys = Object.keys(params);
  if (keys.length === 0) return TRUE;
  // Every key an attribute reads starts with its name (`X`, `X_not`, `X_gteq`…): an attribute no
  // key starts with has nothing to read, and its twenty-odd lookups are skipped.
  const isMentioned = (attribute: Attribute): boolean => keys.some((key) => key.startsWith(attribute.param));
  return and(
    ...model.attributes.flatMap((attribute) =>
      isMentioned(attribute) && visibleField(model.entity, attribute.field, scope.tier) ? attributeFilters(attribute, params, scope) : [],
    ),
    ...model.userLinks.flatMap((link) => (visibleRelation(model.entity, link.relation, scope.tier) ? linkFilters(model.entity, link, params, scope) : [])),
    ...model.collections.flatMap((collection) =>
      visibleRelation(model.entity, collection.relation, scope.tier) ? collectionFilters(collection, params, scope) : [],
    ),
    ...model.extra(params, scope),
  );
}

function attributeFilters(attribute: Attribute, params: SearchParams, scope: SearchScope): Filter[] {
  const { field, param } = attribute;
  switch (attribute.kind) {
    case 'number':
      return [...rangeFilters(field, param, params, (text) => numberFilter(field, text)), ...comparisons(field, param, params, rawInteger)];
    case 'timestamp':
      return [...timestampFilters(field, param, params, scope), ...comparisons(field, param, params, (text) => parseTime(text, scope.clock))];
    case 'string':
      return stringFilters(field, param, params, attribute.bare ?? true);
    case 'text': {
      const query = stringParam(params, `${param}_matches`);
      return [...stringFilters(field, param, params), ...(query === null ? [] : [textMatchFilter(field, query)])];
    }
    case 'boolean':
      return booleanFilters(field, param, params);
  }
}

/** `X` and `X_not` in number syntax; `X_not` keeps the rows where the field is NULL. */
function rangeFilters(field: string, param: string, params: SearchParams, read: (text: string) => Filter): Filter[] {
  const value = stringParam(params, param);
  const negated = stringParam(params, `${param}_not`);
  return [...(value === null ? [] : [read(value)]), ...(negated === null ? [] : [not(read(negated))])];
}

function timestampFilters(field: string, param: string, params: SearchParams, scope: SearchScope): Filter[] {
  const value = stringParam(params, param);
  const filters: Filter[] = [];
  if (value !== null) {
    const reading = timestampFilter(field, value, scope.clock);
    if (reading.alternative && !scope.datesFirst) scope.seen.ambiguousTimestamp = true;
    filters.push(reading.alternative && scope.datesFirst ? reading.alternative : reading.filter);
  }
  // `X_not` is read as dates only.
  const negated = stringParam(params, `${param}_not`);
  if (negated !== null) filters.push(not(numberFilter(field, negated, dateSyntax(scope.clock))));
  return filters;
}

const RAW_SUFFIXES: readonly (readonly [string, CompareOp])[] = [
  ['_eq', 'eq'],
  ['_not_eq', 'ne'],
  ['_gt', 'gt'],
  ['_gteq', 'gte'],
  ['_lt', 'lt'],
  ['_lteq', 'lte'],
];

/** `X_eq`, `X_not_eq`, `X_gt`, `X_gteq`, `X_lt`, `X_lteq` against the value cast as the column casts it. */
function comparisons(field: string, param: string, params: SearchParams, read: (text: string) => number | null): Filter[] {
  return RAW_SUFFIXES.flatMap(([suffix, op]) => {
    const text = stringParam(params, param + suffix);
    if (text === null) return [];
    const value = read(text);
    return [value === null ? FALSE : cmp(field, op, value)];
  });
}

/** Danbooru answers a value that is neither truthy nor falsy with a 500; Roster matches nothing. */
function booleanFilters(field: string, param: string, params: SearchParams): Filter[] {
  const value = stringParam(params, param);
  if (value === null) return [];
  return [isTruthy(value) ? eq(field, true) : isFalsy(value) ? eq(field, false) : FALSE];
}

/** `has_X=true|false`: other values are ignored. */
function hasFilter(params: SearchParams, name: string, present: Filter): Filter[] {
  const value = stringParam(params, `has_${name}`);
  if (value === null) return [];
  return isTruthy(value) ? [present] : isFalsy(value) ? [not(present)] : [];
}

function linkFilters(entity: EntityName, link: UserLink, params: SearchParams, scope: SearchScope): Filter[] {
  const filters: Filter[] = [];
  // searchable.rb: `X_name` is an exact name lookup, or a name_matches search when it has a `*`.
  const name = stringParam(params, `${link.name}_name`);
  if (name !== null) filters.push(exists(link.relation, userNameMatch(name)));
  if (visibleField(entity, link.field, scope.tier)) filters.push(...hasFilter(params, link.name, not(isNull(link.field))));
  const nested = hashOf(paramOf(params, link.name));
  if (nested) filters.push(exists(link.relation, searchModel(link.target(), nested, { ...scope, nested: true })));
  return filters;
}

function collectionFilters(collection: Collection, params: SearchParams, scope: SearchScope): Filter[] {
  const filters = hasFilter(params, collection.name, exists(collection.relation, collection.scope));
  const nested = hashOf(paramOf(params, collection.name));
  if (nested) filters.push(exists(collection.relation, and(collection.scope, searchModel(collection.target(), nested, { ...scope, nested: true }))));
  return filters;
}
