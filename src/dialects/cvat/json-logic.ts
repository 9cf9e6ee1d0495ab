import { and, cmp, FALSE, isIn, match, not, or, TRUE, type Filter, type Scalar } from '../../query/ast.js';

/**
 * CVAT's JSON Logic `filter` parameter (cvat/apps/engine/filters.py `JsonLogicFilter`, spec
 * §1.4), parsed into the shared filter AST. Exactly CVAT's operators: `and`, `or`, `!`, `!!`,
 * `==`, `<`, `<=`, `>`, `>=`, three-argument `<=` (between, inclusive), `in` both ways, `var`.
 * There is no `!=`. Every refusal is a {@link JsonLogicError} worded as CVAT words it.
 */
export class JsonLogicError extends Error {
  override readonly name = 'JsonLogicError';
}

/** A public filter term and the catalogue field it reads, with the type its values must have. */
export interface JsonLogicTerm {
  readonly field: string;
  readonly type: 'string' | 'integer' | 'boolean';
}

type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

const COMPARISONS: Readonly<Record<string, 'eq' | 'lt' | 'lte' | 'gt' | 'gte'>> = { '==': 'eq', '<': 'lt', '<=': 'lte', '>': 'gt', '>=': 'gte' };

/** Parses the text of `filter` against the terms the list offers. */
export function parseJsonLogic(text: string, terms: Readonly<Record<string, JsonLogicTerm>>): Filter {
  let rules: Json;
  try {
    rules = JSON.parse(text) as Json;
  } catch (error) {
    throw new JsonLogicError(`filter: can't parse filter expression: ${(error as Error).message}`);
  }
  if (isObject(rules) && Object.keys(rules).length === 0) throw new JsonLogicError("filter shouldn't be empty");
  return new Parser(terms).rule(rules);
}

class Parser {
  constructor(private readonly terms: Readonly<Record<string, JsonLogicTerm>>) {}

  rule(rule: Json): Filter {
    if (!isObject(rule) || Object.keys(rule).length === 0) throw new JsonLogicError(`filter: rule '${pyRepr(rule)}' is not supported`);
    // Python's `next(iter(rules.items()))`: the first operation of the object.
    const [op, args] = Object.entries(rule)[0]!;
    switch (op) {
      case 'and':
      case 'or': {
        if (!Array.isArray(args) || args.length === 0) {
          throw new JsonLogicError(`filter: operation '${op}' requires a non-empty list argument, got '${pyRepr(args)}' of type '${pyType(args)}'`);
        }
        const items = (args as readonly Json[]).map((arg) => this.rule(arg));
        return op === 'and' ? and(...items) : or(...items);
      }
      case '!':
        return not(this.rule(single(args)));
      case '!!':
        return this.rule(single(args));
      case 'var':
        return this.bareVar(args);
      case 'in':
        return this.membership(args);
      default:
        return this.comparison(op, args);
    }
  }

  /** `{"var": f}` alone: the field is set (Django `isnull=False`); our fields are never null. */
  private bareVar(args: Json): Filter {
    this.term(single(args));
    return TRUE;
  }

  private comparison(op: string, json: Json): Filter {
    const args: readonly Json[] | null = Array.isArray(json) ? (json as readonly Json[]) : null;
    const kind = Object.hasOwn(COMPARISONS, op) ? COMPARISONS[op] : undefined;
    if (kind && args !== null && args.length === 2 && isVar(args[0])) {
      const term = this.term(args[0].var);
      const value = this.value(op, args, term, args[1]);
      return typeof value === 'boolean' ? compareBoolean(term.field, kind, value) : cmp(term.field, kind, value);
    }
    if (op === '<=' && args !== null && args.length === 3 && isVar(args[1])) {
      const term = this.term(args[1].var);
      return and(cmp(term.field, 'gte', this.value(op, args, term, args[0])), cmp(term.field, 'lte', this.value(op, args, term, args[2])));
    }
    throw unsupported(op, args);
  }

  /** `[{"var": f}, [..]]` is membership; `["s", {"var": f}]` a case-sensitive substring. */
  private membership(args: Json): Filter {
    if (Array.isArray(args) && args.length === 2) {
      const [first, second] = args as readonly Json[];
      if (isVar(first) && Array.isArray(second)) {
        const term = this.term(first.var);
        const values = (second as readonly Json[]).map((value) => this.value('in', args, term, value));
        // A boolean field (`is_active`, derived) is compared, not listed.
        if (term.type === 'boolean') return or(...values.map((value) => cmp(term.field, 'eq', value)));
        return isIn(term.field, values);
      }
      if (isVar(second) && typeof first === 'string') {
        const term = this.term(second.var);
        if (term.type !== 'string') throw unsupported('in', args);
        return match(term.field, 'contains', first, true);
      }
    }
    throw unsupported('in', args);
  }

  private term(name: Json): JsonLogicTerm {
    const key = typeof name === 'string' ? name : pyRepr(name);
    const term = typeof name === 'string' && Object.hasOwn(this.terms, name) ? this.terms[name] : undefined;
    if (!term) throw new JsonLogicError(`filter: term '${key}' is not supported`);
    return term;
  }

  private value(op: string, args: Json, term: JsonLogicTerm, value: Json | undefined): Scalar {
    const ok =
      (term.type === 'string' && typeof value === 'string') ||
      (term.type === 'boolean' && typeof value === 'boolean') ||
      (term.type === 'integer' && typeof value === 'number' && Number.isSafeInteger(value));
    if (!ok) throw unsupported(op, args);
    return value;
  }
}

/**
 * Django orders booleans False < True; a boolean field here is derived (`is_active`), which
 * the query engine only compares for equality, so order comparisons become equalities.
 */
function compareBoolean(field: string, op: 'eq' | 'lt' | 'lte' | 'gt' | 'gte', value: boolean): Filter {
  switch (op) {
    case 'eq':
      return cmp(field, 'eq', value);
    case 'lt':
      return value ? cmp(field, 'eq', false) : FALSE;
    case 'lte':
      return value ? TRUE : cmp(field, 'eq', false);
    case 'gt':
      return value ? FALSE : cmp(field, 'eq', true);
    case 'gte':
      return value ? cmp(field, 'eq', true) : TRUE;
  }
}

/** `!` and `!!` take a rule, or (standard JSON Logic) a one-element list holding it. */
function single(args: Json): Json {
  return Array.isArray(args) && args.length === 1 ? (args as readonly Json[])[0]! : args;
}

const unsupported = (op: string, args: Json): JsonLogicError =>
  new JsonLogicError(`filter: operation '${op}' with arguments '${pyRepr(args)}' is not supported`);

function isObject(value: Json | undefined): value is { readonly [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isVar(value: Json | undefined): value is { readonly var: Json } {
  return isObject(value) && Object.keys(value).length === 1 && Object.hasOwn(value, 'var');
}

/** Python's name for the type of a parsed JSON value, as CVAT's messages show it. */
export function pyType(value: Json): string {
  if (value === null) return 'NoneType';
  if (Array.isArray(value)) return 'list';
  switch (typeof value) {
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(value) ? 'int' : 'float';
    case 'string':
      return 'str';
    default:
      return 'dict';
  }
}

/** Python's `repr` of a parsed JSON value (`[{'var': 'id'}, 5]`), as CVAT's messages show it. */
export function pyRepr(value: Json): string {
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(value)) return `[${(value as readonly Json[]).map(pyRepr).join(', ')}]`;
  return `{${Object.entries(value)
    .map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`)
    .join(', ')}}`;
}
