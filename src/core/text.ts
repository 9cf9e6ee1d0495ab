/**
 * PostgreSQL text cannot hold NUL (U+0000); refusing it everywhere (request bodies, filters,
 * cursors, logins, stored fields) keeps both engines alike. The one NUL check.
 */
export const hasNul = (value: string): boolean => value.includes('\u0000');

const MAX_DEPTH = 64;

/** The dotted path of the first string (or key) holding a NUL character, or null. Iterative. */
export function findNulCharacter(value: unknown, path = ''): string | null {
  return findCharacter(value, hasNul, path);
}

/**
 * Characters no stored text may hold: C0 controls other than tab, newline and return, U+FFFE and
 * U+FFFF (none of them allowed in XML 1.0, so a stored one made every later XML listing of the
 * record unreadable), and unpaired surrogates (not encodable as UTF-8: stored as U+FFFD).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is this guard's job
const UNSTORABLE = /[\u0001-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|\p{Cs}/u;

/** The dotted path of the first string (or key) holding an unstorable character, or null. */
export function findUnstorableCharacter(value: unknown, path = ''): string | null {
  return findCharacter(value, (text) => UNSTORABLE.test(text), path);
}

function findCharacter(value: unknown, holds: (text: string) => boolean, path: string): string | null {
  const stack: [unknown, string, number][] = [[value, path, 0]];
  while (stack.length > 0) {
    const [current, at, depth] = stack.pop()!;
    if (typeof current === 'string') {
      if (holds(current)) return at;
      continue;
    }
    if (current === null || typeof current !== 'object' || depth > MAX_DEPTH) continue;
    for (const [key, child] of Object.entries(current)) {
      const childPath = at === '' ? key : `${at}.${key}`;
      if (holds(key)) return at === '' ? '(key)' : at;
      stack.push([child, childPath, depth + 1]);
    }
  }
  return null;
}
