import { tooCostly } from '../../core/errors.js';
import type { RailsRecord, RailsValue } from './record.js';

/**
 * `only=id,name,inviter[name,level],bans` (parameter_builder.rb). An item is a name, or a name
 * with a bracketed list for an association. Parsing never fails: an item that is not a
 * known name, or whose brackets do not close, selects nothing.
 */
export interface OnlyItem {
  readonly name: string;
  /** The bracketed list, or null for a bare name. */
  readonly children: readonly OnlyItem[] | null;
}

/**
 * Splits on commas outside brackets. A stray `]` is ignored (Danbooru lets it swallow the rest of
 * the list); after an unclosed `[` the rest is one item, which names nothing.
 */
function splitTopLevel(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '[') depth++;
    else if (char === ']') depth = Math.max(0, depth - 1);
    else if (char === ',' && depth === 0) {
      items.push(text.slice(start, i));
      start = i + 1;
    }
  }
  items.push(text.slice(start));
  return items;
}

// Ruby's `item.match(/(\w+)\[(.+?)\]$/)`: not anchored at the start; `$` ends a line.
const BRACKETED = /(\w+)\[(.+?)\]$/m;

/**
 * Bounds on `only`: reading it as Ruby does costs time quadratic in its length at each level of
 * brackets, and no real selection comes near either bound (issue 6: one request must not hold
 * the event loop). Danbooru has none; Roster refuses longer or deeper selections with a 400.
 */
export const ONLY_MAX_LENGTH = 1024;
export const ONLY_MAX_DEPTH = 5;

/**
 * Reads `only`; null when absent or not a string (then the full record is sent).
 *
 * @throws CoreError `invalid_param` (`only`) past {@link ONLY_MAX_LENGTH} or {@link ONLY_MAX_DEPTH}.
 */
export function parseOnly(value: unknown): readonly OnlyItem[] | null {
  if (typeof value !== 'string') return null;
  if (value.length > ONLY_MAX_LENGTH) throw tooCostly('only', `only= is limited to ${ONLY_MAX_LENGTH} characters`);
  return parseItems(value, 0);
}

function parseItems(text: string, depth: number): OnlyItem[] {
  if (depth > ONLY_MAX_DEPTH) throw tooCostly('only', `only= nests at most ${ONLY_MAX_DEPTH} levels deep`);
  return splitTopLevel(text).map((item) => {
    const match = BRACKETED.exec(item);
    return match ? { name: match[1]!, children: parseItems(match[2]!, depth + 1) } : { name: item, children: null };
  });
}

/** The names a model serializes: its columns in database order, and its methods. */
export interface OnlyShape {
  readonly columns: readonly string[];
  readonly methods: readonly string[];
}

/** A selection applied to records of one shape. */
export type OnlyPicker = (record: RailsRecord) => Record<string, RailsValue>;

/**
 * Rails `serializable_hash(only:)`: the selected columns in database order, then the selected
 * methods in the order asked. Names the viewer cannot see (absent from a record) and unknown
 * names are dropped. The names are sorted out once, for every record of a page.
 */
export function onlyPicker(only: readonly OnlyItem[], shape: OnlyShape): OnlyPicker {
  const names = new Set(only.map((item) => item.name));
  const columns = shape.columns.filter((column) => names.has(column));
  const methods = [...names].filter((name) => shape.methods.includes(name) && !columns.includes(name));
  return (record) => {
    const result: Record<string, RailsValue> = {};
    for (const column of columns) if (Object.hasOwn(record, column)) result[column] = record[column]!;
    for (const method of methods) if (Object.hasOwn(record, method)) result[method] = record[method]!;
    return result;
  };
}

/** {@link onlyPicker} for one record. */
export const pickOnly = (only: readonly OnlyItem[], record: RailsRecord, shape: OnlyShape): Record<string, RailsValue> => onlyPicker(only, shape)(record);

/** An association's records under `item`: whole for a bare name, else its own bracketed selection. */
export const nestedPicker = (item: OnlyItem, shape: OnlyShape): ((record: RailsRecord) => RailsRecord) =>
  // Associations of associations are never included: the root model was already seen.
  item.children === null ? (record) => record : onlyPicker(item.children, shape);
