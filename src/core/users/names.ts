/**
 * User names: the rules every dialect shares. Stricter signup rules (Danbooru's 2–24 characters,
 * e621's character set, CVAT's) live with each dialect's signup and are applied there.
 */
export const NAME_MAX_LENGTH = 150;

/** Names no account may take: route words and the pattern given to deleted accounts. */
const RESERVED_NAMES: ReadonlySet<string> = new Set(['me', 'self', 'anonymous', 'system', 'any', 'none', 'new']);

/** Matches the names given to deleted accounts (`user_<id>`); only deletion may assign them. */
export const DELETED_NAME_PATTERN = /^user_[0-9]+$/i;

// Whitespace, control, format (zero-width, bidi) and unassigned/private-use characters.
const FORBIDDEN_CHARACTERS = /[\s\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u;

/**
 * Danbooru's normalization, used by every dialect: trim, and inner spaces become `_`.
 * NFC so that visually identical names compare equal.
 */
export function normalizeName(raw: string): string {
  return raw.normalize('NFC').trim().replace(/ +/g, '_');
}

/** The uniqueness key: names are unique ignoring case. */
export function nameKey(name: string): string {
  return normalizeName(name).toLowerCase();
}

/** Messages for a normalized name that breaks a shared rule; empty when it is acceptable. */
export function nameProblems(name: string, options: { allowDeletedPattern?: boolean } = {}): string[] {
  const problems: string[] = [];
  if (name.length === 0) problems.push("can't be blank");
  if ([...name].length > NAME_MAX_LENGTH) problems.push(`must be at most ${NAME_MAX_LENGTH} characters long`);
  if (FORBIDDEN_CHARACTERS.test(name)) problems.push("can't contain whitespace or invisible characters");
  if (RESERVED_NAMES.has(name.toLowerCase())) problems.push('is a reserved name');
  if (!options.allowDeletedPattern && DELETED_NAME_PATTERN.test(name)) problems.push("can't be user_<number>");
  return problems;
}
