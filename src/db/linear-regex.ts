import RE2 from 're2';

/**
 * User-supplied regular expressions run through RE2, whose matching time is linear in the text
 * (no backtracking): `^(a+)+_$` against thirty `a`s takes microseconds, where JavaScript's
 * engine took seconds of blocked event loop. RE2 has no back-references and no look-around;
 * patterns using them are refused before any query runs.
 */
export const REGEX_MAX_LENGTH = 256;

const CACHE_SIZE = 500;
const cache = new Map<string, RE2 | string>();

/** The compiled pattern, or RE2's reason for refusing it. Compiled once per pattern. */
function compiled(pattern: string): RE2 | string {
  let entry = cache.get(pattern);
  if (entry === undefined) {
    try {
      entry = new RE2(pattern, 'u');
    } catch (error) {
      entry = error instanceof Error ? error.message : 'invalid regular expression';
    }
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(pattern, entry);
  }
  return entry;
}

/** Why RE2 cannot run the pattern (too long, or its syntax), or null when it can. */
export function regexProblem(pattern: string): string | null {
  if (pattern.length > REGEX_MAX_LENGTH) return `regular expressions are at most ${REGEX_MAX_LENGTH} characters`;
  const entry = compiled(pattern);
  return typeof entry === 'string' ? entry : null;
}

/** SQLite's `regexp(pattern, value)`: 1 on a match; an invalid or over-long pattern matches nothing. */
export function regexpMatches(pattern: unknown, value: unknown): 0 | 1 {
  if (typeof pattern !== 'string' || typeof value !== 'string' || pattern.length > REGEX_MAX_LENGTH) return 0;
  const entry = compiled(pattern);
  // RE2 reads UTF-8: handing it the bytes is several times cheaper than handing it the string.
  return typeof entry !== 'string' && entry.test(Buffer.from(value, 'utf8')) ? 1 : 0;
}
