import type { Limit, LimitStatement } from './scenario.js';

/**
 * Limit statements shared by the dialects' scenarios: the same rows, in the same order and page
 * size, as the scenario's answer, with the columns a rendered user needs.
 */
const ROW = 'id, uuid, name, level, created_at, updated_at, inviter_id, is_deleted, post_upload_count, post_update_count, note_update_count, favorite_count';

/** Roster's SQLite prefix range on `name_lower` (src/query/compile-match.ts). */
const MAX_CHAR = '\u{10FFFF}';

export const byId = (id: number): Limit => ({ family: 'by id', statements: [{ sql: `select ${ROW} from users where id = ?`, params: [id] }] });

export function namePrefix(prefix: string, order: string, size: number): Limit {
  const sqlite = `name_lower >= '${prefix}' and name_lower < '${prefix}${MAX_CHAR}'`;
  const postgres = `name_lower like '${prefix}%'`;
  const select = (where: string): string => `select ${ROW} from users where ${where} order by ${order} limit ${size}`;
  return { family: 'name prefix', statements: [{ sql: { sqlite: select(sqlite), postgres: select(postgres) } }] };
}

/** SQLite narrows a substring with the FTS5 trigram table as Roster does; PostgreSQL's pg_trgm index serves LIKE. */
function substringOnName(text: string): { readonly sqlite: string; readonly postgres: string } {
  const fts = `name_lower : "${text.replace(/"/g, '""')}"`;
  return {
    sqlite: `id in (select rowid from users_fts where users_fts match '${fts.replace(/'/g, "''")}') and name_lower like '%${text}%'`,
    postgres: `name_lower like '%${text}%'`,
  };
}

export function nameSubstring(text: string, size: number): Limit {
  const where = substringOnName(text);
  return {
    family: 'substring',
    statements: [
      {
        sql: {
          sqlite: `select ${ROW} from users where ${where.sqlite} order by id desc limit ${size}`,
          postgres: `select ${ROW} from users where ${where.postgres} order by id desc limit ${size}`,
        },
      },
    ],
  };
}

type Where = string | { readonly sqlite: string; readonly postgres: string };

export function ordered(family: string, where: Where, order: string, size: number, offset = 0, withCount = false): Limit {
  const build = (text: string): { page: string; count: string } => {
    const clause = text === '' ? '' : ` where ${text}`;
    return {
      page: `select ${ROW} from users${clause} order by ${order} limit ${size}${offset > 0 ? ` offset ${offset}` : ''}`,
      count: `select count(*) as count from users${clause}`,
    };
  };
  const sqlite = build(typeof where === 'string' ? where : where.sqlite);
  const postgres = build(typeof where === 'string' ? where : where.postgres);
  const statements: LimitStatement[] = [{ sql: { sqlite: sqlite.page, postgres: postgres.page } }];
  if (withCount) statements.push({ sql: { sqlite: sqlite.count, postgres: postgres.count } });
  return { family, statements };
}

/** CVAT's `search`: the term in name, first or last name, ignoring case; a page and the count. */
export function cvatSearch(text: string, size: number): Limit {
  const where = `(name_lower like '%${text}%' or lower(first_name) like '%${text}%' or lower(last_name) like '%${text}%')`;
  return ordered('search + count', where, 'id desc', size, 0, true);
}
