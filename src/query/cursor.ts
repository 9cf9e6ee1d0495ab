import { createHash } from 'node:crypto';
import { invalidParam } from '../core/errors.js';
import { isStorableText } from './compile-match.js';
import type { FieldType } from './fields.js';

/** A keyset position: the sort values of the last row seen, the tie-breaking id included. */
export type CursorValues = readonly (string | number)[];

const VERSION = 1;
const MAX_CURSOR_LENGTH = 4096;

interface CursorPayload {
  readonly v: number;
  /** The sort signature (`users|level:asc,id:asc`). */
  readonly s: string;
  readonly k: CursorValues;
  /** A checksum, so that an edited cursor is refused rather than silently moving the page. */
  readonly c: string;
}

// Not a secret: cursors carry only values of fields the viewer may sort by. The checksum only
// catches edited or truncated cursors.
const checksum = (signature: string, values: CursorValues): string =>
  createHash('sha256')
    .update(JSON.stringify([VERSION, signature, values]))
    .digest('base64url')
    .slice(0, 16);

/** An opaque cursor (base64url JSON) for the position after a row with these sort values. */
export function encodeCursor(signature: string, values: CursorValues): string {
  const payload: CursorPayload = { v: VERSION, s: signature, k: values, c: checksum(signature, values) };
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

/**
 * Reads a cursor made by {@link encodeCursor} for the same sort, checking everything: encoding,
 * shape, version, sort signature, checksum and the type of each value.
 *
 * @throws CoreError `invalid_param` with `param: 'cursor'`.
 */
export function decodeCursor(cursor: string, signature: string, types: readonly FieldType[]): CursorValues {
  const payload = parsePayload(cursor);
  if (payload.s !== signature) throw invalidParam('cursor', 'the cursor belongs to another search order');
  if (payload.c !== checksum(payload.s, payload.k)) throw invalidParam('cursor', 'invalid cursor');
  if (payload.k.length !== types.length || !payload.k.every((value, i) => valueFits(value, types[i]!))) {
    throw invalidParam('cursor', 'invalid cursor');
  }
  return payload.k;
}

function parsePayload(cursor: string): CursorPayload {
  const bad = invalidParam('cursor', 'invalid cursor');
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw bad;
  const bytes = Buffer.from(cursor, 'base64url');
  // Base64 decoding is lenient; only the canonical encoding of the bytes is accepted.
  if (bytes.toString('base64url') !== cursor) throw bad;
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw bad;
  }
  if (!isPayload(parsed)) throw bad;
  return parsed;
}

function isPayload(value: unknown): value is CursorPayload {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  return (
    Object.keys(record).sort().join(',') === 'c,k,s,v' &&
    record.v === VERSION &&
    typeof record.s === 'string' &&
    typeof record.c === 'string' &&
    Array.isArray(record.k) &&
    record.k.every((item) => typeof item === 'string' || typeof item === 'number')
  );
}

function valueFits(value: string | number, type: FieldType): boolean {
  return type === 'string' ? typeof value === 'string' && isStorableText(value) : typeof value === 'number' && Number.isSafeInteger(value);
}
