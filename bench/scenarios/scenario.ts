/** One load target: a path on Roster's port, with the headers it needs. */
export interface Scenario {
  readonly name: string;
  readonly path: string;
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly headers?: Record<string, string>;
  readonly body?: string;
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
  /** Runs the `roster` CLI against the bench database and returns its standard output. */
  readonly roster: (args: readonly string[]) => string;
  /** Base URL of the Roster server under load (for set-up requests made before measuring). */
  readonly baseUrl: string;
}

/** A dialect's scenarios, built once the server is up. */
export type ScenarioSource = (context: BenchContext) => Promise<readonly Scenario[]> | readonly Scenario[];
