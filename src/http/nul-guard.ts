import type { FastifyInstance } from 'fastify';
import { invalidParam } from '../core/errors.js';
import { findNulCharacter, findUnstorableCharacter } from '../core/text.js';

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
