/**
 * SQLite has no statement timeout and runs on the event loop. A search therefore calls
 * `roster_budget(token, units)` first on every row it examines (subqueries included), and the
 * costlier functions (`regexp`) charge more: once a statement has spent `units`, it is aborted
 * with {@link StatementBudgetExceeded}. Statements run one at a time and to the end
 * (synchronously), so a new token means another statement: the count restarts. It counts work,
 * not milliseconds, so the same data gets the same answer however busy the machine is.
 */
export class StatementBudgetExceeded extends Error {
  override readonly name = 'StatementBudgetExceeded';
}

/** What one `regexp()` call costs, in rows: RE2 on a JavaScript string, measured against a plain row. */
export const REGEX_CALL_UNITS = 10;

export class RowBudget {
  private token: unknown = null;
  private limit = Number.POSITIVE_INFINITY;
  private spent = 0;

  /** `roster_budget(token, units)`: one row examined by the statement of `token`. */
  readonly row = (token: unknown, units: unknown): 1 => {
    if (token !== this.token) {
      this.token = token;
      this.limit = typeof units === 'number' ? units : Number.POSITIVE_INFINITY;
      this.spent = 0;
    }
    this.charge(1);
    return 1;
  };

  /** Extra cost for the row being examined (a function call dearer than a row). */
  charge(units: number): void {
    this.spent += units;
    if (this.spent > this.limit) throw new StatementBudgetExceeded(`search statement exceeded its budget of ${this.limit} rows`);
  }
}
