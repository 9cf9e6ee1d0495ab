import { pbkdf2, scrypt, timingSafeEqual, type BinaryLike, type ScryptOptions } from 'node:crypto';
import { promisify } from 'node:util';
import argon2 from 'argon2';
import bcrypt from 'bcryptjs';

const pbkdf2Async = promisify(pbkdf2);
const scryptAsync = promisify(scrypt) as (password: BinaryLike, salt: BinaryLike, keylen: number, options: ScryptOptions) => Promise<Buffer>;

/** One stored-hash format Roster can check (imported accounts keep theirs until they log in). */
export interface PasswordFormat {
  readonly name: string;
  /** Whether `hash` is in this format and its parameters are within our limits. */
  matches(hash: string): boolean;
  /** Checks `password`; off the event loop, constant-time comparison. */
  verify(hash: string, password: string): Promise<boolean>;
}

// Parameters in any order: node-argon2 writes `m=…,p=…,t=…`, the PHC reference `m=…,t=…,p=…`.
const ARGON2 = /^\$argon2(?:id|i|d)\$(?:v=\d+\$)?[a-z]+=[0-9]+(?:,[a-z]+=[0-9]+)*\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;

/**
 * Limits on imported Argon2 parameters, so that a planted hash cannot make one login cost
 * seconds or minutes of a libuv thread and gigabytes of memory: at most 256 MiB, 16 passes,
 * 16 lanes, and memory × passes at most 1 GiB·pass (e.g. 64 MiB × 16 or 256 MiB × 4).
 * Real deployments use far less (OWASP: 19 MiB × 2; RFC 9106 first choice: 2 GiB × 1 is the
 * one common setting refused, and such hashes are reported at import).
 */
export const ARGON2_LIMITS = Object.freeze({ memoryKiB: 262_144, passes: 16, lanes: 16, memoryTimesPasses: 1_048_576 });

/** Whether an Argon2 hash names m, t and p, each within `ARGON2_LIMITS`. */
export function argon2ParamsWithinLimits(hash: string): boolean {
  const params = new Map((hash.split('$')[hash.includes('$v=') ? 3 : 2] ?? '').split(',').map((pair) => pair.split('=') as [string, string]));
  const m = Number(params.get('m'));
  const t = Number(params.get('t'));
  const p = Number(params.get('p'));
  if (![m, t, p].every((n) => Number.isSafeInteger(n) && n >= 1)) return false;
  return m <= ARGON2_LIMITS.memoryKiB && t <= ARGON2_LIMITS.passes && p <= ARGON2_LIMITS.lanes && m * t <= ARGON2_LIMITS.memoryTimesPasses;
}

/** `$argon2id$v=19$m=…,t=…,p=…$salt$hash` (also argon2i and argon2d), checked on libuv threads. */
const argon2Format: PasswordFormat = {
  name: 'argon2',
  matches: (hash) => ARGON2.test(hash) && argon2ParamsWithinLimits(hash),
  verify: (hash, password) => argon2.verify(hash, password),
};

const BCRYPT = /^\$2[aby]\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}$/;

/** bcrypt `$2a$`, `$2b$`, `$2y$`; bcryptjs compares in constant time and yields between rounds. */
const bcryptFormat: PasswordFormat = {
  name: 'bcrypt',
  matches: (hash) => BCRYPT.test(hash),
  verify: (hash, password) => bcrypt.compare(password, hash),
};

// Django raises its default every release (1,000,000 in 5.x); the cap keeps a planted hash from stalling us.
const PBKDF2_MAX_ITERATIONS = 10_000_000;
const DJANGO_PBKDF2 = /^pbkdf2_(sha256|sha1)\$([1-9][0-9]{0,7})\$([^$]{1,128})\$([A-Za-z0-9+/]{20,}={0,2})$/;

function parseDjangoPbkdf2(hash: string): { digest: string; iterations: number; salt: string; expected: Buffer } | null {
  const match = DJANGO_PBKDF2.exec(hash);
  if (!match) return null;
  const [, digest = 'sha256', iterations = '0', salt = '', encoded = ''] = match;
  const expected = Buffer.from(encoded, 'base64');
  return Number(iterations) <= PBKDF2_MAX_ITERATIONS && expected.length >= 16 ? { digest, iterations: Number(iterations), salt, expected } : null;
}

/** Django `pbkdf2_sha256$<iterations>$<salt>$<base64 hash>` (and legacy `pbkdf2_sha1`); the salt is UTF-8 text. */
const djangoPbkdf2Format: PasswordFormat = {
  name: 'django-pbkdf2',
  matches: (hash) => parseDjangoPbkdf2(hash) !== null,
  async verify(hash, password) {
    const params = parseDjangoPbkdf2(hash);
    if (!params) return false;
    const actual = await pbkdf2Async(password, params.salt, params.iterations, params.expected.length, params.digest);
    return timingSafeEqual(actual, params.expected);
  },
};

const SCRYPT = /^\$scrypt\$ln=([0-9]{1,2}),r=([0-9]{1,2}),p=([0-9]{1,2})\$([A-Za-z0-9+/.]{8,}={0,2})\$([A-Za-z0-9+/.]{20,}={0,2})$/;
const SCRYPT_MAX_MEMORY = 256 * 1024 * 1024;

interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly salt: Buffer;
  readonly expected: Buffer;
}

// Passlib's "ab64" alphabet writes `.` for `+`; plain base64 is accepted as well.
const ab64 = (text: string): Buffer => Buffer.from(text.replace(/\./g, '+'), 'base64');

function parseScrypt(hash: string): ScryptParams | null {
  const match = SCRYPT.exec(hash);
  if (!match) return null;
  const [, ln = '0', r = '0', p = '0', salt = '', encoded = ''] = match;
  const params = { N: 2 ** Number(ln), r: Number(r), p: Number(p), salt: ab64(salt), expected: ab64(encoded) };
  const valid =
    Number(ln) >= 1 &&
    Number(ln) <= 22 &&
    params.r >= 1 &&
    params.p >= 1 &&
    params.p <= 16 &&
    128 * params.N * params.r <= SCRYPT_MAX_MEMORY &&
    params.expected.length >= 16 &&
    params.expected.length <= 128;
  return valid ? params : null;
}

/**
 * scrypt in passlib's modular form, `$scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt>$<hash>`, salt and hash
 * in base64 (padding optional, `.` accepted for `+`); the salt is used as its decoded bytes and
 * the key length is that of the stored hash. Memory per check is capped at 256 MiB.
 */
const scryptFormat: PasswordFormat = {
  name: 'scrypt',
  matches: (hash) => parseScrypt(hash) !== null,
  async verify(hash, password) {
    const params = parseScrypt(hash);
    if (!params) return false;
    const { N, r, p, salt, expected } = params;
    const actual = await scryptAsync(password, salt, expected.length, { N, r, p, maxmem: SCRYPT_MAX_MEMORY + 1024 * 1024 });
    return timingSafeEqual(actual, expected);
  },
};

export const PASSWORD_FORMATS: readonly PasswordFormat[] = Object.freeze([argon2Format, bcryptFormat, djangoPbkdf2Format, scryptFormat]);

/** The format `hash` is stored in, or null when Roster cannot check it. */
export function passwordFormatOf(hash: string): PasswordFormat | null {
  return PASSWORD_FORMATS.find((format) => format.matches(hash)) ?? null;
}
