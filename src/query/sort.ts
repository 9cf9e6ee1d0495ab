import { sql, type OrderByItemBuilder, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import { invalidParam } from '../core/errors.js';
import { orderedColumn, type CompileContext, type Scope } from './compile.js';
import { findField, isSearchableField, type EntityName, type FieldDef, type SearchTier } from './fields.js';
import type { SortKey } from './search.js';

/** Danbooru's `order=custom` follows `search[id]`, whose list is bounded by the page size. */
export const MAX_ID_ORDER = 1000;

/** One `order by` item, resolved and checked. */
export interface SortTerm {
  /** `name:asc`; the keyset cursor's signature is made of these. */
  readonly label: string;
  readonly expr: RawBuilder<unknown>;
  readonly direction: 'asc' | 'desc';
  readonly nullsLast: boolean;
  /** The sorted field; null for `idOrder` and `pinFirst`. */
  readonly field: FieldDef | null;
}

/** Whether `viewer` may sort `entity` by the field (dialects drop sort names they must ignore). */
export function isSortable(entity: EntityName, fieldName: string, tier: SearchTier): boolean {
  const field = findField(entity, fieldName);
  return field !== undefined && field.sortable && !field.derived && isSearchableField(entity, fieldName, { tier });
}

/**
 * Resolves sort keys into `order by` terms and appends the unique tie-breaker `id` (in the
 * direction of the last field key, descending if there is none), so that every order is total.
 * Nullable fields sort their NULLs last on both engines.
 *
 * @throws CoreError `invalid_param` (`param` = the field, or `sort`) for a field that is unknown,
 * hidden from the viewer's tier or not sortable, or a malformed key.
 */
export function planSort(entity: EntityName, alias: string, keys: readonly SortKey[], ctx: CompileContext): SortTerm[] {
  const scope: Scope = { entity, alias, root: alias, level: 0, ctx, trusted: false };
  const terms: SortTerm[] = [];
  for (const key of keys) {
    const term = sortTerm(key, scope);
    terms.push(term);
    // Nothing after the unique id can change the order.
    if (term.field?.name === 'id') return terms;
  }
  const lastField = terms.filter((term) => term.field !== null).at(-1);
  terms.push(fieldTerm(findField(entity, 'id')!, lastField?.direction ?? 'desc', scope));
  return terms;
}

function sortTerm(key: SortKey, scope: Scope): SortTerm {
  switch (key.kind) {
    case 'field': {
      if (!isSortable(scope.entity, key.field, scope.ctx.tier)) throw invalidParam(key.field, `cannot sort by "${key.field}"`);
      if (key.direction !== 'asc' && key.direction !== 'desc') throw invalidParam('sort', 'sort direction must be asc or desc');
      return fieldTerm(findField(scope.entity, key.field)!, key.direction, scope);
    }
    case 'idOrder':
      return idOrderTerm(key.ids, scope);
    case 'pinFirst': {
      checkId(key.id);
      const expr = sql`case when ${sql.ref(`${scope.alias}.id`)} = ${key.id} then 0 else 1 end`;
      return { label: 'pin', expr, direction: 'asc', nullsLast: false, field: null };
    }
    default:
      throw invalidParam('sort', 'malformed sort key');
  }
}

function fieldTerm(field: FieldDef, direction: 'asc' | 'desc', scope: Scope): SortTerm {
  return { label: `${field.name}:${direction}`, expr: orderedColumn(scope, field), direction, nullsLast: field.nullable, field };
}

/** Rows whose id is in the list come first, in list order; the rest follow. */
function idOrderTerm(ids: readonly number[], scope: Scope): SortTerm {
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_ID_ORDER) {
    throw invalidParam('sort', `a custom order lists 1 to ${MAX_ID_ORDER} ids`);
  }
  ids.forEach(checkId);
  // Positions are our own small integers, safe to write as literals; the ids are parameters.
  const whens = ids.map((id, position) => sql`when ${id} then ${sql.lit(position)}`);
  const expr = sql`case ${sql.ref(`${scope.alias}.id`)} ${sql.join(whens, sql` `)} else ${sql.lit(ids.length)} end`;
  return { label: 'custom', expr, direction: 'asc', nullsLast: false, field: null };
}

function checkId(id: unknown): void {
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) throw invalidParam('sort', 'ids must be integers');
}

/** Adds the terms to a query's `order by`. */
export function orderBy<DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>, terms: readonly SortTerm[]): SelectQueryBuilder<DB, TB, O> {
  return terms.reduce(
    (q, term) =>
      q.orderBy(term.expr, (item: OrderByItemBuilder) => {
        const directed = term.direction === 'asc' ? item.asc() : item.desc();
        return term.nullsLast ? directed.nullsLast() : directed;
      }),
    query,
  );
}

/** The sort as one string; a keyset cursor is only valid for the sort that made it. */
export const sortSignature = (entity: EntityName, terms: readonly SortTerm[]): string => `${entity}|${terms.map((term) => term.label).join(',')}`;
