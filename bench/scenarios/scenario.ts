/**
 * The least work that answers a scenario from the same database: one or two statements run by
 * the bare limit server, whose rows it sends as `JSON.stringify`. `?` placeholders (turned into
 * `$1…` on PostgreSQL). The first statement's rows must be the scenario's rows, in its order:
 * the bench compares their ids with Roster's answer and flags a mismatch.
 */
export interface LimitStatement {
  /** Text for both engines, or one per engine where their SQL differs. */
  readonly sql: string | { readonly sqlite: string; readonly postgres: string };
  readonly params?: readonly (string | number)[];
}

export interface Limit {
  /** Family name shown in the table (`by id`, `keyset page`, …). */
  readonly family: string;
  readonly statements: readonly LimitStatement[];
}

/** One load target: a path on Roster's port, with the headers it needs. */
export interface Scenario {
  readonly name: string;
  readonly path: string;
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Optional: the limit this scenario is measured against (see `LimitStatement`). */
  readonly limit?: Limit;
  /**
   * The page is read in the order of an index (keyset and ordered pages): its plan must not
   * sort (test/query/plans.test.ts checks every scenario's plans on both engines).
   */
  readonly indexOrder?: boolean;
}

/** What a dialect's scenarios can use to prepare their data before the load starts. */
export interface BenchContext {
  /** Users seeded; ids run from 1 to this. */
  readonly users: number;
  /** An id in the middle of the seeded range. */
  readonly someId: number;
  /** An admin account, `bench_admin`, and one API key of it. */
  readonly adminName: string;
  readonly adminKey: string;
  /** `sqlite` or `postgres`: the engine under test. */
  readonly engine: 'sqlite' | 'postgres';
  /** Runs the `roster` CLI against the bench database and returns its standard output. */
  readonly roster: (args: readonly string[]) => string;
  /** Base URL of the Roster server under load (for set-up requests made before measuring). */
  readonly baseUrl: string;
}

/** A dialect's scenarios, built once the server is up. */
export type ScenarioSource = (context: BenchContext) => Promise<readonly Scenario[]> | readonly Scenario[];
