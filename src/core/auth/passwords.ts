import { availableParallelism } from 'node:os';
import argon2 from 'argon2';
import type { Config } from '../../config.js';
import { ConcurrencyLimit } from '../concurrency-limit.js';
import { invalidParam } from '../errors.js';
import { passwordFormatOf } from './password-formats.js';
import { generateSecret } from './secrets.js';

/** OWASP Password Storage Cheat Sheet: Argon2id, 19 MiB, two passes, one lane. */
export const ARGON2_PARAMS = Object.freeze({ memoryCost: 19456, timeCost: 2, parallelism: 1 });

/**
 * The longest password hashed or checked at all, whatever the configured maximum, so that a huge
 * body cannot buy CPU time. It is above `passwordMaxLength` so that imported accounts whose old
 * system allowed longer passwords (Django: 4096) can still sign in up to this length.
 */
export const PASSWORD_INPUT_LIMIT = 1024;

/**
 * libuv's default threadpool size, which fs, dns and crypto share. `UV_THREADPOOL_SIZE` is not
 * read (only config.ts reads the environment): a raised pool still gets at most three hashes.
 */
const LIBUV_DEFAULT_THREADS = 4;

/**
 * Password hashes and checks (Argon2 and the imported formats) running at once in this process;
 * the rest wait in turn, holding nothing. One core is left to the event loop: with a hash on
 * every core, the loop waited behind them for a core and every answer (who-am-I from the cache
 * too) took as long; more hashes than cores only time-slice the same cores. And never all of
 * libuv's default threads, so that fs, dns and crypto are not queued behind a login storm.
 * Process-wide, as the cores and the threadpool are.
 */
export const PASSWORD_WORK = new ConcurrencyLimit(Math.max(1, Math.min(availableParallelism() - 1, LIBUV_DEFAULT_THREADS - 1)));

/** Hashes a password with Argon2id (on a libuv thread, off the event loop). */
export async function hashPassword(password: string): Promise<string> {
  if (password.length > PASSWORD_INPUT_LIMIT) throw invalidParam('password', `is too long (maximum is ${PASSWORD_INPUT_LIMIT} characters)`);
  return PASSWORD_WORK.run(() => argon2.hash(password, { type: argon2.argon2id, ...ARGON2_PARAMS }));
}

/** Whether `hash` is Argon2id with today's parameters. */
function isCurrentHash(hash: string): boolean {
  if (!hash.startsWith('$argon2id$')) return false;
  try {
    return !argon2.needsRehash(hash, ARGON2_PARAMS);
  } catch {
    return false;
  }
}

/**
 * Checks `password` against a stored hash in any supported format (Argon2id/i/d, bcrypt, Django
 * PBKDF2, scrypt; see password-formats.ts). `needsRehash` is true whenever the hash is not
 * Argon2id with the current parameters, whether or not the password matched.
 * An unknown format or an over-long password never matches.
 */
export async function verifyPassword(hash: string, password: string): Promise<{ ok: boolean; needsRehash: boolean }> {
  const needsRehash = !isCurrentHash(hash);
  const format = passwordFormatOf(hash);
  if (!format || password.length > PASSWORD_INPUT_LIMIT) return { ok: false, needsRehash };
  try {
    return { ok: await PASSWORD_WORK.run(() => format.verify(hash, password)), needsRehash };
  } catch {
    return { ok: false, needsRehash };
  }
}

let dummyHash: Promise<string> | null = null;

/**
 * Spends the time of a real Argon2id check when there is no account to check against, so that
 * a login for an unknown name takes as long as one with a wrong password (ASVS 6.3.8).
 */
export async function verifyDummyPassword(password: string): Promise<void> {
  dummyHash ??= hashPassword(generateSecret());
  await verifyPassword(await dummyHash, password.slice(0, PASSWORD_INPUT_LIMIT));
}

/**
 * Problems with a new password, as messages; empty when acceptable. Only length is checked
 * (ASVS 6.2.5: no composition rules), counted in characters, not bytes.
 */
export function passwordProblems(config: Config, password: string): string[] {
  const length = [...password].length;
  const problems: string[] = [];
  if (length < config.passwordMinLength) problems.push(`is too short (minimum is ${config.passwordMinLength} characters)`);
  if (length > config.passwordMaxLength) problems.push(`is too long (maximum is ${config.passwordMaxLength} characters)`);
  return problems;
}

/** Whether an imported hash is in a format Roster can verify. */
export function isSupportedPasswordHash(hash: string): boolean {
  return passwordFormatOf(hash) !== null;
}
