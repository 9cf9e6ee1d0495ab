import { nestedPicker, onlyPicker, type OnlyItem, type OnlyShape } from '../rails/only.js';
import type { RailsRecord, RailsValue } from '../rails/record.js';
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

type Attach = (result: Record<string, RailsValue>, associations: UserAssociations) => void;

/** How an `only` item adds its association (null for an item that names none). */
function attachOf(item: OnlyItem): Attach | null {
  if (item.name === 'inviter') {
    const pick = nestedPicker(item, USER_SHAPE);
    return (result, { inviter }) => {
      if (inviter) result.inviter = pick(inviter);
    };
  }
  if (item.name === 'bans') {
    const pick = nestedPicker(item, BAN_SHAPE);
    return (result, { bans }) => {
      if (bans) result.bans = bans.map(pick);
    };
  }
  return null;
}

/**
 * `only` on rendered users, sorted out once for a page: the fields, then each association in
 * the order first asked (a later item naming it again is ignored).
 */
export function userFieldsSelector(only: readonly OnlyItem[]): (record: RailsRecord, associations?: UserAssociations) => RailsRecord {
  const pick = onlyPicker(only, USER_SHAPE);
  const firsts = only.filter((item, index) => only.findIndex((other) => other.name === item.name) === index);
  const attaches = firsts.flatMap((item) => attachOf(item) ?? []);
  return (record, associations = {}) => {
    const result = pick(record);
    for (const attach of attaches) attach(result, associations);
    return result;
  };
}

/** Applies `only` to one rendered user and its associations. */
export const selectUserFields = (only: readonly OnlyItem[], record: RailsRecord, associations: UserAssociations = {}): RailsRecord =>
  userFieldsSelector(only)(record, associations);
