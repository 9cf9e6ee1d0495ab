import { CompiledQuery, type Kysely } from 'kysely';
import type { RanStatement } from '../src/db/database.js';
import type { Database } from '../src/db/schema.js';

type Engine = 'sqlite' | 'postgres';

/** Tables this large must never be read whole; smaller ones (api_keys, sessions) may be scanned. */
export const LARGE_TABLES: ReadonlySet<string> = new Set(['users', 'name_changes', 'sanctions']);

/** One statement's plan, as lines of the engine's EXPLAIN. */
export interface StatementPlan {
  readonly sql: string;
  readonly lines: readonly string[];
}

/** Whether a statement reads rows (plans are checked for those; writes and transaction control are not). */
export const isRead = (statement: RanStatement): boolean => /^\s*select\b/i.test(statement.sql) && !/set_config\(/i.test(statement.sql);

/** The plan the engine picks for the statement with its bound values (SQLite's EXPLAIN QUERY PLAN, PostgreSQL's EXPLAIN). */
export async function explain(db: Kysely<Database>, engine: Engine, statement: RanStatement): Promise<StatementPlan> {
  const prefix = engine === 'sqlite' ? 'explain query plan ' : 'explain ';
  const result = await db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(prefix + statement.sql, [...statement.parameters]));
  const lines = result.rows.map((row) => String(engine === 'sqlite' ? row.detail : row['QUERY PLAN']));
  return { sql: statement.sql, lines };
}

/**
 * Lines that read a whole table (but for an unfiltered count): SQLite's bare `SCAN t` (no index), PostgreSQL's `Seq Scan` of one
 * of `largeTables` (the planner rightly scans a table of a few rows). On SQLite a bare scan of a
 * page ordered by id, unsorted and limited, walks the table's own B-tree (keyed by id) and stops
 * at the limit: an index walk, as PostgreSQL's `Index Scan using users_pkey`.
 */
export function fullScans(engine: Engine, plan: StatementPlan, largeTables: ReadonlySet<string>): string[] {
  // Counting every row reads every row (SQLite through its smallest index, PostgreSQL as it likes).
  if (/^select count\(\*\) as "n" from "\w+" as "\w+" where 1 = 1$/.test(plan.sql)) return [];
  if (engine === 'sqlite') {
    const idWalk = /order by "\w+"\."id" (?:asc|desc) limit\b/.test(plan.sql) && sorts(engine, plan).length === 0;
    return plan.lines.filter((line) => /^SCAN \S+(?: AS \S+)?$/.test(line.trim()) && !line.includes('CONSTANT ROW') && !idWalk);
  }
  return plan.lines.filter((line) => {
    const table = /Seq Scan on (\w+)/.exec(line)?.[1];
    return table !== undefined && largeTables.has(table);
  });
}

/** Lines that sort rows the page reads: SQLite's temp B-tree for ORDER BY, PostgreSQL's Sort node. */
export function sorts(engine: Engine, plan: StatementPlan): string[] {
  return plan.lines.filter((line) =>
    engine === 'sqlite' ? /USE TEMP B-TREE FOR (?:RIGHT PART OF )?ORDER BY/.test(line) : /->\s+(?:Incremental )?Sort\b|^\s*(?:Incremental )?Sort\b/.test(line),
  );
}
