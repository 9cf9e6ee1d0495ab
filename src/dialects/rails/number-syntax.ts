import { and, cmp, FALSE, isIn, isNull, not, or, type CompareOp, type Filter } from '../../query/ast.js';
import { parseInteger, splitList, toI } from './ruby-coercion.js';

/**
 * Danbooru's number syntax (range_parser.rb), for integers, timestamps and ages alike:
 * `5`, `>5`, `>=5`, `<5`, `<=5`, `5..10` (inclusive, bounds sorted), `5...10` (half-open),
 * `5..` (≥5), `..5` (≤5), `1,2,3` or `1 2 3` (in), `1,>5,7..9` (any of), `any`, `none`.
 */
export type Range =
  | { readonly kind: 'cmp'; readonly op: CompareOp; readonly value: number }
  | { readonly kind: 'between'; readonly lo: number; readonly hi: number; readonly exclusive: boolean }
  | { readonly kind: 'in'; readonly values: readonly number[] }
  | { readonly kind: 'union'; readonly parts: readonly Range[] }
  | { readonly kind: 'any' }
  | { readonly kind: 'none' };

/** How one value type reads: integers, dates, or ages (which read comparisons backwards). */
export interface ValueSyntax {
  /** The value, or null when it does not parse. */
  readonly parse: (text: string) => number | null;
  /** What a bare value means; Danbooru: equality, or the whole calendar day for an age. */
  readonly bare?: (value: number) => Range;
  /** Ages: `<1w` means after one week ago. */
  readonly reversed?: boolean;
}

export const INTEGER_SYNTAX: ValueSyntax = Object.freeze({ parse: parseInteger });

const REVERSED: Readonly<Partial<Record<CompareOp, CompareOp>>> = { lt: 'gt', lte: 'gte', gt: 'lt', gte: 'lte' };

/** Parses `text`; null when any part is malformed (Danbooru then finds nothing). */
export function parseRange(text: string, syntax: ValueSyntax): Range | null {
  if (/[, ]/.test(text)) return parseList(text, syntax);
  const range = parseSingle(text, syntax);
  if (range === null || !syntax.reversed || range.kind !== 'cmp') return range;
  return { ...range, op: REVERSED[range.op] ?? range.op };
}

function parseList(text: string, syntax: ValueSyntax): Range | null {
  const items = splitList(text);
  if (/<|>|\.\./.test(text)) {
    const parts = items.map((item) => parseRange(item, syntax));
    return parts.every((part) => part !== null) ? { kind: 'union', parts: parts as Range[] } : null;
  }
  const values = items.map((item) => syntax.parse(item));
  return values.every((value) => value !== null) ? { kind: 'in', values: values as number[] } : null;
}

// The order of the cases is Danbooru's: `5...10` before `5..10`, `..5` with `<=`, `5..` with `>=`.
const SINGLE_FORMS: readonly (readonly [RegExp, CompareOp])[] = [
  [/^<=(.+)/, 'lte'],
  [/^\.\.(.+)/, 'lte'],
  [/^<(.+)/, 'lt'],
  [/^>=(.+)/, 'gte'],
  [/^(.+)\.\.$/, 'gte'],
  [/^>(.+)/, 'gt'],
];

function parseSingle(text: string, syntax: ValueSyntax): Range | null {
  const halfOpen = /^(.+?)\.\.\.(.+)/.exec(text);
  const between = halfOpen ?? /^(.+?)\.\.(.+)/.exec(text);
  if (between) {
    const a = syntax.parse(between[1]!);
    const b = syntax.parse(between[2]!);
    if (a === null || b === null) return null;
    return { kind: 'between', lo: Math.min(a, b), hi: Math.max(a, b), exclusive: halfOpen !== null };
  }
  for (const [pattern, op] of SINGLE_FORMS) {
    const match = pattern.exec(text);
    if (!match) continue;
    const value = syntax.parse(match[1]!);
    return value === null ? null : { kind: 'cmp', op, value };
  }
  if (text === 'any') return { kind: 'any' };
  if (text === 'none') return { kind: 'none' };
  const value = syntax.parse(text);
  if (value === null) return null;
  return syntax.bare ? syntax.bare(value) : { kind: 'cmp', op: 'eq', value };
}

/** The filter a range stands for on `field`. */
export function rangeFilter(field: string, range: Range): Filter {
  switch (range.kind) {
    case 'cmp':
      return cmp(field, range.op, range.value);
    case 'between':
      return and(cmp(field, 'gte', range.lo), cmp(field, range.exclusive ? 'lt' : 'lte', range.hi));
    case 'in':
      return isIn(field, range.values);
    case 'union':
      return or(...range.parts.map((part) => rangeFilter(field, part)));
    case 'any':
      return not(isNull(field));
    case 'none':
      return isNull(field);
  }
}

/** `search[field]=…` in number syntax; a malformed value matches nothing, as in Danbooru. */
export function numberFilter(field: string, text: string, syntax: ValueSyntax = INTEGER_SYNTAX): Filter {
  const range = parseRange(text, syntax);
  return range === null ? FALSE : rangeFilter(field, range);
}

/**
 * A raw operand of `X_eq`, `X_gt`…: Rails casts it as the column does, so `"5abc"` is 5 and a
 * string that does not start with a number compares with NULL (no row).
 */
export function rawInteger(text: string): number | null {
  return /^\s*[+-]?\d/.test(text) ? toI(text) : null;
}
