import { tooCostly } from '../../core/errors.js';
import { USER_COLUMNS, USER_METHOD_KEYS, type DanbooruRecord, type DanbooruValue } from './render.js';

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

/** Which associations a selection asks for, so the caller loads them (and only them). */
export function onlyIncludes(only: readonly OnlyItem[] | null): { readonly inviter: boolean; readonly bans: boolean } {
  const names = new Set((only ?? []).map((item) => item.name));
  return { inviter: names.has('inviter'), bans: names.has('bans') };
}

/** The associations of one rendered user, as `renderUser`/`renderBan` give them. */
export interface UserAssociations {
  /** The inviter rendered for the same viewer (no show extras); null or absent when there is none. */
  readonly inviter?: DanbooruRecord | null;
  /** The user's bans, newest first; Danbooru always sends the key, `[]` when empty. */
  readonly bans?: readonly DanbooruRecord[];
}

interface Shape {
  readonly columns: readonly string[];
  readonly methods: readonly string[];
}

const USER_SHAPE: Shape = { columns: USER_COLUMNS.map(([key]) => key), methods: USER_METHOD_KEYS };
const BAN_SHAPE: Shape = { columns: ['id', 'user_id', 'reason', 'banner_id', 'duration', 'created_at', 'updated_at'], methods: [] };

/**
 * Rails `serializable_hash(only:)`: the selected columns in database order, then the selected
 * methods in the order asked, then the associations. Names the viewer cannot see (absent from
 * `record`) and unknown names are dropped; the show extras can never be selected.
 */
function pick(only: readonly OnlyItem[], record: DanbooruRecord, shape: Shape): Record<string, DanbooruValue> {
  const names = new Set(only.map((item) => item.name));
  const result: Record<string, DanbooruValue> = {};
  for (const column of shape.columns) if (names.has(column) && Object.hasOwn(record, column)) result[column] = record[column]!;
  for (const { name } of only) {
    if (shape.methods.includes(name) && Object.hasOwn(record, name) && !Object.hasOwn(result, name)) result[name] = record[name]!;
  }
  return result;
}

const nested = (item: OnlyItem, record: DanbooruRecord, shape: Shape): DanbooruRecord =>
  // Associations of associations are never included: the root model was already seen.
  item.children === null ? record : pick(item.children, record, shape);

/** Applies `only` to one rendered user and its associations. */
export function selectUserFields(only: readonly OnlyItem[], record: DanbooruRecord, associations: UserAssociations = {}): DanbooruRecord {
  const result = pick(only, record, USER_SHAPE);
  for (const item of only) {
    if (item.name === 'inviter' && associations.inviter && !Object.hasOwn(result, 'inviter')) {
      result.inviter = nested(item, associations.inviter, USER_SHAPE);
    }
    if (item.name === 'bans' && associations.bans && !Object.hasOwn(result, 'bans')) {
      result.bans = associations.bans.map((ban) => nested(item, ban, BAN_SHAPE));
    }
  }
  return result;
}
