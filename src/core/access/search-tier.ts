import { Level } from './levels.js';
import { isSystem, type Viewer } from './viewer.js';

/**
 * Who may filter or sort on a field, lowest first. The read rules (visibility.ts) name the
 * tier each field needs; `searchTier` says which one a viewer reaches.
 */
export type SearchTier = 'public' | 'member' | 'moderator' | 'admin';

export const SEARCH_TIERS: readonly SearchTier[] = Object.freeze(['public', 'member', 'moderator', 'admin']);

export const tierAllows = (viewerTier: SearchTier, required: SearchTier): boolean =>
  SEARCH_TIERS.indexOf(viewerTier) >= SEARCH_TIERS.indexOf(required);

/** The highest search tier the viewer may filter and sort with. */
export function searchTier(viewer: Viewer): SearchTier {
  if (isSystem(viewer) || viewer.level >= Level.Admin) return 'admin';
  if (viewer.level >= Level.Moderator) return 'moderator';
  return viewer.user !== null ? 'member' : 'public';
}
