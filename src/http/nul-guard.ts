import type { FastifyInstance } from 'fastify';
import { invalidParam } from '../core/errors.js';

const MAX_DEPTH = 64;

/** The dotted path of the first string (or key) holding a NUL character, or null. Iterative. */
export function findNulCharacter(value: unknown, path = ''): string | null {
  return findCharacter(value, (text) => text.includes('\u0000'), path);
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

/**
 * Refuses any request whose parameters or body hold a NUL character (or another unstorable one), as `invalid_param` in the
 * dialect's own shape. PostgreSQL text cannot store NUL, and SQLite would; refusing it at the
 * door keeps both engines alike and turns what would be a database error into a 400.
 */
export function refuseNulCharacters(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    for (const [part, value] of [
      ['params', request.params],
      ['query', request.query],
      ['body', request.body],
    ] as const) {
      const at = findNulCharacter(value);
      if (at !== null) throw invalidParam(at === '' ? part : at, `${at === '' ? part : at} must not contain NUL characters`);
      const other = findUnstorableCharacter(value);
      if (other !== null)
        throw invalidParam(other === '' ? part : other, `${other === '' ? part : other} must not contain control characters or unpaired surrogates`);
    }
  });
}
