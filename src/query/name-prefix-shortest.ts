import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { EngineCapabilities } from '../db/database.js';
import { and, cmp, eq, match } from './ast.js';
import { compileFilter } from './compile.js';
import { ALIAS } from './pages.js';
import type { SearchContext } from './search.js';

/** The highest code point: `v || U+10FFFF` is above every string that starts with `v`. */
const MAX_CHAR = '\u{10FFFF}';

/** How names compare here: folded like `users.name_lower` (NFC, lower case). */
export const foldName = (text: string): string => text.normalize('NFC').toLowerCase();

/** `t.name_lower` in byte order on both engines (SQLite's BINARY; PostgreSQL's `C`). */
const nameBytes = (caps: EngineCapabilities): RawBuilder<string> =>
  caps.engine === 'postgres' ? sql<string>`${sql.ref(`${ALIAS}.name_lower`)} collate "C"` : sql<string>`${sql.ref(`${ALIAS}.name_lower`)}`;

/**
 * One length: live accounts (not deleted, id above 0) whose name has `length` characters and starts with `folded`, in
 * name order, at most `limit`. An index seek on `users_name_length_idx` (migration 0002) that
 * reads rows already in order. `is_deleted = 0` is a literal so that both planners can prove the
 * partial index applies.
 */
export function lengthProbe(ctx: SearchContext, folded: string, length: number, limit: number) {
  const name = nameBytes(ctx.caps);
  return ctx.db
    .selectFrom(sql.table('users').as(ALIAS))
    .select(sql<number>`${sql.ref(`${ALIAS}.id`)}`.as('id'))
    .where(sql<SqlBool>`length(${sql.ref(`${ALIAS}.name_lower`)}) = ${length}`)
    .where(sql<SqlBool>`${name} >= ${folded} and ${name} < ${folded + MAX_CHAR}`)
    .where(sql<SqlBool>`${sql.ref(`${ALIAS}.is_deleted`)} = 0`)
    .where(sql<SqlBool>`${sql.ref(`${ALIAS}.id`)} > 0`)
    .orderBy(name)
    .limit(limit);
}

/** Whether any live account's name starts with `prefix` (the prefix indexes of the engine). */
async function anyMatch(ctx: SearchContext, prefix: string): Promise<boolean> {
  const where = compileFilter('users', ALIAS, and(match('name', 'prefix', prefix), eq('is_deleted', false), cmp('id', 'gt', 0)), ctx);
  let query = ctx.db
    .selectFrom(sql.table('users').as(ALIAS))
    .select(sql<number>`1`.as('one'))
    .where(where)
    .limit(1);
  // PostgreSQL would rather scan the table until a row matches (cheap only when many do);
  // asking for the prefix index's own order makes it seek there.
  if (ctx.caps.prefixSearch === 'like') query = query.orderBy(sql`${sql.ref(`${ALIAS}.name_lower`)} using ~<~`);
  return (await query.executeTakeFirst()) !== undefined;
}

/** The longest live name, in characters (the partial index read backwards). */
async function longestName(ctx: SearchContext): Promise<number> {
  const length = sql<number>`length(${sql.ref(`${ALIAS}.name_lower`)})`;
  const row = await ctx.db
    .selectFrom(sql.table('users').as(ALIAS))
    .select(length.as('n'))
    .where(sql<SqlBool>`${sql.ref(`${ALIAS}.is_deleted`)} = 0`)
    .orderBy(length, 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? Number(row.n) : 0;
}

/**
 * The ids of the live accounts whose name starts with `prefix` (ignoring case), shortest names
 * first, then in name order; at most `limit`. No B-tree can serve "prefix range, ordered by
 * length" over all lengths at once, so the search asks one length at a time, from the prefix's
 * own length upwards, each an index seek returning rows in order, and stops once `limit` ids
 * are found (or past the longest name; at once when nothing matches). Ordering is by the
 * length of the lower-cased name.
 */
export async function namePrefixShortestFirst(ctx: SearchContext, prefix: string, limit: number): Promise<number[]> {
  const folded = foldName(prefix);
  if (limit <= 0 || !(await anyMatch(ctx, prefix))) return [];
  const longest = await longestName(ctx);
  const ids: number[] = [];
  for (let length = Math.max(1, [...folded].length); length <= longest && ids.length < limit; length++) {
    const rows = await lengthProbe(ctx, folded, length, limit - ids.length).execute();
    for (const row of rows) ids.push(Number(row.id));
  }
  return ids;
}
