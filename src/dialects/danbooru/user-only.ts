import { pickNested, pickOnly, type OnlyItem, type OnlyShape } from '../rails/only.js';
import type { RailsRecord } from '../rails/record.js';
import { USER_COLUMNS, USER_METHOD_KEYS } from './render.js';

/** `only=` on Danbooru's users: the includable associations are `inviter` and `bans` (A3). */

/** Which associations a selection asks for, so the caller loads them (and only them). */
export function onlyIncludes(only: readonly OnlyItem[] | null): { readonly inviter: boolean; readonly bans: boolean } {
  const names = new Set((only ?? []).map((item) => item.name));
  return { inviter: names.has('inviter'), bans: names.has('bans') };
}

/** The associations of one rendered user, as `renderUser`/`renderBan` give them. */
export interface UserAssociations {
  /** The inviter rendered for the same viewer (no show extras); null or absent when there is none. */
  readonly inviter?: RailsRecord | null;
  /** The user's bans, newest first; Danbooru always sends the key, `[]` when empty. */
  readonly bans?: readonly RailsRecord[];
}

const USER_SHAPE: OnlyShape = { columns: USER_COLUMNS.map(([key]) => key), methods: USER_METHOD_KEYS };
const BAN_SHAPE: OnlyShape = { columns: ['id', 'user_id', 'reason', 'banner_id', 'duration', 'created_at', 'updated_at'], methods: [] };

/** Applies `only` to one rendered user and its associations. */
export function selectUserFields(only: readonly OnlyItem[], record: RailsRecord, associations: UserAssociations = {}): RailsRecord {
  const result = pickOnly(only, record, USER_SHAPE);
  for (const item of only) {
    if (item.name === 'inviter' && associations.inviter && !Object.hasOwn(result, 'inviter')) {
      result.inviter = pickNested(item, associations.inviter, USER_SHAPE);
    }
    if (item.name === 'bans' && associations.bans && !Object.hasOwn(result, 'bans')) {
      result.bans = associations.bans.map((ban) => pickNested(item, ban, BAN_SHAPE));
    }
  }
  return result;
}
