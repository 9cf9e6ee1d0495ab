/**
 * Who may filter or sort on a field, lowest first. The field catalogue (query/fields.ts) tags
 * each field with one; policy.ts `searchTier` says which one a viewer reaches.
 */
export type SearchTier = 'public' | 'member' | 'moderator' | 'admin';

export const SEARCH_TIERS: readonly SearchTier[] = Object.freeze(['public', 'member', 'moderator', 'admin']);

export const tierAllows = (viewerTier: SearchTier, required: SearchTier): boolean =>
  SEARCH_TIERS.indexOf(viewerTier) >= SEARCH_TIERS.indexOf(required);
