import { forbidden } from '../errors.js';
import type { Viewer } from './viewer.js';

/**
 * What an anonymous caller may ask of a list on the native API: no exact totals (`count=true`
 * makes the database count every match) and offsets no deeper than this, since an offset page
 * reads and throws away every row before it. Signed-in callers are bounded by the request
 * schemas alone; keyset cursors go arbitrarily deep at constant cost for everyone.
 */
export const ANONYMOUS_MAX_OFFSET = 1000;

/** @throws CoreError `forbidden` (naming the parameter) when an anonymous viewer asks for more. */
export function assertPagingAllowed(viewer: Viewer, page: { readonly offset?: number; readonly count?: boolean }): void {
  if (viewer.user !== null || viewer.credential.kind === 'system') return;
  if (page.count === true) throw forbidden('Sign in to ask for count=true', { param: 'count' });
  if (page.offset !== undefined && page.offset > ANONYMOUS_MAX_OFFSET) {
    throw forbidden(`Sign in to page beyond offset ${ANONYMOUS_MAX_OFFSET}, or page with the cursor`, { param: 'offset' });
  }
}
