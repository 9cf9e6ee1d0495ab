import type { PageRequest, SortKey } from '../../query/search.js';
import { paginationError } from './errors.js';
import { parsePage } from './params.js';
import type { DanbooruCall, DanbooruResponse } from './routes.js';
import { searchRedirectQuery } from '../rails/search-normalize.js';

/** What every Danbooru index shares: the blank-search redirect and `page`/`limit`. */

/** Danbooru's default order for every list: newest id first. */
export const ID_DESC: readonly SortKey[] = [{ kind: 'field', field: 'id', direction: 'desc' }];

/** application_controller.rb `normalize_search`: a GET whose `search` has blank values goes to the URL without them. */
export function blankSearchRedirect(call: DanbooruCall): DanbooruResponse | null {
  const query = searchRedirectQuery(call.query);
  if (query === null) return null;
  // The request's own path, prefix included, on the public origin.
  const path = call.request.url.split('?')[0] ?? '';
  return { kind: 'redirect', status: 302, location: `${call.origin}${path}${query === '' ? '' : `?${query}`}` };
}

/** The page asked for; past the viewer's last page, 410 (pagination_extension.rb). */
export function requestedPage(call: DanbooruCall): PageRequest {
  const page = parsePage({ page: call.params.page, limit: call.params.limit }, call.viewer.level);
  if (!page.ok) throw paginationError(page.message);
  return page.page;
}
