import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import { invalidParam } from '../core/errors.js';
import type { EngineCapabilities } from '../db/database.js';
import { BUDGET_STRIDE, STRIDED_BUDGET_MIN } from '../db/row-budget.js';
import { not, type CompareOp, type Filter, type Scalar } from './ast.js';
import { checkMatch, compileMatch, isStorableText } from './compile-match.js';
import {
  ENTITIES,
  ENTITY_FIXED,
  findField,
  findRelation,
  isSearchableField,
  isSearchableRelation,
  type EntityName,
  type FieldDef,
  type SearchAccess,
  type SearchTier,
} from './fields.js';
import { readableRowsFilter } from './readable-rows.js';

/** What compiling a filter needs to know besides the filter. */
export interface CompileContext {
  readonly caps: EngineCapabilities;
  /** Milliseconds since the epoch; derived fields (`is_banned`) are evaluated at this instant. */
  readonly now: number;
  /** The viewer's search tier; fields and relations above it do not exist for them. */
  readonly tier: SearchTier;
  /** The signed-in viewer's id, for row rules that depend on who asks (memberships); null or absent otherwise. */
  readonly viewerId?: number | null;
  /**
   * SQLite (capability `rowBudget`): each statement of this search aborts once it has examined
   * `rows` rows, counted in every scan and subquery.
   */
  readonly budget?: { readonly rows: number };
  /**
   * The page is ordered by an indexed field: comparisons of the searched entity's coarse fields
   * (`FieldDef.coarse`) are written so that their index is not used (`+column`), and the engine
   * walks the order's index instead (capability `limitBlindPlanner`; see search.ts).
   */
  readonly walkOrder?: boolean;
}

/** Danbooru refuses association searches nested deeper than this. */
export const MAX_EXISTS_DEPTH = 10;

/** Where a node is compiled: the entity, its table alias and the nesting level of `exists`. */
export interface Scope {
  readonly entity: EntityName;
  readonly alias: string;
  readonly root: string;
  readonly level: number;
  readonly ctx: CompileContext;
  /**
   * The core's own conditions (row rules, derived fields) compile trusted: they reach rows the
   * viewer may not read in order to decide what they may. A caller's filter never does.
   */
  readonly trusted: boolean;
}

type Bool = RawBuilder<SqlBool>;

// Plain comparisons rather than TRUE/FALSE keywords: the same text works on both engines.
const SQL_TRUE: Bool = sql<SqlBool>`1 = 1`;
const SQL_FALSE: Bool = sql<SqlBool>`1 = 0`;

const OPERATORS: Readonly<Record<CompareOp, string>> = { eq: '=', ne: '<>', lt: '<', lte: '<=', gt: '>', gte: '>=' };

/** Lists longer than this are bound as one array (PostgreSQL) or one JSON text (SQLite). */
const INLINE_LIST_MAX = 100;

/**
 * Checks a filter against the field catalogue before any SQL is written: every field and
 * relation exists on its entity and is within the viewer's `tier`, values have the field's
 * type, operators suit the field. A field above the tier is reported exactly like an unknown
 * one, so that search cannot reveal which hidden fields exist.
 *
 * @throws CoreError `invalid_param` with `param` = the offending field or relation name.
 */
export function checkFilter(entity: EntityName, filter: Filter, access: SearchAccess | SearchTier): void {
  checkNode(entity, filter, typeof access === 'string' ? { tier: access } : access, 0);
}

function checkNode(entity: EntityName, filter: Filter, tier: SearchAccess, depth: number): void {
  switch (filter.kind) {
    case 'and':
    case 'or':
      for (const item of filter.items) checkNode(entity, item, tier, depth);
      return;
    case 'not':
      return checkNode(entity, filter.item, tier, depth);
    case 'const':
      return;
    case 'cmp':
      return checkCompare(searchableField(entity, filter.field, tier), filter.op, filter.value);
    case 'in': {
      const field = searchableField(entity, filter.field, tier);
      if (field.derived) throw invalidParam(field.name, `${field.name} only supports true or false`);
      for (const value of filter.values) checkValue(field, value);
      return;
    }
    case 'isNull': {
      const field = searchableField(entity, filter.field, tier);
      if (field.derived) throw invalidParam(field.name, `${field.name} only supports true or false`);
      return;
    }
    case 'match':
      return checkMatch(searchableField(entity, filter.field, tier), filter);
    case 'exists': {
      const relation = findRelation(entity, filter.relation);
      if (!relation || !isSearchableRelation(entity, filter.relation, tier)) throw invalidParam(filter.relation, `unknown search field "${filter.relation}"`);
      if (depth >= MAX_EXISTS_DEPTH) throw invalidParam(filter.relation, `searches nest at most ${MAX_EXISTS_DEPTH} levels deep`);
      if (filter.where) checkNode(relation.target, filter.where, tier, depth + 1);
      return;
    }
    default:
      throw invalidParam('filter', 'malformed filter');
  }
}

/** The field if the viewer may search it; unknown and hidden fields give the same error. */
function searchableField(entity: EntityName, name: string, access: SearchAccess): FieldDef {
  const field = findField(entity, name);
  if (!field || !isSearchableField(entity, name, access)) throw invalidParam(name, `unknown search field "${name}"`);
  return field;
}

function checkCompare(field: FieldDef, op: CompareOp, value: Scalar): void {
  if (field.derived) {
    if (op !== 'eq' || typeof value !== 'boolean') throw invalidParam(field.name, `${field.name} only supports true or false`);
    return;
  }
  if (field.type === 'boolean' && op !== 'eq' && op !== 'ne') throw invalidParam(field.name, `${field.name} is true or false`);
  if (!Object.hasOwn(OPERATORS, op)) throw invalidParam(field.name, `unknown comparison "${String(op)}"`);
  checkValue(field, value);
}

/** A value must have the field's type: a string for a number field is refused, not coerced. */
function checkValue(field: FieldDef, value: Scalar): void {
  const ok =
    field.type === 'boolean'
      ? typeof value === 'boolean'
      : field.type === 'string'
        ? typeof value === 'string' && isStorableText(value)
        : typeof value === 'number' && Number.isSafeInteger(value);
  if (!ok) throw invalidParam(field.name, `${field.name} expects ${field.type === 'timestamp' ? 'a timestamp in milliseconds' : `a ${field.type}`}`);
}

/**
 * Compiles a filter on `entity` (whose table is aliased `alias` in the enclosing query) into a
 * boolean expression for a Kysely `where`. It checks the filter first (see {@link checkFilter})
 * and includes the entity's fixed row conditions (`kind = 'ban'` for bans). Every value is a
 * bound parameter.
 *
 * @example db.selectFrom('users as u').select('u.id').where(compileFilter('users', 'u', eq('level', 20), ctx))
 */
export function compileFilter(entity: EntityName, alias: string, filter: Filter, ctx: CompileContext): Expression<SqlBool> {
  checkFilter(entity, filter, ctx);
  const scope: Scope = { entity, alias, root: alias, level: 0, ctx, trusted: false };
  const conditions = [...budget(scope), ...fixedConditions(ENTITY_FIXED[entity], alias), ...readableRows(scope, entity), compileNode(filter, scope)];
  return joinAll(conditions, 'and');
}

function compileNode(filter: Filter, scope: Scope): Bool {
  switch (filter.kind) {
    case 'and':
    case 'or':
      return filter.items.length === 0
        ? filter.kind === 'and'
          ? SQL_TRUE
          : SQL_FALSE
        : joinAll(
            filter.items.map((item) => compileNode(item, scope)),
            filter.kind,
          );
    case 'not': {
      const inner = compileNode(filter.item, scope);
      // Danbooru's `_not` keeps NULL rows: "not TRUE", not SQL's three-valued NOT.
      return mayBeNull(filter.item, scope) ? sql<SqlBool>`not coalesce(${inner}, ${SQL_FALSE})` : sql<SqlBool>`not (${inner})`;
    }
    case 'const':
      return filter.value ? SQL_TRUE : SQL_FALSE;
    case 'cmp':
      return compileCompare(catalogued(scope, filter.field), filter.op, filter.value, scope);
    case 'in':
      return compileIn(catalogued(scope, filter.field), filter.values, scope);
    case 'isNull':
      return sql<SqlBool>`${column(scope, catalogued(scope, filter.field))} is null`;
    case 'match':
      return compileMatch(filter, catalogued(scope, filter.field), scope);
    case 'exists':
      return compileExists(filter.relation, filter.where, scope);
  }
}

function joinAll(items: readonly Bool[], kind: 'and' | 'or'): Bool {
  if (items.length === 1) return items[0]!;
  return sql<SqlBool>`(${sql.join(items, kind === 'and' ? sql` and ` : sql` or `)})`;
}

function catalogued(scope: Scope, name: string): FieldDef {
  const field = findField(scope.entity, name);
  if (!field) throw invalidParam(name, `unknown search field "${name}"`);
  return field;
}

/** A column of the scope's table. */
function column(scope: Scope, field: FieldDef | string): RawBuilder<unknown> {
  const name = typeof field === 'string' ? field : field.column;
  if (name === undefined) throw invalidParam(typeof field === 'string' ? field : field.name, 'not a column');
  return sql.ref(`${scope.alias}.${name}`);
}

/**
 * A field as an ordered value. PostgreSQL compares text by the database collation, SQLite by
 * code point; `collate "C"` makes PostgreSQL order strings as SQLite does.
 */
export function orderedColumn(scope: Scope, field: FieldDef): RawBuilder<unknown> {
  const ref = column(scope, field);
  return field.type === 'string' && scope.ctx.caps.collatedText ? sql`${ref} collate "C"` : ref;
}

const toParam = (value: Scalar): string | number => (typeof value === 'boolean' ? (value ? 1 : 0) : value);

/**
 * A bound value for `field`. PostgreSQL would type a parameter compared with an `integer` column
 * as `integer` and fail on anything above 2^31-1; as `bigint` it compares (index and all) and a
 * huge id simply matches nothing.
 */
function param(field: FieldDef, value: Scalar, scope: Scope): RawBuilder<unknown> {
  const bound = toParam(value);
  return field.type === 'integer' && scope.ctx.caps.typedParameters ? sql`cast(${bound} as bigint)` : sql`${bound}`;
}

function compileCompare(field: FieldDef, op: CompareOp, value: Scalar, scope: Scope): Bool {
  if (field.derived) {
    const definition = field.derived(scope.ctx.now);
    return compileNode(value === true ? definition : not(definition), { ...scope, trusted: true });
  }
  const left = op === 'eq' || op === 'ne' ? column(scope, field) : orderedColumn(scope, field);
  return sql<SqlBool>`${unindexed(field, left, scope)} ${sql.raw(OPERATORS[op])} ${param(field, value, scope)}`;
}

/** SQLite uses no index for `+column`: see `CompileContext.walkOrder`. */
function unindexed(field: FieldDef, ref: RawBuilder<unknown>, scope: Scope): RawBuilder<unknown> {
  return field.coarse && scope.ctx.walkOrder && scope.level === 0 ? sql`+${ref}` : ref;
}

function compileIn(field: FieldDef, values: readonly Scalar[], scope: Scope): Bool {
  if (values.length === 0) return SQL_FALSE;
  const ref = unindexed(field, column(scope, field), scope);
  if (values.length <= INLINE_LIST_MAX) return sql<SqlBool>`${ref} in (${sql.join(values.map((value) => param(field, value, scope)))})`;
  // One parameter however long the list: SQLite allows at most 32766 bound variables.
  const params = values.map(toParam);
  if (scope.ctx.caps.listParameter === 'json-each') return sql<SqlBool>`${ref} in (select value from json_each(${JSON.stringify(params)}))`;
  return field.type === 'integer' ? sql<SqlBool>`${ref} = any(cast(${params} as bigint[]))` : sql<SqlBool>`${ref} = any(${params})`;
}

function compileExists(name: string, where: Filter | null, scope: Scope): Bool {
  const relation = findRelation(scope.entity, name);
  if (!relation) throw invalidParam(name, `unknown search field "${name}"`);
  const alias = `${scope.root}_${scope.level + 1}`;
  const inner: Scope = { ...scope, entity: relation.target, alias, level: scope.level + 1 };
  const conditions = [
    ...budget(inner),
    sql<SqlBool>`${sql.ref(`${alias}.${relation.remoteColumn}`)} = ${sql.ref(`${scope.alias}.${relation.localColumn}`)}`,
    ...fixedConditions(relation.fixed, alias),
    ...fixedConditions(ENTITY_FIXED[relation.target], alias),
    ...readableRows(inner, relation.target),
    ...(where ? [compileNode(where, inner)] : []),
  ];
  const table = sql.table(ENTITIES[relation.target].table);
  return sql<SqlBool>`exists (select 1 from ${table} as ${sql.id(alias)} where ${sql.join(conditions, sql` and `)})`;
}

/**
 * The row budget check (SQLite), first among a scan's conditions so that every examined row
 * pays it; under a large budget, every {@link BUDGET_STRIDE}th id of the searched table itself
 * pays for the stride (subqueries pay row by row: see row-budget.ts).
 */
function budget(scope: Scope): Bool[] {
  const { budget: limit, caps } = scope.ctx;
  if (!caps.rowBudget || limit === undefined) return [];
  if (limit.rows < STRIDED_BUDGET_MIN || scope.level > 0) return [sql<SqlBool>`roster_budget(${limit.rows}, 1) = 1`];
  const id = sql.ref(`${scope.alias}.id`);
  return [sql<SqlBool>`((${id} & ${sql.lit(BUDGET_STRIDE - 1)}) != 0 or roster_budget(${limit.rows}, ${sql.lit(BUDGET_STRIDE)}) = 1)`];
}

/** The core's row rule for the entity, unless the scope is trusted; nothing when every row is readable. */
function readableRows(scope: Scope, entity: EntityName): Bool[] {
  if (scope.trusted) return [];
  const rows = readableRowsFilter(entity, scope.ctx);
  return rows.kind === 'const' && rows.value ? [] : [compileNode(rows, { ...scope, trusted: true })];
}

function fixedConditions(fixed: Readonly<Record<string, string | number>> | undefined, alias: string): Bool[] {
  return Object.entries(fixed ?? {}).map(([name, value]) => sql<SqlBool>`${sql.ref(`${alias}.${name}`)} = ${value}`);
}

/** Whether the compiled node can be SQL NULL (a comparison on a nullable column can). */
function mayBeNull(filter: Filter, scope: Scope): boolean {
  switch (filter.kind) {
    case 'and':
    case 'or':
      return filter.items.some((item) => mayBeNull(item, scope));
    case 'cmp': {
      const field = catalogued(scope, filter.field);
      return field.derived ? mayBeNull(field.derived(scope.ctx.now), scope) : field.nullable;
    }
    case 'in':
    case 'match':
      return catalogued(scope, filter.field).nullable;
    case 'not':
    case 'const':
    case 'isNull':
    case 'exists':
      return false;
  }
}
