/**
 * Admits at most `limit` tasks at once; the others wait in arrival order, holding nothing (no
 * thread, no connection, no transaction) until a slot frees. A task that throws or rejects frees
 * its slot like one that succeeds.
 */
export class ConcurrencyLimit {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  }

  /** Tasks running now. */
  get running(): number {
    return this.active;
  }

  /** Tasks waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Runs `task` once a slot is free (at once if one is), and returns its result. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active < this.limit) this.active += 1;
    // The slot is handed over by `release`, so `active` already counts this task.
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private release(): void {
    const next = this.waiting.shift();
    // Straight to the longest waiting: a task arriving meanwhile cannot take the slot first.
    if (next) next();
    else this.active -= 1;
  }
}
