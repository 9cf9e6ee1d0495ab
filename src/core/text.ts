/**
 * PostgreSQL text cannot hold NUL (U+0000); refusing it everywhere (request bodies, filters,
 * cursors, logins, stored fields) keeps both engines alike. The one NUL check.
 */
export const hasNul = (value: string): boolean => value.includes('\u0000');
