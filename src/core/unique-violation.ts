import { CoreError, emailTaken } from './errors.js';

/**
 * The column whose unique constraint `error` violated, on either engine, or null when the error
 * is something else. SQLite: "UNIQUE constraint failed: users.name_lower"; PostgreSQL: code
 * 23505 with "Key (name_lower)=(…) already exists."
 */
export function uniqueViolationColumn(error: unknown): string | null {
  if (!(error instanceof Error)) return null;
  const { code, detail } = error as Error & { code?: unknown; detail?: unknown };
  if (code === 'SQLITE_CONSTRAINT_UNIQUE') {
    const match = /UNIQUE constraint failed: [a-z_]+\.([a-z_]+)/.exec(error.message);
    return match?.[1] ?? '';
  }
  if (code === '23505') {
    const match = typeof detail === 'string' ? /^Key \(([^)]+)\)=/.exec(detail) : null;
    return match?.[1] ?? '';
  }
  return null;
}

/** A unique violation on users as `conflict` (the name, email or uuid is taken); other errors pass through. */
export function userConflict(error: unknown): unknown {
  const column = uniqueViolationColumn(error);
  if (column === 'name_lower')
    return new CoreError('conflict', 'user conflicts with an existing record', { entity: 'user', fields: { name: ['already taken'] }, conflict: 'name_taken' });
  if (column === 'uuid')
    return new CoreError('conflict', 'user conflicts with an existing record', { entity: 'user', fields: { uuid: ['already taken'] }, conflict: 'uuid_taken' });
  if (column === 'email_lower') return emailTaken();
  return error;
}
