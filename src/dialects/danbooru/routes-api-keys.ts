import { createApiKey, listApiKeys, revokeApiKey } from '../../core/auth/api-keys.js';
import type { Core } from '../../core/context.js';
import { forbidden } from '../../core/errors.js';
import type { Viewer } from '../../core/access/viewer.js';
import { renderApiKey } from './render.js';
import type { DanbooruCall, DanbooruResponse, DanbooruRoutes, Params, RouteGroup } from './routes.js';
import { recordId, requireHash, textParam } from './routes.js';
import { selectRecordFields } from './user-records.js';

/**
 * A user's own API keys (api_keys_controller.rb). Danbooru stores keys in the clear and lists
 * them; Roster keeps only a hash, so `key` appears once, in the answer that creates it.
 */

/** Whose keys: the signed-in viewer's; anonymous callers have none to manage. */
function ownerOf(viewer: Viewer): number {
  if (viewer.id === null) throw forbidden();
  return viewer.id;
}

/** A list given as `x[]=a&x[]=b`, or one string separated by spaces, commas or newlines. */
function listParam(params: Params, key: string): string[] {
  const value = Object.hasOwn(params, key) ? params[key] : undefined;
  const items = Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : typeof value === 'string' ? [value] : [];
  return items.flatMap((item) => item.split(/[\s,]+/)).filter((item) => item !== '');
}

async function index(core: Core, call: DanbooruCall): Promise<DanbooruResponse> {
  const keys = await listApiKeys(core, call.viewer, ownerOf(call.viewer));
  return { kind: 'list', root: 'api_keys', child: 'api_key', records: keys.map((key) => selectRecordFields(call.params.only, renderApiKey(key, call.reader))) };
}

async function create(core: Core, call: DanbooruCall): Promise<DanbooruResponse> {
  const owner = ownerOf(call.viewer);
  const params = requireHash(call.params, 'api_key');
  const name = textParam(params, 'name');
  const { apiKey, secret } = await createApiKey(core, call.viewer, owner, {
    ...(name === undefined ? {} : { name }),
    scopes: listParam(params, 'permissions'),
    permittedIps: listParam(params, 'permitted_ip_addresses'),
  });
  return { kind: 'record', root: 'api_key', record: renderApiKey(apiKey, call.reader, secret), status: 201, location: call.url(`/api_keys/${apiKey.id}`) };
}

async function destroy(core: Core, call: DanbooruCall): Promise<DanbooruResponse> {
  await revokeApiKey(core, call.viewer, recordId(call.pathId, 'api_key'));
  return { kind: 'empty' };
}

export function apiKeyRoutes({ core }: DanbooruRoutes): RouteGroup {
  return [
    { method: 'GET', path: '/api_keys', action: 'api_keys:index', handle: (call) => index(core, call) },
    { method: 'POST', path: '/api_keys', action: 'api_keys:create', handle: (call) => create(core, call) },
    { method: 'DELETE', path: '/api_keys/:id', action: 'api_keys:destroy', handle: (call) => destroy(core, call) },
  ];
}
