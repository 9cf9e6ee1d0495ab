import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { invalidParam, invalidPattern } from '../core/errors.js';
import { regexProblem } from '../db/linear-regex.js';
import type { Filter } from './ast.js';
import type { Scope } from './compile.js';
import { ENTITIES, type FieldDef } from './fields.js';

type MatchNode = Extract<Filter, { kind: 'match' }>;
type Bool = RawBuilder<SqlBool>;

/** The highest code point: `v || U+10FFFF` is above every string that starts with `v`. */
const MAX_CHAR = '\u{10FFFF}';

/** The trigram tokenizer cannot answer substrings shorter than three characters. */
const FTS_MIN_CHARACTERS = 3;

/** PostgreSQL text cannot hold NUL; refusing it on both engines keeps them alike. */
export const isStorableText = (value: string): boolean => !value.includes('\u0000');

function column(scope: Scope, name: string | undefined): RawBuilder<unknown> {
  if (name === undefined) throw new Error('a derived field has no column');
  return sql.ref(`${scope.alias}.${name}`);
}

/** Refuses a match the engines could not answer alike. */
export function checkMatch(field: FieldDef, node: MatchNode): void {
  if (field.derived || field.type !== 'string') throw invalidParam(field.name, `${field.name} is not a text field`);
  if (typeof node.value !== 'string' || !isStorableText(node.value)) throw invalidParam(field.name, `${field.name} expects a string`);
  if (node.mode === 'regex') {
    // RE2 (SQLite's regexp()) folds case only inside the pattern; PostgreSQL's ~* is not offered.
    if (!node.caseSensitive) throw invalidParam(field.name, 'regular expressions are case-sensitive');
    const problem = regexProblem(node.value) ?? unportable(node.value);
    if (problem !== null) throw invalidPattern(field.name, problem);
  }
}

/**
 * Constructs RE2 accepts but PostgreSQL's engine lacks (`\p{…}` classes, named groups) or reads
 * otherwise (`\b` is a backspace there, not a word boundary): refused on both engines alike.
 */
function unportable(pattern: string): string | null {
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '\\') {
      const escaped = pattern[++i];
      if (escaped !== undefined && 'pPkbB'.includes(escaped)) return `\\${escaped} is not supported`;
    } else if (pattern.startsWith('(?P<', i) || pattern.startsWith('(?<', i)) {
      return 'named groups are not supported';
    }
  }
  return null;
}

/**
 * A string match. Case-insensitive modes compare the field's lower-cased copy (kept by the core,
 * NFC like names) or SQL `lower()` of the column with the value lower-cased in JavaScript.
 */
export function compileMatch(node: MatchNode, field: FieldDef, scope: Scope): Bool {
  const target = node.caseSensitive ? column(scope, field.column) : field.lowerColumn ? column(scope, field.lowerColumn) : sql`lower(${column(scope, field.column)})`;
  const value = node.caseSensitive ? node.value : foldCase(field, node.value);
  const postgres = scope.ctx.caps.engine === 'postgres';
  switch (node.mode) {
    case 'exact':
      return sql<SqlBool>`${target} = ${value}`;
    case 'prefix':
      // PostgreSQL: the text_pattern_ops index (users_name_prefix_idx) serves a literal-prefix LIKE.
      return postgres ? like(target, `${escapeLike(value)}%`, true) : prefixRange(target, value);
    case 'contains':
      return contains(target, value, field, scope, node.caseSensitive);
    case 'wildcard':
      return wildcard(target, value, postgres, node.caseSensitive, !node.caseSensitive && field.lowerColumn !== undefined);
    case 'regex':
      // SQLite: `x regexp p` calls the regexp(p, x) function registered in db/database.ts.
      return scope.ctx.caps.regexOperator === '~' ? sql<SqlBool>`${target} ~ ${value}` : sql<SqlBool>`${target} regexp ${value}`;
  }
}

function foldCase(field: FieldDef, value: string): string {
  return field.lowerColumn ? value.normalize('NFC').toLowerCase() : value.toLowerCase();
}

/** PostgreSQL's LIKE escapes with a backslash by default; SQLite needs the ESCAPE clause. */
function like(target: RawBuilder<unknown>, pattern: string, postgres: boolean): Bool {
  return postgres ? sql<SqlBool>`${target} like ${pattern}` : sql<SqlBool>`${target} like ${pattern} escape '\\'`;
}

const escapeLike = (text: string): string => text.replace(/[\\%_]/g, '\\$&');

const escapeGlob = (text: string): string => text.replace(/[*?[\]]/g, '[$&]');

/**
 * SQLite's LIKE cannot use an index once it has an ESCAPE clause; a range on the column can
 * (the unique index on `name_lower`).
 */
function prefixRange(target: RawBuilder<unknown>, value: string): Bool {
  if (value === '') return sql<SqlBool>`${target} is not null`;
  return sql<SqlBool>`(${target} >= ${value} and ${target} < ${value + MAX_CHAR})`;
}

/**
 * Substring search. PostgreSQL's pg_trgm GIN indexes serve `LIKE '%v%'` directly. On SQLite the
 * FTS5 trigram table narrows the rows (it folds case, so it finds a superset) and LIKE/instr
 * then decides exactly, so both engines return the same rows.
 */
function contains(target: RawBuilder<unknown>, value: string, field: FieldDef, scope: Scope, caseSensitive: boolean): Bool {
  const pattern = `%${escapeLike(value)}%`;
  if (scope.ctx.caps.engine === 'postgres') return like(target, pattern, true);
  const exact = caseSensitive ? sql<SqlBool>`instr(${target}, ${value}) > 0` : like(target, pattern, false);
  const ftsColumn = field.lowerColumn ?? field.column;
  const indexed = scope.ctx.caps.substringIndex === 'fts5-trigram' && ENTITIES[scope.entity].table === 'users' && field.substringIndexed;
  if (!indexed || ftsColumn === undefined || [...value].length < FTS_MIN_CHARACTERS) return exact;
  // A quoted FTS5 string is literal once its quotes are doubled; it is still a bound parameter.
  const query = `${ftsColumn} : "${value.replace(/"/g, '""')}"`;
  return sql<SqlBool>`(${column(scope, 'id')} in (select rowid from users_fts where users_fts match ${query}) and ${exact})`;
}

type WildcardPart = { readonly any: true } | { readonly any: false; readonly text: string };

/** Danbooru's wildcard: `*` is any run, `\*` a literal star, `\\` a backslash; `%` and `_` are literal. */
function parseWildcard(value: string): WildcardPart[] {
  const parts: WildcardPart[] = [];
  for (let i = 0; i < value.length; i++) {
    const char = value[i]!;
    const next = value[i + 1];
    if (char === '*') parts.push({ any: true });
    else if (char === '\\' && (next === '*' || next === '\\')) parts.push({ any: false, text: value[++i]! });
    else parts.push({ any: false, text: char });
  }
  return parts;
}

/**
 * SQLite's LIKE ignores ASCII case, so case-sensitive wildcards use GLOB there. SQLite's LIKE
 * with ESCAPE never uses an index, so on an indexed lower-cased column the literal text before
 * the first `*` also becomes a range (`ab*` reads the index instead of every row).
 */
function wildcard(target: RawBuilder<unknown>, value: string, postgres: boolean, caseSensitive: boolean, indexed: boolean): Bool {
  const parts = parseWildcard(value);
  if (!postgres && caseSensitive) {
    const glob = parts.map((part) => (part.any ? '*' : escapeGlob(part.text))).join('');
    return sql<SqlBool>`${target} glob ${glob}`;
  }
  const pattern = like(target, parts.map((part) => (part.any ? '%' : escapeLike(part.text))).join(''), postgres);
  const firstAny = parts.findIndex((part) => part.any);
  const prefix = (firstAny === -1 ? parts : parts.slice(0, firstAny)).map((part) => (part.any ? '' : part.text)).join('');
  if (postgres || !indexed || prefix === '') return pattern;
  return sql<SqlBool>`(${prefixRange(target, prefix)} and ${pattern})`;
}
