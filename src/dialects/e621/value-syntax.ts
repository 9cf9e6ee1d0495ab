import { and, cmp, FALSE, isIn, type CompareOp, type Filter } from '../../query/ast.js';
import { toI } from '../rails/ruby-coercion.js';
import { instantAgo, parseAge, parseTime, type Clock } from '../rails/time-syntax.js';

/**
 * e621ng's value syntax (app/logical/parse_value.rb, specs part B5): `N`, `<N`, `<=N`, `>N`,
 * `>=N`, `..N` (≤N), `N..` (≥N), `A..B`, and `a,b,c` lists of at most 320 items. Numbers go
 * through `to_i`, so junk reads as 0 and there is never an error.
 */
export type ValueCondition =
  | { readonly kind: 'cmp'; readonly op: CompareOp; readonly value: number }
  | { readonly kind: 'between'; readonly low: number; readonly high: number }
  | { readonly kind: 'in'; readonly values: readonly number[] }
  /** A value that cannot be read (an unreadable date): matches nothing. */
  | { readonly kind: 'none' };

const LIST_MAX = 320;

const COMPARISONS: readonly (readonly [string, CompareOp])[] = [
  ['<=', 'lte'],
  ['>=', 'gte'],
  ['<', 'lt'],
  ['>', 'gt'],
];

/** Reads `text` with `read` turning each operand into a number (null: unreadable). */
export function parseValue(text: string, read: (operand: string) => number | null): ValueCondition {
  const trimmed = text.trim();
  const one = (operand: string, make: (value: number) => ValueCondition): ValueCondition => {
    const value = read(operand);
    return value === null ? { kind: 'none' } : make(value);
  };
  for (const [prefix, op] of COMPARISONS) if (trimmed.startsWith(prefix)) return one(trimmed.slice(prefix.length), (value) => ({ kind: 'cmp', op, value }));
  const range = /^(.*?)\.\.(.*)$/.exec(trimmed);
  if (range) {
    const [, low = '', high = ''] = range;
    if (low === '') return one(high, (value) => ({ kind: 'cmp', op: 'lte', value }));
    if (high === '') return one(low, (value) => ({ kind: 'cmp', op: 'gte', value }));
    const [a, b] = [read(low), read(high)];
    return a === null || b === null ? { kind: 'none' } : { kind: 'between', low: a, high: b };
  }
  if (trimmed.includes(',')) {
    const values = trimmed.split(',').slice(0, LIST_MAX).map(read);
    return values.some((value) => value === null) ? { kind: 'none' } : { kind: 'in', values: values as number[] };
  }
  return one(trimmed, (value) => ({ kind: 'cmp', op: 'eq', value }));
}

/** Integers as `to_i` reads them. */
export const readInteger = (operand: string): number => toI(operand);

const DAY_MS = 86_400_000;

/**
 * Dates as parse_value.rb reads them: `today`, `yesterday`, ages such as `5d` or `2_weeks_ago`
 * (counted back from now), else a date or time (`2024-01-31`, ISO 8601).
 */
export const dateReader =
  (clock: Clock) =>
  (operand: string): number | null => {
    const text = operand.trim().toLowerCase();
    if (text === 'today') return clock.now - (clock.now % DAY_MS);
    if (text === 'yesterday') return clock.now - (clock.now % DAY_MS) - DAY_MS;
    const ago = /^(\d+)_?(\w+?)s?_ago$/.exec(text);
    const age = parseAge(ago ? `${ago[1]}${ago[2]}` : text);
    if (age !== null && !/^\d+$/.test(text)) return instantAgo(age, clock);
    return parseTime(operand, clock);
  };

/** The condition as a filter on `field`. */
export function valueFilter(field: string, condition: ValueCondition): Filter {
  switch (condition.kind) {
    case 'cmp':
      return cmp(field, condition.op, condition.value);
    case 'between':
      return and(cmp(field, 'gte', Math.min(condition.low, condition.high)), cmp(field, 'lte', Math.max(condition.low, condition.high)));
    case 'in':
      return isIn(field, condition.values);
    case 'none':
      return FALSE;
  }
}

const OPS: Readonly<Record<CompareOp, (a: number, b: number) => boolean>> = {
  eq: (a, b) => a === b,
  ne: (a, b) => a !== b,
  lt: (a, b) => a < b,
  lte: (a, b) => a <= b,
  gt: (a, b) => a > b,
  gte: (a, b) => a >= b,
};

/** Whether `value` satisfies the condition (for level numbers, which are mapped before any SQL). */
export function satisfies(value: number, condition: ValueCondition): boolean {
  switch (condition.kind) {
    case 'cmp':
      return OPS[condition.op](value, condition.value);
    case 'between':
      return value >= Math.min(condition.low, condition.high) && value <= Math.max(condition.low, condition.high);
    case 'in':
      return condition.values.includes(value);
    case 'none':
      return false;
  }
}
