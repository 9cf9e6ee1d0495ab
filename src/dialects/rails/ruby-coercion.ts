/**
 * How Danbooru (Ruby on Rails) reads loose request strings. Its clients send values that work
 * there, so Roster reads them the same way: `"5abc".to_i` is 5, `"yes"` is truthy, a leading
 * separator in a list is an error.
 */

/** ActiveSupport `String#blank?`: empty or only whitespace. */
export const isBlank = (text: string): boolean => /^\s*$/u.test(text);

/** A request value that Rails would call `present?` and that is a string (arrays and hashes are not read as strings). */
export const presentString = (value: unknown): string | null => (typeof value === 'string' && !isBlank(value) ? value : null);

/** core_extensions.rb `String#truthy?`. */
export const isTruthy = (text: string): boolean => /^(true|t|yes|y|on|1)$/i.test(text);

/** core_extensions.rb `String#falsy?`. */
export const isFalsy = (text: string): boolean => /^(false|f|no|n|off|0)$/i.test(text);

const clampSafe = (value: number): number => Math.max(-Number.MAX_SAFE_INTEGER, Math.min(Number.MAX_SAFE_INTEGER, value));

/** Ruby `String#to_i`: the leading integer (after whitespace, `_` between digits allowed), else 0. */
export function toI(text: string): number {
  const match = /^[\t\n\v\f\r ]*([+-]?)(\d+(?:_\d+)*)/.exec(text);
  if (!match) return 0;
  const value = clampSafe(Number(match[2]!.replaceAll('_', '')));
  return match[1] === '-' ? -value : value;
}

const INTEGER_FORMS: readonly (readonly [RegExp, number])[] = [
  [/^0x([0-9a-f]+(?:_[0-9a-f]+)*)$/i, 16],
  [/^0b([01]+(?:_[01]+)*)$/i, 2],
  [/^0o?([0-7]+(?:_[0-7]+)*)$/i, 8],
  [/^0d(\d+(?:_\d+)*)$/i, 10],
  [/^([1-9]\d*(?:_\d+)*|0)$/, 10],
];

/**
 * Ruby `Kernel#Integer(string)`: the whole string must be an integer (surrounding whitespace,
 * `0x`/`0b`/`0o`/`0` prefixes and `_` separators allowed). Null when it is not, or when it is
 * beyond the safe integer range (no row can hold such a value).
 */
export function parseInteger(text: string): number | null {
  const match = /^\s*([+-]?)(.*?)\s*$/s.exec(text);
  const body = match?.[2] ?? '';
  for (const [pattern, radix] of INTEGER_FORMS) {
    const digits = pattern.exec(body)?.[1];
    if (digits === undefined) continue;
    const value = parseInt(digits.replaceAll('_', ''), radix);
    if (!Number.isSafeInteger(value)) return null;
    return match?.[1] === '-' ? -value : value;
  }
  return null;
}

/** Drops trailing empty strings, as Ruby's `String#split` does (leading ones are kept). */
function dropTrailingEmpty(parts: string[]): string[] {
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** Ruby `string.split(/[, ]+/)`: the number-syntax list separator. */
export const splitList = (text: string): string[] => dropTrailingEmpty(text.split(/[, ]+/));

/** Ruby `string.split(",")`. */
export const splitComma = (text: string): string[] => dropTrailingEmpty(text.split(','));

/** Ruby `string.split` (on runs of whitespace, ignoring leading and trailing whitespace). */
export const splitWords = (text: string): string[] => text.split(/[\t\n\v\f\r ]+/).filter((part) => part !== '');

/** Ruby `String#strip`. */
export const strip = (text: string): string => text.replace(/^[\0\t\n\v\f\r ]+|[\0\t\n\v\f\r ]+$/g, '');

/** Ruby `Array#to_sentence`: `'a'`, `'a' and 'b'`, `'a', 'b', and 'c'`. */
export function toSentence(items: readonly string[]): string {
  if (items.length <= 2) return items.join(' and ');
  return `${items.slice(0, -1).join(', ')}, and ${items[items.length - 1]}`;
}
