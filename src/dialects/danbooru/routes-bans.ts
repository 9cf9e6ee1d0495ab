import { ACTION_SCOPES } from '../../core/auth/scopes.js';
import type { Core } from '../../core/context.js';
import { forbidden, notFound, validationFailed } from '../../core/errors.js';
import { parseDuration } from '../../core/moderation/durations.js';
import { banUser, getSanction, liftSanction, type Sanction } from '../../core/moderation/moderation.js';
import { can, searchTier } from '../../core/access/policy.js';
import type { User } from '../../core/users/user.js';
import { loadUser, loadUserByName } from '../../core/users/user-store.js';
import type { Viewer } from '../../core/access/viewer.js';
import { searchSanctions } from '../../query/search-sanctions.js';
import { blankSearchRedirect, ID_DESC, requestedPage } from './list-request.js';
import { parseBanSearch } from './record-search.js';
import { renderBan } from './render.js';
import { parseInteger } from '../rails/ruby-coercion.js';
import type { DanbooruCall, DanbooruResponse, DanbooruRoutes, Params, RouteGroup } from './routes.js';
import { recordId, requireHash, textParam } from './routes.js';
import { selectRecordFields } from './user-records.js';

/** Bans (bans_controller.rb): public list and records; moderators ban and unban users below them. */

const DAY = 86_400_000;

/** ban.rb's choices (as its form names them, and as ISO 8601); their lengths are core's parseDuration. */
const BAN_DURATIONS: ReadonlySet<string> = new Set(
  ['1d', '3d', '7d', '1w', '1mo', '3mo', '6mo', '1y', '100y', 'forever'].concat(['p1d', 'p3d', 'p7d', 'p1w', 'p1m', 'p3m', 'p6m', 'p1y', 'p100y']),
);

/** A duration in milliseconds (null: forever); a bare number is days, as Danbooru's older API took it. */
function banDuration(text: string | undefined): number | null {
  if (text === undefined || text.trim() === '') throw validationFailed({ duration: ["can't be blank"] });
  const key = text.trim().toLowerCase();
  if (BAN_DURATIONS.has(key)) return parseDuration(key);
  const days = parseInteger(key);
  if (days !== null && days > 0 && days <= 36_525) return days * DAY;
  throw validationFailed({ duration: ['is not included in the list'] });
}

/** `ban[user_id]` or `ban[user_name]`; ban.rb `belongs_to :user` answers a missing one "must exist". */
async function banTarget(core: Core, ban: Params): Promise<User> {
  const id = parseInteger(textParam(ban, 'user_id') ?? '');
  const name = textParam(ban, 'user_name');
  const user = id !== null ? await loadUser(core, id) : name !== undefined ? await loadUserByName(core, name) : null;
  if (user === null) throw validationFailed({ user: ['must exist'] });
  return user;
}

/** A ban Danbooru still has: lifted bans are deleted there, and mutes are another model. */
async function liveBan(core: Core, viewer: Viewer, id: number): Promise<Sanction> {
  const sanction = await getSanction(core, viewer, id);
  if (sanction.kind !== 'ban' || sanction.lifted_at !== null) throw notFound('ban');
  return sanction;
}

async function index(core: Core, call: DanbooruCall): Promise<DanbooruResponse> {
  const normalized = blankSearchRedirect(call);
  if (normalized) return normalized;
  const page = requestedPage(call);
  const filter = parseBanSearch(call.params.search, { tier: searchTier(call.viewer), now: core.now(), timeZone: call.reader.timeZone });
  const { items } = await searchSanctions(core, call.viewer, 'ban', { filter, sort: ID_DESC, page });
  return { kind: 'list', root: 'bans', child: 'ban', records: items.map((ban) => selectRecordFields(call.params.only, renderBan(ban, call.reader))) };
}

async function show(core: Core, call: DanbooruCall): Promise<DanbooruResponse> {
  const ban = await liveBan(core, call.viewer, recordId(call.pathId, 'ban'));
  return { kind: 'record', root: 'ban', record: selectRecordFields(call.params.only, renderBan(ban, call.reader)) };
}

async function create(core: Core, call: DanbooruCall): Promise<DanbooruResponse> {
  const ban = requireHash(call.params, 'ban');
  const target = await banTarget(core, ban);
  // ban_policy.rb authorizes before the ban is validated.
  if (!can(call.viewer, 'user.ban', target)) throw forbidden();
  const durationMs = banDuration(textParam(ban, 'duration'));
  const sanction = await banUser(core, call.viewer, { userId: target.id, reason: textParam(ban, 'reason') ?? '', durationMs });
  return { kind: 'record', root: 'ban', record: renderBan(sanction, call.reader), status: 201, location: call.url(`/bans/${sanction.id}`) };
}

async function destroy(core: Core, call: DanbooruCall): Promise<DanbooruResponse> {
  const ban = await liveBan(core, call.viewer, recordId(call.pathId, 'ban'));
  await liftSanction(core, call.viewer, ban.id);
  return { kind: 'empty' };
}

export function banRoutes({ core }: DanbooruRoutes): RouteGroup {
  return [
    { method: 'GET', path: '/bans', action: 'bans:index', handle: (call) => index(core, call) },
    { method: 'GET', path: '/bans/:id', action: 'bans:show', handle: (call) => show(core, call) },
    { method: 'POST', path: '/bans', action: ACTION_SCOPES.ban, handle: (call) => create(core, call) },
    { method: 'DELETE', path: '/bans/:id', action: ACTION_SCOPES.liftBan, handle: (call) => destroy(core, call) },
  ];
}
