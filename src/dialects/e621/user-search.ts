import type { Viewer } from '../../core/access/viewer.js';
import { Level } from '../../core/access/levels.js';
import { and, cmp, match, TRUE, type Filter } from '../../query/ast.js';
import type { SortKey } from '../../query/search.js';
import { userNameMatch } from '../rails/model-search.js';
import { likeMatch } from '../rails/string-syntax.js';
import { unpermittedParameter } from './errors.js';
import { levelNumbers, levelsFilter } from './levels.js';
import { dateReader, parseValue, readInteger, satisfies, valueFilter } from './value-syntax.js';

/**
 * `GET /users.json?search[...]` (users_controller.rb `search_params`, user.rb `search`; specs
 * part B5): an allow-list of keys, any other answered 403; level numbers in e621ng's numbering.
 */
export interface E621UserSearch {
  readonly filter: Filter;
  readonly sort: readonly SortKey[];
}

const PERMITTED = [
  'id',
  'created_at',
  'updated_at',
  'name_matches',
  'about_me',
  'avatar_id',
  'level',
  'min_level',
  'max_level',
  'can_approve_posts',
  'can_upload_free',
  'can_karma_free',
  'order',
] as const;
const ADMIN_ONLY = ['ip_addr', 'email_matches'] as const;

const desc = (field: string): SortKey => ({ kind: 'field', field, direction: 'desc' });

/** `search[order]`; anything else is the default, newest id first. */
const ORDERS: Readonly<Record<string, readonly SortKey[]>> = {
  name: [{ kind: 'field', field: 'name', direction: 'asc' }],
  post_upload_count: [desc('post_upload_count')],
  note_count: [desc('note_update_count')],
  post_update_count: [desc('post_update_count')],
  id_asc: [{ kind: 'field', field: 'id', direction: 'asc' }],
  id_desc: [desc('id')],
};
export const ID_DESC: readonly SortKey[] = [desc('id')];

const stringOf = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() !== '' ? value : typeof value === 'number' ? String(value) : null;

/** The e621ng level numbers a `level` / `min_level` / `max_level` value selects. */
function levelFilter(params: Readonly<Record<string, unknown>>): Filter | null {
  const conditions = (['level', 'min_level', 'max_level'] as const).flatMap((key) => {
    const text = stringOf(params[key]);
    if (text === null) return [];
    const condition = parseValue(text, readInteger);
    if (key === 'level') return [condition];
    const bound = condition.kind === 'cmp' ? condition.value : readInteger(text);
    return [{ kind: 'cmp', op: key === 'min_level' ? 'gte' : 'lte', value: bound } as const];
  });
  if (conditions.length === 0) return null;
  const levels = levelNumbers('current').filter((level) => conditions.every((condition) => satisfies(level, condition)));
  return levelsFilter(levels, 'current');
}

/** A boolean flag search: e621's flags are level rights in Roster, so `true` means the level that carries them. */
function flagFilter(value: unknown, level: number): Filter | null {
  const text = stringOf(value);
  if (text === null) return null;
  const wanted = /^(true|t|yes|y|1|on)$/i.test(text);
  return wanted ? cmp('level', 'gte', level) : cmp('level', 'lt', level);
}

/** Reads `search`; throws 403 for a key outside the allow-list (admins may also use two more). */
export function parseE621UserSearch(search: unknown, viewer: Viewer, now: number, timeZone: string): E621UserSearch {
  const params = search !== null && typeof search === 'object' && !Array.isArray(search) ? (search as Readonly<Record<string, unknown>>) : {};
  const allowed: readonly string[] = viewer.level >= Level.Admin ? [...PERMITTED, ...ADMIN_ONLY] : PERMITTED;
  for (const key of Object.keys(params)) if (!allowed.includes(key)) throw unpermittedParameter(key);
  const filters: Filter[] = [];
  const clock = { now, timeZone };
  for (const key of ['id', 'avatar_id'] as const) {
    const text = stringOf(params[key]);
    if (text !== null) filters.push(valueFilter(key, parseValue(text, readInteger)));
  }
  for (const key of ['created_at', 'updated_at'] as const) {
    const text = stringOf(params[key]);
    if (text !== null) filters.push(valueFilter(key, parseValue(text, dateReader(clock))));
  }
  const name = stringOf(params.name_matches);
  if (name !== null) filters.push(userNameMatch(name));
  const levels = levelFilter(params);
  if (levels !== null) filters.push(levels);
  // user.rb: approvers are Janitor+ (Approver on the ladder); unrestricted uploads come with Contributor.
  const approver = flagFilter(params.can_approve_posts, Level.Approver);
  if (approver !== null) filters.push(approver);
  const free = flagFilter(params.can_upload_free, Level.Contributor);
  if (free !== null) filters.push(free);
  const ip = stringOf(params.ip_addr);
  if (ip !== null) filters.push(match('last_ip_addr', 'exact', ip.trim(), true));
  const email = stringOf(params.email_matches);
  if (email !== null) filters.push(likeMatch('email', email.trim().toLowerCase(), false));
  const order = stringOf(params.order);
  return { filter: filters.length === 0 ? TRUE : and(...filters), sort: order !== null && Object.hasOwn(ORDERS, order) ? ORDERS[order]! : ID_DESC };
}
