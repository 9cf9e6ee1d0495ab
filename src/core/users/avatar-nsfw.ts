/**
 * The browsing level of a user's avatar, as Civitai labels it (seed: "Browsing-level label for
 * the user's avatar (None, Soft, Mature, X). Always None unless the user has set a mature
 * avatar"), mildest first. It rates the image, so the host site writes it (server data).
 */
export const AVATAR_NSFW_LEVELS = Object.freeze(['None', 'Soft', 'Mature', 'X'] as const);
export type AvatarNsfw = (typeof AVATAR_NSFW_LEVELS)[number];

export const isAvatarNsfw = (value: unknown): value is AvatarNsfw => typeof value === 'string' && (AVATAR_NSFW_LEVELS as readonly string[]).includes(value);

/** The stored label; a value written before the check existed (an import) reads as `None`. */
export const avatarNsfwOf = (stored: string): AvatarNsfw => (isAvatarNsfw(stored) ? stored : 'None');

export function avatarNsfwProblems(value: unknown): string[] {
  return isAvatarNsfw(value) ? [] : [`must be one of ${AVATAR_NSFW_LEVELS.join(', ')}`];
}
