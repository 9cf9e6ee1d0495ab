/**
 * SQLite has no statement timeout and runs on the event loop. A search therefore calls
 * `roster_budget(limit, units)` on the rows it examines (subqueries included), and the costlier
 * functions (`regexp`) charge more: once a statement has spent `limit`, it is aborted with
 * {@link StatementBudgetExceeded}. Statements run one at a time and to the end (synchronously):
 * the count starts over with each statement ({@link RowBudget.startStatement}). It counts work,
 * not milliseconds, so the same data gets the same answer however busy the machine is.
 */
export class StatementBudgetExceeded extends Error {
  override readonly name = 'StatementBudgetExceeded';
}

/** What one `regexp()` call costs, in rows: RE2 on a JavaScript string, measured against a plain row. */
export const REGEX_CALL_UNITS = 10;

/**
 * Under a large budget, only the rows of a search's own table (not of its subqueries) whose id is
 * a multiple of this call `roster_budget`, each charging this many rows: calling into
 * JavaScript on every row was most of a prefix search's time (3,104 rows: 1.05 ms, 0.37 ms this
 * way). That scan visits each row once: in id order it is counted within a stride; in another
 * index's order the ids fall as they were assigned, and a range holding no multiple would take
 * thousands of accounts renamed into it on purpose. A subquery examines the same rows again for
 * every outer row, so its rows are counted one by one: by stride, a few related rows whose ids
 * miss the multiples would be examined millions of times uncounted (nested `exists`), and one
 * whose id is a multiple would be charged 64 each time.
 */
export const BUDGET_STRIDE = 64;
/** Budgets from this many rows are charged by stride (an error of at most 1.6%). */
export const STRIDED_BUDGET_MIN = BUDGET_STRIDE * 64;
/**
 * The limit of a statement until its first `roster_budget` call names its own: the largest a
 * search is given (`SEARCH_ROW_BUDGET`), so that `regexp()` calls on rows not yet charged are
 * bounded too.
 */
export const STATEMENT_ROW_BUDGET = 50_000;

export class RowBudget {
  private limit = STATEMENT_ROW_BUDGET;
  private spent = 0;

  /** A statement begins: nothing spent, and the largest limit until its first `roster_budget` call. */
  startStatement(): void {
    this.limit = STATEMENT_ROW_BUDGET;
    this.spent = 0;
  }

  /** `roster_budget(limit, units)`: `units` rows examined by a statement allowed `limit`. */
  readonly row = (limit: unknown, units: unknown): 1 => {
    this.limit = typeof limit === 'number' ? limit : Number.POSITIVE_INFINITY;
    this.charge(typeof units === 'number' ? units : 1);
    return 1;
  };

  /** Extra cost for the row being examined (a function call dearer than a row). */
  charge(units: number): void {
    this.spent += units;
    if (this.spent > this.limit) throw new StatementBudgetExceeded(`search statement exceeded its budget of ${this.limit} rows`);
  }
}
