import type { Core } from '../../core/context.js';
import type { Sanction } from '../../core/moderation/moderation.js';
import type { User } from '../../core/users/user.js';
import { loadUsers } from '../../core/users/user-store.js';
import type { Viewer } from '../../core/access/viewer.js';
import { and, isIn } from '../../query/ast.js';
import { searchSanctions } from '../../query/search-sanctions.js';
import { ID_DESC } from './list-request.js';
import { parseOnly, type OnlyItem } from '../rails/only.js';
import { onlyIncludes, selectUserFields, userFieldsSelector, type UserAssociations } from './user-only.js';
import type { RailsRecord } from '../rails/record.js';
import { renderBan, userRenderer, type DanbooruViewer } from './render.js';
import { LIVE_BAN } from './search-syntax.js';

/**
 * Users as a Danbooru response carries them: rendered for the viewer, cut by `only=` when given,
 * with the associations `only` names (`inviter`, `bans`) loaded in one query each.
 */

/** Most bans loaded for one page of users; Danbooru pages are at most 1000 users. */
const MAX_BANS = 10_000;

async function bansByUser(core: Core, viewer: Viewer, userIds: readonly number[]): Promise<Map<number, Sanction[]>> {
  const { items } = await searchSanctions(core, viewer, 'ban', {
    filter: and(isIn('user_id', [...new Set(userIds)]), LIVE_BAN),
    sort: ID_DESC,
    page: { kind: 'offset', limit: MAX_BANS, offset: 0 },
  });
  const byUser = new Map<number, Sanction[]>();
  for (const ban of items) byUser.set(ban.user_id, [...(byUser.get(ban.user_id) ?? []), ban]);
  return byUser;
}

async function associationsOf(
  core: Core,
  viewer: Viewer,
  reader: DanbooruViewer,
  only: readonly OnlyItem[],
  users: readonly User[],
): Promise<UserAssociations[]> {
  const wanted = onlyIncludes(only);
  const inviterIds = users.flatMap((user) => (user.inviter_id === null ? [] : [user.inviter_id]));
  const inviters = wanted.inviter ? new Map((await loadUsers(core, inviterIds)).map((user) => [user.id, user])) : new Map<number, User>();
  const bans = wanted.bans
    ? await bansByUser(
        core,
        viewer,
        users.map((user) => user.id),
      )
    : new Map<number, Sanction[]>();
  const renderInviter = userRenderer(reader);
  return users.map((user) => {
    const inviter = user.inviter_id === null ? undefined : inviters.get(user.inviter_id);
    return {
      ...(inviter === undefined ? {} : { inviter: renderInviter(inviter) }),
      ...(wanted.bans ? { bans: (bans.get(user.id) ?? []).map((ban) => renderBan(ban, reader)) } : {}),
    };
  });
}

/** The users of a response; `extras` adds the show-only counts (show and profile). */
export async function userRecords(
  core: Core,
  viewer: Viewer,
  reader: DanbooruViewer,
  onlyParam: unknown,
  users: readonly User[],
  extras: boolean,
): Promise<RailsRecord[]> {
  const records = users.map(userRenderer(reader, { extras }));
  const only = parseOnly(onlyParam);
  if (only === null) return records;
  const associations = await associationsOf(core, viewer, reader, only, users);
  const select = userFieldsSelector(only);
  return records.map((record, i) => select(record, associations[i]));
}

/** `only=` on the anonymous pseudo-user: no inviter, no bans. */
export function anonymousRecord(onlyParam: unknown, record: RailsRecord): RailsRecord {
  const only = parseOnly(onlyParam);
  return only === null ? record : selectUserFields(only, record, { bans: [] });
}

/** `only=` on a record of another model (ban, name change, API key): its own keys, in its order. */
export function selectRecordFields(onlyParam: unknown, record: RailsRecord): RailsRecord {
  const only = parseOnly(onlyParam);
  if (only === null) return record;
  const names = new Set(only.map((item) => item.name));
  return Object.fromEntries(Object.entries(record).filter(([key]) => names.has(key)));
}
