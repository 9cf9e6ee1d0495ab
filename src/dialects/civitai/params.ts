import * as z from 'zod';
import type { UserLookup } from '../../query/look-up-users.js';
import { CivitaiHttpError, zodErrorBody } from './errors.js';

/**
 * `GET /api/v1/users` parameters, checked with Zod as Civitai checks them (user.schema.ts
 * `getAllUsersInput` over base.schema.ts `getAllQuerySchema`, `email: z.never()` added by the
 * route), so that a malformed request gets Zod's own error.
 */

/** zod-helpers.ts `commaDelimitedNumberArray`: split on commas, trim, `Number()` each. */
const commaNumbers = z.preprocess((value) => {
  const parts = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',').map((part) => part.trim()) : value;
  return Array.isArray(parts) ? parts.map(Number) : parts;
}, z.array(z.number()));

const commaWords = <T extends string>(values: readonly [T, ...T[]]) =>
  z.preprocess((value) => (typeof value === 'string' ? value.split(',').map((part) => part.trim()) : value), z.array(z.enum(values)));

/** Validated, then overridden by `ids.length` or 5 (the route's own rule). */
const limit = z.coerce.number().min(1).max(200);

const UsersQuery = z
  .object({
    limit,
    page: z.coerce.number().min(0),
    query: z.string(),
    ids: commaNumbers,
    // Honoured by Civitai only for its own webhook token; Roster has none, so it is checked and ignored.
    include: commaWords(['status', 'avatar']),
    // The public route refuses any email lookup.
    email: z.never(),
  })
  .partial();

/** Without `ids` the route answers at most this many users (seed: "the first 5 users"). */
export const DEFAULT_LIMIT = 5;

/**
 * The lookup a query string asks for. `ids` wins the limit (its length); `query` is a name
 * prefix; neither gives the first users. An empty `query` counts as none.
 *
 * @throws CivitaiHttpError 400 with Zod's error for malformed parameters.
 */
export function userLookup(query: unknown): UserLookup {
  const parsed = UsersQuery.safeParse(query ?? {});
  if (!parsed.success) throw new CivitaiHttpError(400, zodErrorBody(parsed.error.issues));
  const { ids, query: prefix } = parsed.data;
  const count = ids?.length ?? DEFAULT_LIMIT;
  // Civitai re-validates the overridden limit in its tRPC call, whose 400 body is the issue list.
  const checked = limit.safeParse(count);
  if (!checked.success)
    throw new CivitaiHttpError(
      400,
      checked.error.issues.map((issue) => ({ ...issue, path: ['limit'] })),
    );
  if (ids !== undefined) return prefix ? { kind: 'ids', ids, prefix } : { kind: 'ids', ids };
  if (prefix) return { kind: 'prefix', prefix, limit: count };
  return { kind: 'first', limit: count };
}
