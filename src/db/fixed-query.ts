import { PostgresAdapter, sql, type CompiledQuery, type Compilable, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import { markPrepared } from './database.js';
import type { Database } from './schema.js';

/** Where an argument goes: a plain value, or a list of ids bound as one parameter. */
class Slot {
  constructor(
    readonly index: number,
    readonly list: boolean,
  ) {}
}

/** What a fixed query's builder may use in place of values known only when it runs. */
export interface FixedQueryArgs {
  readonly engine: 'sqlite' | 'postgres';
  /** The `index`-th argument, bound as one parameter. */
  value<T>(index: number): T;
  /**
   * `ref` is one of the ids of the `index`-th argument (an array), bound as one parameter
   * whatever its length, so that the SQL text stays the same: `json_each` on SQLite, `= any`
   * of a `bigint[]` on PostgreSQL. Both engines look each id up in the column's index.
   */
  idIn(ref: string, index: number): RawBuilder<SqlBool>;
}

interface Compiled {
  readonly query: CompiledQuery;
  /** For each parameter: the argument slot it takes, or the constant compiled into it. */
  readonly bind: readonly (Slot | { readonly constant: unknown })[];
}

/**
 * A lookup whose SQL never changes (by id, by name, by token hash), built and compiled by Kysely
 * once per engine instead of on every request; each run only binds its arguments. Its text is
 * also marked as a PostgreSQL named (server-side prepared) statement, parsed once per connection.
 */
export function fixedQuery<Args extends readonly unknown[], Row>(
  build: (db: Kysely<Database>, args: FixedQueryArgs) => Compilable<Row>,
): (db: Kysely<Database>, ...args: Args) => Promise<Row[]> {
  // Keyed by the dialect adapter, which a database and its transactions share.
  const compiled = new WeakMap<object, Compiled>();
  const compile = (db: Kysely<Database>): Compiled => {
    const adapter = db.getExecutor().adapter;
    const known = compiled.get(adapter);
    if (known) return known;
    const engine = adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
    const query = build(db, slotsFor(engine)).compile();
    const bind = query.parameters.map((parameter) => (parameter instanceof Slot ? parameter : { constant: parameter }));
    if (engine === 'postgres') markPrepared(query.sql);
    const entry: Compiled = { query, bind };
    compiled.set(adapter, entry);
    return entry;
  };
  return async (db, ...args) => {
    const { query, bind } = compile(db);
    const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
    const parameters = bind.map((slot) => (slot instanceof Slot ? argument(args[slot.index], slot.list, postgres) : slot.constant));
    const result = await db.executeQuery<Row>({ ...query, parameters });
    return result.rows;
  };
}

function slotsFor(engine: 'sqlite' | 'postgres'): FixedQueryArgs {
  return {
    engine,
    value: <T>(index: number) => new Slot(index, false) as T,
    idIn: (ref, index) => {
      const slot = new Slot(index, true);
      return engine === 'postgres'
        ? sql<SqlBool>`${sql.ref(ref)} = any(cast(${slot} as bigint[]))`
        : sql<SqlBool>`${sql.ref(ref)} in (select value from json_each(${slot}))`;
    },
  };
}

function argument(value: unknown, list: boolean, postgres: boolean): unknown {
  if (!list) return value;
  return postgres ? value : JSON.stringify(value);
}
