import type { FastifyInstance } from 'fastify';
import { invalidParam } from '../core/errors.js';
import { hasNul } from '../core/text.js';

const MAX_DEPTH = 64;

/** The dotted path of the first string (or key) holding a NUL character, or null. Iterative. */
export function findNulCharacter(value: unknown, path = ''): string | null {
  const stack: [unknown, string, number][] = [[value, path, 0]];
  while (stack.length > 0) {
    const [current, at, depth] = stack.pop()!;
    if (typeof current === 'string') {
      if (hasNul(current)) return at;
      continue;
    }
    if (current === null || typeof current !== 'object' || depth > MAX_DEPTH) continue;
    for (const [key, child] of Object.entries(current)) {
      const childPath = at === '' ? key : `${at}.${key}`;
      if (hasNul(key)) return at === '' ? '(key)' : at;
      stack.push([child, childPath, depth + 1]);
    }
  }
  return null;
}

/**
 * Refuses any request whose parameters or body hold a NUL character, as `invalid_param` in the
 * dialect's own shape. PostgreSQL text cannot store NUL, and SQLite would; refusing it at the
 * door keeps both engines alike and turns what would be a database error into a 400.
 */
export function refuseNulCharacters(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    for (const [part, value] of [['params', request.params], ['query', request.query], ['body', request.body]] as const) {
      const at = findNulCharacter(value);
      if (at !== null) throw invalidParam(at === '' ? part : at, `${at === '' ? part : at} must not contain NUL characters`);
    }
  });
}
