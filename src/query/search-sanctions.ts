import type { Core } from '../core/context.js';
import { forbidden } from '../core/errors.js';
import { canViewMutes, toSanction, type Sanction } from '../core/moderation/moderation.js';
import type { SanctionKind } from '../db/schema.js';
import type { Viewer } from '../core/access/viewer.js';
import { inIdOrder, searchEntity, type ListPage, type ListRequest } from './list-page.js';

/**
 * Searches bans or mutes (entities `bans`/`mutes` of fields.ts). Bans are public (Danbooru's ban
 * list); listing mutes needs a moderator.
 *
 * @throws CoreError `forbidden` for mutes below moderator; `invalid_param` as `searchIds`.
 */
export async function searchSanctions(core: Core, viewer: Viewer, kind: SanctionKind, request: ListRequest): Promise<ListPage<Sanction>> {
  if (kind === 'mute' && !canViewMutes(viewer)) throw forbidden();
  const result = await searchEntity(core, viewer, kind === 'ban' ? 'bans' : 'mutes', request);
  const rows = result.ids.length === 0 ? [] : await core.db.selectFrom('sanctions').selectAll().where('id', 'in', result.ids).execute();
  const now = core.now();
  return {
    items: inIdOrder(result.ids, rows).map((row) => toSanction(row, now)),
    nextCursor: result.nextCursor,
    hasMore: result.hasMore,
    total: result.total,
  };
}
