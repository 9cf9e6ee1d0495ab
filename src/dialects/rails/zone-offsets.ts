const DAY_MS = 86_400_000;
const SECOND_MS = 1000;
/** Days remembered per zone before the memory starts over (a century is ~36,500). */
const MAX_DAYS = 50_000;

/** The offsets of one UTC day: `before` from its start, `after` from `change` (null: no change that day). */
interface DayOffsets {
  readonly before: number;
  readonly change: number | null;
  readonly after: number;
}

/**
 * A zone's offset from UTC at any instant, measured once per UTC day of the zone and then
 * remembered: rendering a page of timestamps asks the platform's zone data (Intl, ~8 µs a call)
 * only for days not seen before. A day whose start and end have the same offset has it
 * throughout (zones change offset at most once a day); a day with a change (a DST transition)
 * keeps the instant of the change, found to the second (zone data has second resolution), so
 * every instant of that day reads the offset it had.
 */
export class ZoneOffsets {
  private readonly days = new Map<number, DayOffsets>();

  /** `measure(instant)` is the zone's offset at `instant` from the zone data, in milliseconds. */
  constructor(private readonly measure: (instant: number) => number) {}

  offsetAt(instant: number): number {
    const day = Math.floor(instant / DAY_MS);
    let offsets = this.days.get(day);
    if (offsets === undefined) {
      offsets = this.measureDay(day);
      if (this.days.size >= MAX_DAYS) this.days.clear();
      this.days.set(day, offsets);
    }
    return offsets.change !== null && instant >= offsets.change ? offsets.after : offsets.before;
  }

  private measureDay(day: number): DayOffsets {
    const start = day * DAY_MS;
    const before = this.measure(start);
    const after = this.measure(start + DAY_MS);
    if (before === after) return { before, change: null, after };
    // The first whole second of the day that reads the new offset.
    let unchanged = start / SECOND_MS;
    let changed = (start + DAY_MS) / SECOND_MS;
    while (changed - unchanged > 1) {
      const middle = Math.floor((unchanged + changed) / 2);
      if (this.measure(middle * SECOND_MS) === before) unchanged = middle;
      else changed = middle;
    }
    return { before, change: changed * SECOND_MS, after };
  }
}
