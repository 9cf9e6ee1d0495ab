import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { invalidParam } from '../../core/errors.js';
import { and, cmp, exists, FALSE, isIn, isNull, match, not, or, TRUE, type CompareOp, type Filter, type MatchMode } from '../../query/ast.js';

/**
 * The `filter` query parameter: a filter AST (query/ast.ts) written as JSON, e.g.
 * `{"kind":"and","items":[{"kind":"cmp","field":"level","op":"gte","value":40},
 * {"kind":"match","field":"name","mode":"prefix","value":"al"}]}`. Its shape is checked here;
 * which fields exist and who may use them is the query engine's business.
 */
export const FILTER_MAX_LENGTH = 10_000;
/** JSON nesting; each filter level takes two (an object and its `items` array). */
const MAX_JSON_DEPTH = 40;

const OPS: readonly CompareOp[] = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte'];
const MODES: readonly MatchMode[] = ['exact', 'prefix', 'contains', 'wildcard', 'regex'];
const Field = Type.String({ minLength: 1, maxLength: 64 });
const Scalar = Type.Union([Type.String({ maxLength: 1000 }), Type.Number(), Type.Boolean()]);
const node = <T extends Record<string, TSchema>>(properties: T) => Type.Object(properties, { additionalProperties: false });

export const FilterJsonSchema = Type.Recursive(
  (Self) =>
    Type.Union([
      node({ kind: Type.Literal('and'), items: Type.Array(Self, { maxItems: 100 }) }),
      node({ kind: Type.Literal('or'), items: Type.Array(Self, { maxItems: 100 }) }),
      node({ kind: Type.Literal('not'), item: Self }),
      node({
        kind: Type.Literal('cmp'),
        field: Field,
        op: Type.Union(OPS.map((op) => Type.Literal(op))),
        value: Scalar,
      }),
      node({ kind: Type.Literal('in'), field: Field, values: Type.Array(Scalar, { maxItems: 1000 }) }),
      node({ kind: Type.Literal('isNull'), field: Field }),
      node({
        kind: Type.Literal('match'),
        field: Field,
        mode: Type.Union(MODES.map((mode) => Type.Literal(mode))),
        value: Type.String({ maxLength: 1000 }),
        caseSensitive: Type.Optional(Type.Boolean()),
      }),
      node({ kind: Type.Literal('exists'), relation: Field, where: Type.Optional(Type.Union([Self, Type.Null()])) }),
      node({ kind: Type.Literal('const'), value: Type.Boolean() }),
    ]),
  { $id: 'Filter' },
);

type FilterJson = Static<typeof FilterJsonSchema>;

const checker = TypeCompiler.Compile(FilterJsonSchema);

/** Deeper than `limit`? Iterative, so hostile nesting cannot exhaust the stack. */
function tooDeep(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return false;
}

function toFilter(json: FilterJson): Filter {
  switch (json.kind) {
    case 'and':
      return and(...json.items.map(toFilter));
    case 'or':
      return or(...json.items.map(toFilter));
    case 'not':
      return not(toFilter(json.item));
    case 'cmp':
      return cmp(json.field, json.op, json.value);
    case 'in':
      return isIn(json.field, json.values);
    case 'isNull':
      return isNull(json.field);
    case 'match':
      return match(json.field, json.mode, json.value, json.caseSensitive ?? false);
    case 'exists':
      return exists(json.relation, json.where ? toFilter(json.where) : null);
    case 'const':
      return json.value ? TRUE : FALSE;
  }
}

/**
 * Reads the `filter` parameter into a filter AST.
 * @throws CoreError `invalid_param` (param `filter`) for bad JSON or a shape that is not a filter.
 */
export function parseFilterParam(text: string): Filter {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalidParam('filter', 'filter is not valid JSON');
  }
  if (tooDeep(json, MAX_JSON_DEPTH)) throw invalidParam('filter', 'filter is nested too deeply');
  if (!checker.Check(json)) {
    const first = checker.Errors(json).First();
    throw invalidParam('filter', `filter is not a filter expression${first ? ` (at ${first.path || '/'}: ${first.message})` : ''}`);
  }
  return toFilter(json);
}
